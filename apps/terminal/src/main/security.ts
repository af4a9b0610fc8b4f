/**
 * The kiosk's security policy: what the window may load, open and be granted. Pure functions over
 * injected Electron objects so each rule is unit-tested without Electron.
 */
import type {
  BrowserWindowConstructorOptions,
  OnHeadersReceivedListenerDetails,
  PermissionCheckHandlerHandlerDetails,
  PermissionRequest,
  Session,
  WebContents,
} from 'electron';
import { APP_VERSION_ARG_PREFIX } from '../common/ipc';
import { isSameOrigin, originOf } from './origin';

export type Log = (message: string) => void;

export interface WindowOptionsInput {
  preloadPath: string;
  appVersion: string;
  /** False in production: the resident must never land in DevTools. */
  devTools: boolean;
  bounds?: { x: number; y: number; width: number; height: number };
}

export function kioskWindowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    ...input.bounds,
    kiosk: true,
    fullscreen: true,
    frame: false,
    autoHideMenuBar: true,
    // Shown on ready-to-show so the resident never sees a white flash or a half-drawn page.
    show: false,
    backgroundColor: '#000000',
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: input.devTools,
      // Announcements and incoming calls must sound without anyone tapping first.
      autoplayPolicy: 'no-user-gesture-required',
      additionalArguments: [`${APP_VERSION_ARG_PREFIX}${input.appVersion}`],
    },
  };
}

/**
 * Granted to the hub's origin only:
 * - `media`: camera and microphone for calls and the listening line.
 * - `speaker-selection`: lets the call screen pick the speakerphone rather than HDMI audio.
 * Deliberately denied even to the hub: `fullscreen` (the window already fills the screen; element
 * fullscreen would only add an Esc-to-leave state a resident cannot get out of), notifications,
 * geolocation, clipboard, USB/serial/HID, display capture and everything else.
 */
export const HUB_PERMISSIONS: ReadonlySet<string> = new Set(['media', 'speaker-selection']);

type RequestDetails = PermissionRequest & { mediaTypes?: Array<'video' | 'audio'>; securityOrigin?: string };

export interface PermissionHandlers {
  request(
    webContents: Pick<WebContents, 'getURL'>,
    permission: string,
    callback: (granted: boolean) => void,
    details: RequestDetails,
  ): void;
  check(
    webContents: Pick<WebContents, 'getURL'> | null,
    permission: string,
    requestingOrigin: string,
    details: Partial<PermissionCheckHandlerHandlerDetails>,
  ): boolean;
}

export function createPermissionHandlers(hubOrigin: string, log: Log = () => {}): PermissionHandlers {
  const allowed = (permission: string, origins: Array<string | null | undefined>, topUrl: string | undefined) =>
    HUB_PERMISSIONS.has(permission) &&
    // A hub-origin frame inside some other page must not inherit the hub's camera.
    (topUrl === undefined || isSameOrigin(topUrl, hubOrigin)) &&
    origins.every((origin) => origin === undefined || origin === hubOrigin);

  return {
    request(webContents, permission, callback, details) {
      const origins = [originOf(details.requestingUrl)];
      if (details.securityOrigin !== undefined) origins.push(originOf(details.securityOrigin));
      let granted = allowed(permission, origins, webContents.getURL());
      if (granted && permission === 'media') {
        granted = (details.mediaTypes ?? []).every((type) => type === 'video' || type === 'audio');
      }
      if (!granted) log(`denied permission request "${permission}" from ${details.requestingUrl}`);
      callback(granted);
    },
    check(webContents, permission, requestingOrigin, details) {
      const origins: Array<string | null> = [originOf(requestingOrigin)];
      if (details.securityOrigin !== undefined) origins.push(originOf(details.securityOrigin));
      if (details.embeddingOrigin !== undefined) origins.push(originOf(details.embeddingOrigin));
      return allowed(permission, origins, webContents ? webContents.getURL() : undefined);
    },
  };
}

export function installPermissionHandlers(
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'>,
  hubOrigin: string,
  log?: Log,
): PermissionHandlers {
  const handlers = createPermissionHandlers(hubOrigin, log);
  session.setPermissionRequestHandler((webContents, permission, callback, details) =>
    handlers.request(webContents, permission, callback, details as RequestDetails),
  );
  session.setPermissionCheckHandler((webContents, permission, requestingOrigin, details) =>
    handlers.check(webContents, permission, requestingOrigin, details),
  );
  // WebUSB/WebHID/WebSerial device access: never.
  session.setDevicePermissionHandler(() => false);
  return handlers;
}

type NavigationEvent = { preventDefault(): void };
export type GuardedWebContents = Pick<WebContents, 'setWindowOpenHandler' | 'loadURL'> & {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: NavigationEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: NavigationEvent) => void): unknown;
};

/**
 * Locks a webContents to the hub: navigation and redirects elsewhere are cancelled, `<webview>` is
 * refused, and no new window is ever opened. A same-origin `target=_blank` link opens in place instead,
 * so a hub page that forgets about the kiosk still works.
 */
export function guardNavigation(contents: GuardedWebContents, hubOrigin: string, log: Log = () => {}): void {
  const guard = (kind: string) => (event: NavigationEvent, url: string) => {
    if (!isSameOrigin(url, hubOrigin)) {
      event.preventDefault();
      log(`blocked ${kind} to ${url}`);
    }
  };
  contents.on('will-navigate', guard('navigation'));
  contents.on('will-redirect', guard('redirect'));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('blocked <webview>');
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (isSameOrigin(url, hubOrigin)) {
      void contents.loadURL(url);
    } else {
      log(`blocked new window to ${url}`);
    }
    return { action: 'deny' };
  });
}

/** Used only when the hub's response carries no CSP of its own. Media is peer to peer, so blob:/mediastream:. */
export function defaultContentSecurityPolicy(hubOrigin: string): string {
  const socketOrigin = hubOrigin.replace(/^http/, 'ws');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    "font-src 'self' data:",
    `connect-src 'self' ${socketOrigin}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}

type HeadersCallback = (response: { responseHeaders?: Record<string, string | string[]> }) => void;

export function createCspListener(hubOrigin: string) {
  const policy = defaultContentSecurityPolicy(hubOrigin);
  return (details: Pick<OnHeadersReceivedListenerDetails, 'url' | 'responseHeaders'>, callback: HeadersCallback) => {
    const headers = { ...(details.responseHeaders ?? {}) };
    const hasPolicy = Object.keys(headers).some((name) => name.toLowerCase() === 'content-security-policy');
    if (isSameOrigin(details.url, hubOrigin) && !hasPolicy) {
      headers['Content-Security-Policy'] = [policy];
    }
    callback({ responseHeaders: headers });
  };
}

export function installContentSecurityPolicy(session: Pick<Session, 'webRequest'>, hubOrigin: string): void {
  session.webRequest.onHeadersReceived({ urls: [`${hubOrigin}/*`] }, createCspListener(hubOrigin));
}
