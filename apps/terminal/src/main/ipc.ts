/** Main's side of the bridge: every IPC message is checked for who sent it and what it carries. */
import { Value } from '@sinclair/typebox/value';
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { IpcArgs, type IpcArgsOf, IpcChannel, IpcErrorCode, type IpcReply, type IpcResults } from '../common/ipc';
import { isSameOrigin } from './origin';
import type { Log } from './security';

export class IpcError extends Error {
  constructor(
    readonly code: IpcErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'IpcError';
  }
}

export type IpcHandlers = {
  [C in IpcChannel]: (
    ...args: IpcArgsOf<C>
  ) => undefined extends IpcResults[C]
    ? IpcResults[C] | Promise<IpcResults[C]> | void | Promise<void>
    : IpcResults[C] | Promise<IpcResults[C]>;
};

type SenderEvent = Pick<IpcMainInvokeEvent, 'senderFrame'> & { sender: { id: number } };

/**
 * Trusted means: sent by the main frame of our own kiosk window while it shows the hub's origin. An
 * injected iframe, a page the window was tricked into loading, or any other webContents is refused.
 */
export function createSenderCheck(
  getWindowContents: () => { id: number; mainFrame?: unknown } | null,
  hubOrigin: string,
) {
  return (event: SenderEvent): boolean => {
    const contents = getWindowContents();
    const frame = event.senderFrame;
    if (!contents || !frame || event.sender.id !== contents.id) return false;
    if (contents.mainFrame !== undefined && frame !== contents.mainFrame) return false;
    return isSameOrigin(frame.url, hubOrigin);
  };
}

export function createIpcDispatcher(handlers: IpcHandlers, isTrustedSender: (event: SenderEvent) => boolean, log: Log) {
  return async function dispatch(channel: IpcChannel, event: SenderEvent, args: unknown[]): Promise<IpcReply<unknown>> {
    if (!isTrustedSender(event)) {
      log(`refused ${channel} from untrusted sender ${event.senderFrame?.url ?? '(no frame)'}`);
      return {
        ok: false,
        error: { code: IpcErrorCode.FORBIDDEN_SENDER, message: 'This sender may not use the terminal bridge.' },
      };
    }
    const schema = IpcArgs[channel];
    if (!Value.Check(schema, args)) {
      const first = Value.Errors(schema, args).First();
      log(`refused ${channel}: invalid payload at ${first?.path || '/'}`);
      return {
        ok: false,
        error: {
          code: IpcErrorCode.INVALID_PAYLOAD,
          message: `Invalid arguments for ${channel}: ${first?.message ?? 'bad shape'}`,
        },
      };
    }
    try {
      const handler = handlers[channel] as (...a: unknown[]) => unknown;
      const data = await handler(...args);
      return { ok: true, data };
    } catch (error) {
      if (error instanceof IpcError) return { ok: false, error: { code: error.code, message: error.message } };
      log(`${channel} failed: ${(error as Error).message}`);
      return { ok: false, error: { code: IpcErrorCode.INTERNAL, message: (error as Error).message } };
    }
  };
}

export function registerIpcHandlers(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  dispatch: ReturnType<typeof createIpcDispatcher>,
): () => void {
  const channels = Object.values(IpcChannel);
  for (const channel of channels) {
    ipcMain.handle(channel, (event, ...args: unknown[]) => dispatch(channel, event, args));
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}
