/**
 * What the renderer needs from the machine it runs on. Inside the Electron kiosk that is
 * `window.terminal` (preload bridge, credential encrypted by the OS); when the hub serves this page
 * to an ordinary browser it is localStorage.
 */
import { PROTOCOL_VERSION, type TerminalProfile } from '@tsunagu/protocol';
import type { KeepAwakeReason, TerminalBridge } from '../../common/ipc';
import type { Route } from './routes';

const CREDENTIAL_KEY = 'tsunagu.terminal.credential';
const LANGUAGE_KEY = 'tsunagu.terminal.language';
const ROUTE_KEY = 'tsunagu.terminal.route';
/** Beside the credential (a plain browser's only storage); the kiosk keeps it encrypted in main. */
const PROFILE_KEY = 'tsunagu.terminal.profile';

/** What the renderer may ask of the machine during an alert or a call (nothing in a plain browser). */
export interface DeviceControls {
  setKeepAwake(reason: KeepAwakeReason, on: boolean): void;
  setAlertVolume(on: boolean): void;
}

export interface Platform {
  getCredential(): Promise<string | null>;
  setCredential(credential: string): Promise<void>;
  /** Forgets the credential and the remembered profile with it. */
  clearCredential(): Promise<void>;
  /**
   * The household's last profile, kept where the credential is, so a restart draws home at once
   * while the hub answers (null: none, unreadable, or from another protocol version).
   */
  rememberedProfile(): Promise<TerminalProfile | null>;
  rememberProfile(profile: TerminalProfile): Promise<void>;
  /** A code the installer pre-entered (kiosk only), consumed once. */
  takeEnrollmentCode(): Promise<string | null>;
  /** Hub base URL with a trailing slash. */
  hubBase(): Promise<string>;
  device: DeviceControls;
  /** The app's version: the kiosk's, or this page's when a browser shows it. */
  appVersion: string;
  /** City hall asked for a restart: the kiosk relaunches, a browser reloads the page. */
  restart(): void;
}

/** Set by the web build (scripts/build-web.mjs); absent under tests. */
const WEB_VERSION = process.env.TSUNAGU_WEB_VERSION ?? '0.0.0-web';

function bridge(): TerminalBridge | undefined {
  return typeof window !== 'undefined' ? window.terminal : undefined;
}

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/** A development build (NODE_ENV=development when the web app was bundled); production otherwise. */
const DEVELOPMENT = process.env.NODE_ENV === 'development';

/**
 * The hub serves this page at <hub>/terminal/, so the hub is one level up. In a development build
 * `?hub=` overrides it (a page opened from elsewhere); never in production, where a link with
 * `?hub=` would make the terminal hand its credential to another server.
 */
export function resolveHubBase(href: string, override?: string | null, development = DEVELOPMENT): string {
  const withSlash = (u: string) => (u.endsWith('/') ? u : `${u}/`);
  if (override) return withSlash(new URL(override, href).href);
  const queryHub = development ? new URL(href).searchParams.get('hub') : null;
  if (queryHub) return withSlash(new URL(queryHub, href).href);
  return new URL('../', href).href;
}

/**
 * The hub prints demo-terminal links as `/terminal/#credential=tsd_…`. In a plain browser (never in
 * the kiosk, which has its own enrollment) such a credential is stored and removed from the address
 * bar, so it is not left in history or shared by copying the URL.
 */
export function adoptCredentialFromLink(location: Pick<Location, 'hash'>, store: Storage | undefined): boolean {
  const match = /^#credential=(tsd_[A-Za-z0-9_-]{20,200})$/.exec(location.hash);
  if (!match || !store) return false;
  // Another terminal's credential: the profile remembered for the old one is not its.
  if (store.getItem(CREDENTIAL_KEY) !== match[1]) store.removeItem(PROFILE_KEY);
  store.setItem(CREDENTIAL_KEY, match[1]!);
  return true;
}

/**
 * The remembered profile as stored (JSON with the protocol version it came under), read back only
 * if it still has the shape home is drawn from; anything else is no profile.
 */
export function encodeRememberedProfile(profile: TerminalProfile): string {
  return JSON.stringify({ protocolVersion: PROTOCOL_VERSION, profile });
}

