/**
 * Wires the kiosk together from injected Electron modules: one locked-down window on the hub's terminal
 * page, the permission and navigation policy, the IPC bridge, the watchdog and the keep-awake blocker.
 * src/main/index.ts passes the real modules; tests pass fakes.
 */
import * as path from 'node:path';
import type {
  App,
  BrowserWindowConstructorOptions,
  IpcMain,
  Menu,
  Net,
  PowerSaveBlocker,
  Protocol,
  Screen,
  Session,
  WebContents,
} from 'electron';
import { type AlertVolume, createAlertVolume } from './alert-volume';
import { type Clock, systemClock } from './clock';
import type { TerminalConfig } from './config';
import {
  CREDENTIAL_FILE_NAME,
  type CredentialStore,
  createCredentialStore,
  PROFILE_FILE_NAME,
  type SafeStorageLike,
} from './credential-store';
import { createEnrollmentCodeSource } from './enrollment-code';
import { createIpcDispatcher, createSenderCheck, registerIpcHandlers } from './ipc';
import { createKeepAwake, type KeepAwake } from './keep-awake';
import { installPackagedRenderer } from './packaged-renderer';
import {
  type GuardedWebContents,
  guardNavigation,
  installContentSecurityPolicy,
  installPermissionHandlers,
  kioskWindowOptions,
  type Log,
} from './security';
import { createWatchdog, type Watchdog } from './watchdog';

/** The parts of a BrowserWindow the kiosk uses. */
export interface KioskWindow {
  webContents: GuardedWebContents &
    Pick<WebContents, 'id' | 'mainFrame' | 'closeDevTools'> & {
      on(event: string, listener: (...args: never[]) => void): unknown;
    };
  on(event: 'unresponsive' | 'responsive', listener: () => void): unknown;
  once(event: 'ready-to-show', listener: () => void): unknown;
  show(): void;
}

export interface ElectronApis {
  app: Pick<
    App,
    'whenReady' | 'quit' | 'relaunch' | 'exit' | 'getPath' | 'getVersion' | 'isPackaged' | 'requestSingleInstanceLock'
  > & { on(event: string, listener: (...args: never[]) => void): unknown };
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => KioskWindow;
  session: {
    defaultSession: Pick<
      Session,
      'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler' | 'webRequest'
    >;
  };
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  powerSaveBlocker: Pick<PowerSaveBlocker, 'start' | 'stop' | 'isStarted'>;
  safeStorage: SafeStorageLike;
  screen: Pick<Screen, 'getPrimaryDisplay'>;
  Menu?: Pick<typeof Menu, 'setApplicationMenu'>;
  /** With `net` and `KioskOptions.rendererDir`: the terminal page is served from the package. */
  protocol?: Pick<Protocol, 'handle'>;
  net?: Pick<Net, 'fetch'>;
}

export interface KioskOptions {
  preloadPath: string;
  clock?: Clock;
  log?: Log;
  env?: NodeJS.ProcessEnv;
  /** The packaged terminal page (dist/web): it starts even when the hub cannot be reached. */
  rendererDir?: string;
  /** System volume for alerts (wpctl on the device); tests pass a fake. */
  alertVolume?: AlertVolume;
}

export interface Kiosk {
  window: KioskWindow;
  keepAwake: KeepAwake;
  alertVolume: AlertVolume;
  watchdog: Watchdog;
  credentials: CredentialStore;
}

/** DevTools only on an unpackaged developer build that asks for them. */
export function devToolsAllowed(app: Pick<App, 'isPackaged'>, env: NodeJS.ProcessEnv): boolean {
  return !app.isPackaged && env.TSUNAGU_TERMINAL_DEVTOOLS === '1';
}

