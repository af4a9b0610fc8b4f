import { APP_VERSION_ARG_PREFIX } from '../common/ipc';
import {
  createCspListener,
  createPermissionHandlers,
  type GuardedWebContents,
  guardNavigation,
  installPermissionHandlers,
  kioskWindowOptions,
} from './security';

const HUB = 'https://hub.example.city';
const onHub = { getURL: () => `${HUB}/terminal/` };
const onEvil = { getURL: () => 'https://evil.example/' };

describe('kioskWindowOptions', () => {
  it('is a full-screen kiosk with an isolated, sandboxed renderer', () => {
    const options = kioskWindowOptions({ preloadPath: '/app/preload.js', appVersion: '1.2.3', devTools: false });
    expect(options).toMatchObject({ kiosk: true, fullscreen: true, autoHideMenuBar: true, frame: false, show: false });
    expect(options.webPreferences).toMatchObject({
      preload: '/app/preload.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
    expect(options.webPreferences?.additionalArguments).toEqual([`${APP_VERSION_ARG_PREFIX}1.2.3`]);
  });
});

describe('permission handlers', () => {
  const handlers = createPermissionHandlers(HUB);
  const request = (contents: { getURL(): string }, permission: string, details: object) => {
    const callback = jest.fn();
    handlers.request(contents, permission, callback, { isMainFrame: true, requestingUrl: '', ...details });
    return callback.mock.calls[0]?.[0];
  };

  it('grants camera and microphone to the hub', () => {
    expect(request(onHub, 'media', { requestingUrl: `${HUB}/terminal/`, mediaTypes: ['video', 'audio'] })).toBe(true);
    expect(handlers.check(onHub, 'media', HUB, { mediaType: 'video', isMainFrame: true })).toBe(true);
  });

  it('denies camera to any other origin', () => {
    expect(request(onEvil, 'media', { requestingUrl: 'https://evil.example/', mediaTypes: ['video'] })).toBe(false);
    expect(handlers.check(onEvil, 'media', 'https://evil.example', { mediaType: 'video' })).toBe(false);
    // Same host, other scheme or port is another origin.
    expect(handlers.check(onHub, 'media', 'http://hub.example.city', {})).toBe(false);
    expect(handlers.check(onHub, 'media', 'https://hub.example.city:8443', {})).toBe(false);
  });

  it('denies a hub-origin frame embedded in another page', () => {
    expect(request(onEvil, 'media', { requestingUrl: `${HUB}/terminal/`, mediaTypes: ['audio'] })).toBe(false);
    expect(handlers.check(onHub, 'media', HUB, { embeddingOrigin: 'https://evil.example' })).toBe(false);
  });

  it('denies other permissions even to the hub', () => {
    for (const permission of [
      'geolocation',
      'notifications',
      'fullscreen',
      'display-capture',
      'clipboard-read',
      'usb',
    ]) {
      expect(request(onHub, permission, { requestingUrl: `${HUB}/` })).toBe(false);
      expect(handlers.check(onHub, permission, HUB, {})).toBe(false);
    }
  });

  it('allows speaker selection for the hub only', () => {
    expect(handlers.check(onHub, 'speaker-selection', HUB, {})).toBe(true);
    expect(handlers.check(onEvil, 'speaker-selection', 'https://evil.example', {})).toBe(false);
  });

  it('installs both the request and the check handler on the session, and refuses devices', () => {
    const session = {
      setPermissionRequestHandler: jest.fn(),
      setPermissionCheckHandler: jest.fn(),
      setDevicePermissionHandler: jest.fn(),
    };
    installPermissionHandlers(session, HUB);
    const check = session.setPermissionCheckHandler.mock.calls[0][0];
    expect(check(onHub, 'media', HUB, {})).toBe(true);
    expect(check(onHub, 'media', 'https://evil.example', {})).toBe(false);
    const callback = jest.fn();
    session.setPermissionRequestHandler.mock.calls[0][0](onEvil, 'media', callback, {
      requestingUrl: 'https://evil.example/',
      isMainFrame: true,
    });
    expect(callback).toHaveBeenCalledWith(false);
    expect(session.setDevicePermissionHandler.mock.calls[0][0]()).toBe(false);
  });
});

describe('guardNavigation', () => {
  type Listener = (event: { preventDefault(): void }, url: string) => void;
  const setup = () => {
    const listeners: Record<string, Listener> = {};
    let openHandler: ((details: { url: string }) => { action: string }) | undefined;
    const contents = {
      on: (event: string, listener: Listener) => {
        listeners[event] = listener;
      },
      setWindowOpenHandler: (handler: typeof openHandler) => {
        openHandler = handler;
      },
      loadURL: jest.fn(async () => {}),
    };
    guardNavigation(contents as unknown as GuardedWebContents, HUB);
    const fire = (event: string, url: string) => {
      const preventDefault = jest.fn();
      listeners[event]?.({ preventDefault }, url);
      return preventDefault.mock.calls.length > 0;
    };
    return { fire, open: (url: string) => openHandler?.({ url }), contents };
  };

  it('allows navigation within the hub origin and blocks everything else', () => {
    const { fire } = setup();
    expect(fire('will-navigate', `${HUB}/terminal/call`)).toBe(false);
    expect(fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(fire('will-redirect', 'https://hub.example.city.evil.example/')).toBe(true);
    expect(fire('will-redirect', `${HUB}/terminal/`)).toBe(false);
    expect(fire('will-attach-webview', '')).toBe(true);
  });

  it('never opens a new window; a hub link opens in place', () => {
    const { open, contents } = setup();
    expect(open('https://evil.example/')).toEqual({ action: 'deny' });
    expect(contents.loadURL).not.toHaveBeenCalled();
    expect(open(`${HUB}/terminal/help`)).toEqual({ action: 'deny' });
    expect(contents.loadURL).toHaveBeenCalledWith(`${HUB}/terminal/help`);
  });
});

describe('content security policy', () => {
  const listener = createCspListener(HUB);
  const run = (url: string, responseHeaders: Record<string, string[]>) => {
    const callback = jest.fn();
    listener({ url, responseHeaders }, callback);
    return callback.mock.calls[0][0].responseHeaders as Record<string, string[]>;
  };

  it('adds a strict policy to hub responses that lack one', () => {
    const headers = run(`${HUB}/terminal/`, { 'Content-Type': ['text/html'] });
    const policy = headers['Content-Security-Policy']?.[0] ?? '';
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("object-src 'none'");
    expect(policy).toContain("connect-src 'self' wss://hub.example.city");
    expect(policy).not.toContain('unsafe-eval');
  });

  it("keeps the hub's own policy", () => {
    const headers = run(`${HUB}/terminal/`, { 'content-security-policy': ["default-src 'none'"] });
    expect(headers).toEqual({ 'content-security-policy': ["default-src 'none'"] });
  });
});