export function decodeRememberedProfile(raw: string | null | undefined): TerminalProfile | null {
  if (!raw) return null;
  try {
    const kept = JSON.parse(raw) as { protocolVersion?: unknown; profile?: Partial<TerminalProfile> };
    const p = kept?.profile;
    if (kept?.protocolVersion !== PROTOCOL_VERSION || typeof p !== 'object' || p === null) return null;
    const shopOk = (s: unknown) => {
      const shop = s as Partial<TerminalProfile['shops'][number]> | null;
      return (
        typeof shop === 'object' &&
        shop !== null &&
        typeof shop.id === 'number' &&
        typeof shop.name === 'string' &&
        typeof shop.category === 'string' &&
        typeof shop.kind === 'string'
      );
    };
    const ok =
      typeof p.terminalId === 'number' &&
      typeof p.householdId === 'number' &&
      typeof p.householdName === 'string' &&
      typeof p.language === 'string' &&
      typeof p.districtId === 'number' &&
      Array.isArray(p.shops) &&
      p.shops.every(shopOk);
    return ok ? (p as TerminalProfile) : null;
  } catch {
    return null;
  }
}

export function createPlatform(): Platform {
  const b = bridge();
  if (!b && typeof window !== 'undefined' && adoptCredentialFromLink(window.location, storage())) {
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return {
    getCredential: async () => (b ? b.getCredential() : (storage()?.getItem(CREDENTIAL_KEY) ?? null)),
    setCredential: async (credential) => {
      // (The kiosk's main forgets the remembered profile itself when a credential is stored or cleared.)
      if (b) await b.setCredential(credential);
      else {
        storage()?.removeItem(PROFILE_KEY);
        storage()?.setItem(CREDENTIAL_KEY, credential);
      }
    },
    clearCredential: async () => {
      if (b) await b.clearCredential();
      else {
        storage()?.removeItem(PROFILE_KEY);
        storage()?.removeItem(CREDENTIAL_KEY);
      }
    },
    rememberedProfile: async () =>
      decodeRememberedProfile(b ? await b.getRememberedProfile() : storage()?.getItem(PROFILE_KEY)),
    rememberProfile: async (profile) => {
      const raw = encodeRememberedProfile(profile);
      if (b) await b.rememberProfile(raw);
      else storage()?.setItem(PROFILE_KEY, raw);
    },
    takeEnrollmentCode: async () => (b ? b.takeEnrollmentCode().catch(() => null) : null),
    appVersion: b?.appVersion ?? WEB_VERSION,
    restart: () => {
      if (b) void b.restartApp().catch(() => window.location.reload());
      else window.location.reload();
    },
    device: {
      // A failure here must never stop the alert itself from showing and sounding.
      setKeepAwake: (reason, on) => void b?.setKeepAwake(reason, on).catch(() => undefined),
      setAlertVolume: (on) => void b?.setAlertVolume(on).catch(() => undefined),
    },
    hubBase: async () => {
      const href = window.location.href;
      // Loaded from disk (file://) the page cannot guess the hub: ask the kiosk's provisioning config.
      if (b && !/^https?:/.test(window.location.protocol)) return resolveHubBase(href, await b.getHubUrl());
      return resolveHubBase(href);
    },
  };
}

/** The household's language, remembered so the offline screen speaks it before the hub answers. */
export function rememberedLanguage(): string | null {
  return storage()?.getItem(LANGUAGE_KEY) ?? null;
}

export function rememberLanguage(language: string): void {
  storage()?.setItem(LANGUAGE_KEY, language);
}

/** The city hall phone number the hub may write into index.html, or null. */
export function cityHallPhone(): string | null {
  const content = document.querySelector('meta[name="tsunagu:cityhall-phone"]')?.getAttribute('content')?.trim();
  return content ? content : null;
}

/**
 * Where the resident was, remembered so a power cut or reload comes back to it (a call is over by
 * then: only screens that can be shown again are kept).
 */
export function rememberedRoute(): Route | null {
  try {
    const raw = storage()?.getItem(ROUTE_KEY);
    const r = raw ? (JSON.parse(raw) as { name?: unknown; page?: unknown }) : null;
    if (r?.name === 'checkin' || r?.name === 'announcements' || r?.name === 'home') return { name: r.name };
    if (r?.name === 'shops' && typeof r.page === 'number') return { name: 'shops', page: r.page };
  } catch {
    // A damaged value: start at home.
  }
  return null;
}

export function rememberRoute(route: Route): void {
  try {
    storage()?.setItem(ROUTE_KEY, JSON.stringify(route));
  } catch {
    // Storage unavailable: the terminal starts at home after a power cut.
  }
}
