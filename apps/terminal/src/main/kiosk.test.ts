import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IpcChannel } from '../common/ipc';
import { parseConfig } from './config';
import { createFakeClock } from './fake-clock';
import { createKiosk, type ElectronApis, fatalErrorPage } from './kiosk';

const HUB = 'https://hub.example.city';

function fakeElectron(userData: string) {
  const app = Object.assign(new EventEmitter(), {
    isPackaged: true,
    whenReady: jest.fn(async () => {}),
    quit: jest.fn(),
    relaunch: jest.fn(),
    exit: jest.fn(),
    getPath: () => userData,
    getVersion: () => '1.4.0',
    requestSingleInstanceLock: jest.fn(() => true),
  });
  const windows: FakeWindow[] = [];
  class FakeWindow extends EventEmitter {
    webContents = Object.assign(new EventEmitter(), {
      id: 1,
      mainFrame: { url: `${HUB}/terminal/` },
      loadURL: jest.fn(async () => {}),
      setWindowOpenHandler: jest.fn(),
      closeDevTools: jest.fn(),
    });
    show = jest.fn();
    constructor(readonly options: unknown) {
      super();
      windows.push(this);
      app.emit('web-contents-created', {}, this.webContents);
    }
  }
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>();
  const electron = {
    app,
    BrowserWindow: FakeWindow,
    session: {
      defaultSession: {
        setPermissionRequestHandler: jest.fn(),
        setPermissionCheckHandler: jest.fn(),
        setDevicePermissionHandler: jest.fn(),
        webRequest: { onHeadersReceived: jest.fn() },
      },
    },
    ipcMain: { handle: jest.fn((c: string, h) => handlers.set(c, h)), removeHandler: jest.fn() },
    powerSaveBlocker: { start: jest.fn(() => 5), stop: jest.fn(), isStarted: jest.fn(() => true) },
    safeStorage: {
      isEncryptionAvailable: () => true,
      encryptString: (s: string) => Buffer.from(s).reverse(),
      decryptString: (b: Buffer) => Buffer.from(b).reverse().toString(),
    },
    screen: { getPrimaryDisplay: () => ({ bounds: { x: 0, y: 0, width: 1280, height: 800 } }) },
    Menu: { setApplicationMenu: jest.fn() },
    protocol: { handle: jest.fn() },
    net: { fetch: jest.fn() },
  };
  return { electron, windows, handlers };
}

