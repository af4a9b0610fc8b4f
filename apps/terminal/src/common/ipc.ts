/**
 * The contract between the terminal's main process and its preload: IPC channel names, payload schemas
 * and the `window.terminal` bridge type the renderer sees. No DOM and no Node imports here, so main,
 * preload and renderer can all import it.
 */
import { type Static, Type } from '@sinclair/typebox';

/** Channels use the house `area:verb` style; every one is a request/response (`ipcRenderer.invoke`). */
export const IpcChannel = {
  getCredential: 'credential:get',
  setCredential: 'credential:set',
  clearCredential: 'credential:clear',
  getRememberedProfile: 'profile:get',
  rememberProfile: 'profile:set',
  takeEnrollmentCode: 'enrollment:takeCode',
  setKeepAwake: 'display:setKeepAwake',
  setAlertVolume: 'audio:setAlertVolume',
  getHubUrl: 'config:getHubUrl',
  restartApp: 'app:restart',
} as const;
export type IpcChannel = (typeof IpcChannel)[keyof typeof IpcChannel];

/** Why the display must stay on; main keeps it on while at least one reason is active. */
export const KeepAwakeReason = Type.Union([Type.Literal('call'), Type.Literal('alert')]);
export type KeepAwakeReason = Static<typeof KeepAwakeReason>;

/** Matches the hub's TerminalHandshake credential limits, so main never stores what the hub would refuse. */
export const Credential = Type.String({ minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7e]+$' });

/**
 * The household's last profile as the hub sent it (JSON, written by the renderer), so a restart can
 * draw home before the hub answers. It holds the household's name and shops: main keeps it only
 * beside the credential, encrypted the same way, and forgets it with the credential.
 */
export const RememberedProfile = Type.String({ minLength: 2, maxLength: 65_536 });

const NoArgs = Type.Tuple([]);

/** The argument list of each channel, exactly as `ipcRenderer.invoke(channel, ...args)` sends it. */
export const IpcArgs = {
  [IpcChannel.getCredential]: NoArgs,
  [IpcChannel.setCredential]: Type.Tuple([Credential]),
  [IpcChannel.clearCredential]: NoArgs,
  [IpcChannel.getRememberedProfile]: NoArgs,
  [IpcChannel.rememberProfile]: Type.Tuple([RememberedProfile]),
  [IpcChannel.takeEnrollmentCode]: NoArgs,
  [IpcChannel.setKeepAwake]: Type.Tuple([KeepAwakeReason, Type.Boolean()]),
  [IpcChannel.setAlertVolume]: Type.Tuple([Type.Boolean()]),
  [IpcChannel.getHubUrl]: NoArgs,
  [IpcChannel.restartApp]: NoArgs,
} as const;

/** What main answers on each channel. */
export interface IpcResults {
  [IpcChannel.getCredential]: string | null;
  [IpcChannel.setCredential]: undefined;
  [IpcChannel.clearCredential]: undefined;
  [IpcChannel.getRememberedProfile]: string | null;
  [IpcChannel.rememberProfile]: undefined;
  [IpcChannel.takeEnrollmentCode]: string | null;
  [IpcChannel.setKeepAwake]: undefined;
  [IpcChannel.setAlertVolume]: undefined;
  [IpcChannel.getHubUrl]: string;
  [IpcChannel.restartApp]: undefined;
}

export type IpcArgsOf<C extends IpcChannel> = Static<(typeof IpcArgs)[C]>;

/**
 * Every answer is wrapped so a refusal reaches the renderer as data with a stable code, not as an
 * exception whose message Electron rewrites.
 */
export type IpcReply<T> = { ok: true; data: T } | { ok: false; error: { code: IpcErrorCode; message: string } };

export const IpcErrorCode = {
  /** The message did not come from our window showing the hub's page. */
  FORBIDDEN_SENDER: 'FORBIDDEN_SENDER',
  /** The arguments did not match the channel's schema. */
  INVALID_PAYLOAD: 'INVALID_PAYLOAD',
  /** The OS cannot encrypt the credential, so the terminal refuses to store it. */
  ENCRYPTION_UNAVAILABLE: 'ENCRYPTION_UNAVAILABLE',
  /** Something failed in main (disk, decryption); the message says what. */
  INTERNAL: 'INTERNAL',
} as const;
export type IpcErrorCode = (typeof IpcErrorCode)[keyof typeof IpcErrorCode];

/**
 * `window.terminal`, present only inside the Electron kiosk. In a plain browser served by the hub it is
 * `undefined` and the renderer keeps the credential in localStorage instead.
 * Methods reject with an `Error` whose `code` property is an `IpcErrorCode`.
 */
export interface TerminalBridge {
  /** The stored device credential, or null before enrollment. */
  getCredential(): Promise<string | null>;
  /** Store the credential the hub returned from enrollment (encrypted by the OS keyring). */
  setCredential(credential: string): Promise<void>;
  /** Forget the credential, e.g. after `terminal:revoked` (and the remembered profile with it). */
  clearCredential(): Promise<void>;
  /** The household's last profile (JSON), or null; stored beside the credential, encrypted the same way. */
  getRememberedProfile(): Promise<string | null>;
  /** Keep the profile the hub just sent (JSON), for the next start. Storing a new credential forgets it. */
  rememberProfile(profile: string): Promise<void>;
  /**
   * The 8-digit enrollment code an installer entered with provision.sh, or null. It is deleted as it is
   * read, so the enrollment screen can submit it once and fall back to the on-screen keypad.
   */
  takeEnrollmentCode(): Promise<string | null>;
  /** Keep the screen on while a call or an alert is showing; call again with `false` when it ends. */
  setKeepAwake(reason: KeepAwakeReason, on: boolean): Promise<void>;
  /**
   * An emergency is playing: unmute and raise the system volume to full (true), or put the
   * resident's volume back (false).
   */
  setAlertVolume(on: boolean): Promise<void>;
  /** The hub's base URL from the provisioning config (no trailing slash). */
  getHubUrl(): Promise<string>;
  /** City hall asked for a restart (fleet view): main relaunches the whole app. */
  restartApp(): Promise<void>;
  /** The terminal app's version, for the about screen and heartbeat. */
  readonly appVersion: string;
}

/** The name the preload exposes the bridge under: `window.terminal`. */
export const BRIDGE_KEY = 'terminal';

/**
 * Main hands the app version to the sandboxed preload as a command-line switch (webPreferences
 * `additionalArguments`), so `appVersion` is available synchronously without an extra IPC channel.
 */
export const APP_VERSION_ARG_PREFIX = '--tsunagu-app-version=';