/** Resolves with the running kiosk, or null when another instance already owns the screen. */
export async function createKiosk(
  electron: ElectronApis,
  config: TerminalConfig,
  options: KioskOptions,
): Promise<Kiosk | null> {
  const { app } = electron;
  const log = options.log ?? ((message: string) => console.log(`[kiosk] ${message}`));
  const clock = options.clock ?? systemClock;
  const devTools = devToolsAllowed(app, options.env ?? process.env);

  if (!app.requestSingleInstanceLock()) {
    log('another instance is running; quitting');
    app.quit();
    return null;
  }
  // No menu means no accelerators either: no Ctrl+R, no Ctrl+Shift+I, no Alt to reveal a menu bar.
  electron.Menu?.setApplicationMenu(null);

  const guarded = new WeakSet<object>();
  const guard = (contents: GuardedWebContents) => {
    if (guarded.has(contents)) return;
    guarded.add(contents);
    guardNavigation(contents, config.hubOrigin, log);
  };
  // Anything that creates web contents later (an overlooked popup path) is locked down too.
  app.on('web-contents-created', (_event: unknown, contents: GuardedWebContents) => guard(contents));
  // systemd restarts the app; staying alive without a window would leave a black screen.
  app.on('window-all-closed', () => app.quit());

  await app.whenReady();

  const session = electron.session.defaultSession;
  installPermissionHandlers(session, config.hubOrigin, log);
  installContentSecurityPolicy(session, config.hubOrigin);
  if (electron.protocol && electron.net && options.rendererDir) {
    installPackagedRenderer(electron.protocol, electron.net, {
      terminalUrl: config.terminalUrl,
      hubOrigin: config.hubOrigin,
      dir: options.rendererDir,
    });
  }

  const window = new electron.BrowserWindow(
    kioskWindowOptions({
      preloadPath: options.preloadPath,
      appVersion: app.getVersion(),
      devTools,
      bounds: electron.screen.getPrimaryDisplay().bounds,
    }),
  );
  const contents = window.webContents;
  guard(contents);
  if (!devTools) contents.on('devtools-opened', () => contents.closeDevTools());

  const keepAwake = createKeepAwake(electron.powerSaveBlocker);
  const alertVolume = options.alertVolume ?? createAlertVolume({ log });
  // A renderer that is gone cannot say the alert ended: the resident's volume comes back.
  const releaseAll = () => {
    keepAwake.releaseAll();
    void alertVolume.set(false);
  };
  const load = () => void contents.loadURL(config.terminalUrl);
  const restartApp = () => {
    app.relaunch();
    app.exit(0);
  };
  const watchdog = createWatchdog({
    clock,
    log,
    reload: () => {
      releaseAll();
      // Always the terminal page, never "the current URL", which is what just failed.
      load();
    },
    restartApp,
  });
  contents.on('render-process-gone', (_event: unknown, details: { reason: string; exitCode: number }) => {
    releaseAll();
    watchdog.onRenderProcessGone(details);
  });
  contents.on(
    'did-fail-load',
    (_event: unknown, errorCode: number, _description: string, _url: string, isMainFrame: boolean) =>
      watchdog.onLoadFailed(errorCode, isMainFrame),
  );
  // A new page has no memory of the call or alert the old one was showing.
  contents.on('did-navigate', () => releaseAll());
  window.on('unresponsive', () => watchdog.onUnresponsive());
  window.on('responsive', () => watchdog.onResponsive());
  window.once('ready-to-show', () => window.show());
  app.on('before-quit', () => watchdog.stop());

  const credentials = createCredentialStore({
    safeStorage: electron.safeStorage,
    file: path.join(app.getPath('userData'), CREDENTIAL_FILE_NAME),
    allowBasicText: config.allowBasicTextSecrets,
  });
  // The household's last profile, so a restart draws home before the hub answers: it names the
  // household and its shops, so it is kept exactly as the credential is (encrypted, 0600, beside it)
  // and goes with it.
  const profile = createCredentialStore({
    safeStorage: electron.safeStorage,
    file: path.join(app.getPath('userData'), PROFILE_FILE_NAME),
    allowBasicText: config.allowBasicTextSecrets,
  });
  const enrollmentCode = createEnrollmentCodeSource(config.enrollmentCodeFile, log);
  const isTrustedSender = createSenderCheck(() => contents, config.hubOrigin);
  const dispatch = createIpcDispatcher(
    {
      'credential:get': () => credentials.get(),
      'credential:set': (credential) => {
        // Another enrollment: the last household's profile is not this one's.
        profile.clear();
        credentials.set(credential);
      },
      'credential:clear': () => {
        profile.clear();
        credentials.clear();
      },
      'profile:get': () => profile.get(),
      'profile:set': (json) => profile.set(json),
      'enrollment:takeCode': () => enrollmentCode.take(),
      'display:setKeepAwake': (reason, on) => keepAwake.set(reason, on),
      'audio:setAlertVolume': (on) => alertVolume.set(on),
      'config:getHubUrl': () => config.hubUrl,
      // City hall's remote restart (fleet view): after the reply has gone back to the page.
      'app:restart': () => void setImmediate(restartApp),
    },
    isTrustedSender,
    log,
  );
  registerIpcHandlers(electron.ipcMain, dispatch);

  load();
  return { window, keepAwake, alertVolume, watchdog, credentials };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * What the resident sees when the terminal cannot start (usually: not provisioned). A page baked into
 * the app, no preload, no network: it only has to tell whoever looks at the screen whom to call.
 */
export function fatalErrorPage(message: string): string {
  const html = `<!doctype html><html lang="ja"><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<body style="background:#000;color:#fff;font:32px sans-serif;padding:48px">
<h1>この端末は準備ができていません</h1>
<p>市役所の担当窓口に連絡してください。</p>
<p>This terminal is not set up yet. Please contact the city office.</p>
<pre style="font-size:20px;white-space:pre-wrap;color:#ccc">${escapeHtml(message)}</pre>
</body></html>`;
  return `data:text/html;charset=utf-8,${encodeURIComponent(html)}`;
}

export async function showFatalError(electron: Pick<ElectronApis, 'app' | 'BrowserWindow' | 'Menu'>, message: string) {
  electron.Menu?.setApplicationMenu(null);
  await electron.app.whenReady();
  const window = new electron.BrowserWindow({
    kiosk: true,
    fullscreen: true,
    frame: false,
    backgroundColor: '#000000',
    webPreferences: {
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      devTools: false,
      javascript: false,
    },
  });
  // Nothing on this page may navigate anywhere.
  window.webContents.on('will-navigate', (event: { preventDefault(): void }) => event.preventDefault());
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  await window.webContents.loadURL(fatalErrorPage(message));
  return window;
}