describe('createKiosk', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsunagu-kiosk-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const config = () => ({ ...parseConfig({ hubUrl: HUB }, 'test'), enrollmentCodeFile: path.join(dir, 'code') });

  it('opens one locked-down window on the hub terminal page and wires the policy', async () => {
    const { electron, windows, handlers } = fakeElectron(dir);
    const clock = createFakeClock();
    const volumes: boolean[] = [];
    const alertVolume = {
      raised: false,
      set: jest.fn(async (on: boolean) => {
        volumes.push(on);
      }),
    };
    const kiosk = await createKiosk(electron as unknown as ElectronApis, config(), {
      preloadPath: '/app/preload/index.js',
      rendererDir: '/app/web',
      clock,
      alertVolume,
      log: () => {},
      env: { TSUNAGU_TERMINAL_DEVTOOLS: '1' },
    });
    expect(kiosk).not.toBeNull();
    expect(windows).toHaveLength(1);
    const [window] = windows;
    expect(window?.options).toMatchObject({
      kiosk: true,
      width: 1280,
      webPreferences: { devTools: false, sandbox: true },
    });
    expect(electron.Menu.setApplicationMenu).toHaveBeenCalledWith(null);
    expect(window?.webContents.loadURL).toHaveBeenCalledWith(`${HUB}/terminal/`);
    expect(window?.webContents.setWindowOpenHandler).toHaveBeenCalledTimes(1);
    expect(electron.session.defaultSession.setPermissionCheckHandler).toHaveBeenCalled();
    expect(electron.session.defaultSession.setPermissionRequestHandler).toHaveBeenCalled();
    expect(electron.session.defaultSession.webRequest.onHeadersReceived).toHaveBeenCalledWith(
      { urls: [`${HUB}/*`] },
      expect.any(Function),
    );
    expect([...handlers.keys()].sort()).toEqual(Object.values(IpcChannel).sort());
    // The terminal page comes from the package (it starts with the hub gone); the rest from the hub.
    expect(electron.protocol.handle).toHaveBeenCalledWith('https', expect.any(Function));

    // The renderer asks for the screen to stay on during a call; a crash releases it and reloads.
    const fromHub = { sender: { id: 1 }, senderFrame: window?.webContents.mainFrame };
    await expect(handlers.get(IpcChannel.setKeepAwake)?.(fromHub, 'call', true)).resolves.toEqual({
      ok: true,
      data: undefined,
    });
    expect(electron.powerSaveBlocker.start).toHaveBeenCalledWith('prevent-display-sleep');
    // An emergency raises the system volume; a bad argument is refused before main acts on it.
    await expect(handlers.get(IpcChannel.setAlertVolume)?.(fromHub, true)).resolves.toEqual({
      ok: true,
      data: undefined,
    });
    await expect(handlers.get(IpcChannel.setAlertVolume)?.(fromHub, 'loud')).resolves.toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD' },
    });
    expect(volumes).toEqual([true]);
    window?.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
    expect(electron.powerSaveBlocker.stop).toHaveBeenCalledWith(5);
    // The crashed page cannot end its alert: main puts the resident's volume back.
    expect(volumes[0]).toBe(true);
    expect(volumes.at(-1)).toBe(false);
    expect(window?.webContents.loadURL).toHaveBeenCalledTimes(2);

    // City hall's remote restart relaunches the app (after answering the page).
    await expect(handlers.get(IpcChannel.restartApp)?.(fromHub)).resolves.toEqual({ ok: true, data: undefined });
    await new Promise((r) => setImmediate(r));
    expect(electron.app.relaunch).toHaveBeenCalledTimes(1);
    expect(electron.app.exit).toHaveBeenCalledWith(0);
    electron.app.relaunch.mockClear();
    electron.app.exit.mockClear();

    // Repeated crashes restart the whole app.
    window?.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
    window?.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
    expect(electron.app.relaunch).toHaveBeenCalled();
    expect(electron.app.exit).toHaveBeenCalledWith(0);

    // The credential round-trips through IPC and is stored encrypted under userData.
    await handlers.get(IpcChannel.setCredential)?.(fromHub, 'abc-123');
    expect(fs.readFileSync(path.join(dir, 'credential.bin')).toString()).toBe('321-cba');
    await expect(handlers.get(IpcChannel.getCredential)?.(fromHub)).resolves.toEqual({ ok: true, data: 'abc-123' });
    // The remembered profile is kept beside it, encrypted too, and goes with the credential.
    await handlers.get(IpcChannel.rememberProfile)?.(fromHub, '{"householdName":"山田"}');
    expect(fs.readFileSync(path.join(dir, 'profile.bin')).toString()).not.toContain('山田');
    await expect(handlers.get(IpcChannel.getRememberedProfile)?.(fromHub)).resolves.toEqual({
      ok: true,
      data: '{"householdName":"山田"}',
    });
    await handlers.get(IpcChannel.setCredential)?.(fromHub, 'abc-456');
    await expect(handlers.get(IpcChannel.getRememberedProfile)?.(fromHub)).resolves.toEqual({ ok: true, data: null });
    await handlers.get(IpcChannel.rememberProfile)?.(fromHub, '{"householdName":"山田"}');
    await handlers.get(IpcChannel.clearCredential)?.(fromHub);
    expect(fs.existsSync(path.join(dir, 'profile.bin'))).toBe(false);
    await expect(handlers.get(IpcChannel.getCredential)?.(fromHub)).resolves.toEqual({ ok: true, data: null });
    await expect(handlers.get(IpcChannel.getHubUrl)?.({ sender: { id: 2 }, senderFrame: null })).resolves.toMatchObject(
      {
        ok: false,
      },
    );

    window?.emit('ready-to-show');
    expect(window?.show).toHaveBeenCalled();
  });

  it('quits when another instance already owns the screen', async () => {
    const { electron, windows } = fakeElectron(dir);
    electron.app.requestSingleInstanceLock.mockReturnValue(false);
    const kiosk = await createKiosk(electron as unknown as ElectronApis, config(), {
      preloadPath: '/p',
      log: () => {},
    });
    expect(kiosk).toBeNull();
    expect(electron.app.quit).toHaveBeenCalled();
    expect(windows).toHaveLength(0);
  });

  it('renders fatal errors as an inert, escaped page', () => {
    const url = fatalErrorPage('<script>x</script>');
    const html = decodeURIComponent(url.replace(/^data:text\/html;charset=utf-8,/, ''));
    expect(html).toContain('&#60;script&#62;');
    expect(html).not.toContain('<script>');
    expect(html).toContain("default-src 'none'");
  });
});
