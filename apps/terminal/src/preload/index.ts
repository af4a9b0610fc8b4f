/**
 * The sandboxed preload: exposes exactly one object, `window.terminal`, and never `ipcRenderer`.
 * Sandboxed preloads cannot require local files, so the build bundles this file with esbuild
 * (see apps/terminal/README.md); at run time it may only require `electron`.
 */
import { contextBridge, ipcRenderer } from 'electron';
import {
  APP_VERSION_ARG_PREFIX,
  BRIDGE_KEY,
  type IpcArgsOf,
  IpcChannel,
  type IpcReply,
  type IpcResults,
  type TerminalBridge,
} from '../common/ipc';

/** An Error carrying the IpcErrorCode main answered with, so the renderer can branch on `code`. */
function bridgeError(error: { code: string; message: string }): Error {
  return Object.assign(new Error(error.message), { code: error.code });
}

async function invoke<C extends IpcChannel>(channel: C, ...args: IpcArgsOf<C>): Promise<IpcResults[C]> {
  const reply = (await ipcRenderer.invoke(channel, ...args)) as IpcReply<IpcResults[C]>;
  if (!reply.ok) throw bridgeError(reply.error);
  return reply.data;
}

export function appVersionFromArgv(argv: readonly string[]): string {
  const arg = argv.find((value) => value.startsWith(APP_VERSION_ARG_PREFIX));
  return arg ? arg.slice(APP_VERSION_ARG_PREFIX.length) : 'unknown';
}

export function createBridge(argv: readonly string[]): TerminalBridge {
  // Plain functions with explicit arguments: nothing from the renderer is forwarded wholesale.
  return Object.freeze({
    getCredential: () => invoke(IpcChannel.getCredential),
    setCredential: async (credential: string) => {
      await invoke(IpcChannel.setCredential, credential);
    },
    clearCredential: async () => {
      await invoke(IpcChannel.clearCredential);
    },
    getRememberedProfile: () => invoke(IpcChannel.getRememberedProfile),
    rememberProfile: async (profile: string) => {
      await invoke(IpcChannel.rememberProfile, profile);
    },
    takeEnrollmentCode: () => invoke(IpcChannel.takeEnrollmentCode),
    setKeepAwake: async (reason: IpcArgsOf<typeof IpcChannel.setKeepAwake>[0], on: boolean) => {
      await invoke(IpcChannel.setKeepAwake, reason, on);
    },
    setAlertVolume: async (on: boolean) => {
      await invoke(IpcChannel.setAlertVolume, on);
    },
    getHubUrl: () => invoke(IpcChannel.getHubUrl),
    restartApp: async () => {
      await invoke(IpcChannel.restartApp);
    },
    appVersion: appVersionFromArgv(argv),
  });
}

contextBridge.exposeInMainWorld(BRIDGE_KEY, createBridge(process.argv));
