// Sends a command over the terminal socket and waits for its acknowledgement, with a deadline.
import type { Ack, CommandDataOf, CommandName, CommandPayloadOf, TerminalWire } from '@tsunagu/protocol';

/** Not protocol codes: produced on this side when no answer could arrive. */
export const AckErrorCodes = {
  ACK_TIMEOUT: 'ACK_TIMEOUT',
  NOT_CONNECTED: 'NOT_CONNECTED',
  BAD_ACK: 'BAD_ACK',
} as const;

/** The /terminal namespace's commands (every client → hub event is one), from the protocol's event table. */
export type CommandEvent = CommandName<TerminalWire>;
export type CommandPayload<E extends CommandEvent> = CommandPayloadOf<TerminalWire, E>;
export type CommandResult<E extends CommandEvent> = CommandDataOf<TerminalWire, E>;

/** The part of a Socket.IO client socket this helper needs (a fake one in tests). */
export interface AckEmitter {
  readonly connected: boolean;
  emit(event: string, ...args: unknown[]): unknown;
}

function isAck(value: unknown): value is Ack<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { ok?: unknown; error?: { code?: unknown } };
  return v.ok === true || (v.ok === false && typeof v.error?.code === 'string');
}

/**
 * Resolves (never rejects) with the hub's Ack, or with a local error Ack when the socket is not
 * connected, the hub does not answer within `timeoutMs`, or it answers with something malformed.
 * It refuses to queue commands while offline: a check-in sent minutes late, after the resident was
 * told it failed, would be worse than no check-in.
 */
export function ackWithTimeout<E extends CommandEvent>(
  socket: AckEmitter,
  event: E,
  payload: CommandPayload<E>,
  timeoutMs = 10_000,
): Promise<Ack<CommandResult<E>>> {
  if (!socket.connected) {
    return Promise.resolve({
      ok: false,
      error: { code: AckErrorCodes.NOT_CONNECTED, message: 'not connected to the hub' },
    });
  }
  return new Promise((resolve) => {
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      resolve({
        ok: false,
        error: { code: AckErrorCodes.ACK_TIMEOUT, message: `no answer to ${event} within ${timeoutMs} ms` },
      });
    }, timeoutMs);
    socket.emit(event, payload, (result: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(
        isAck(result)
          ? (result as Ack<CommandResult<E>>)
          : { ok: false, error: { code: AckErrorCodes.BAD_ACK, message: `malformed answer to ${event}` } },
      );
    });
  });
}
