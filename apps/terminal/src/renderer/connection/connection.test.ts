import { type AckEmitter, AckErrorCodes, ackWithTimeout } from './ack';
import { backoffDelay, busyDelay, RECONNECT, socketIoReconnectOptions } from './backoff';
import { classifyRefusal, type TerminalSocket } from './connection';

function fakeSocket(connected: boolean, answer?: (cb: (r: unknown) => void) => void): AckEmitter & { sent: unknown[] } {
  const sent: unknown[] = [];
  return {
    connected,
    sent,
    emit(event: string, ...args: unknown[]) {
      sent.push([event, args[0]]);
      const cb = args[1] as (r: unknown) => void;
      answer?.(cb);
    },
  };
}

describe('ackWithTimeout', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('resolves with the hub answer', async () => {
    const socket = fakeSocket(true, (cb) => cb({ ok: true, data: { serverTime: 'now' } }));
    await expect(ackWithTimeout(socket, 'terminal:heartbeat', {})).resolves.toEqual({
      ok: true,
      data: { serverTime: 'now' },
    });
    expect(socket.sent).toEqual([['terminal:heartbeat', {}]]);
  });

  it('passes hub errors through', async () => {
    const error = { code: 'VALIDATION_FAILED', message: 'bad' };
    const socket = fakeSocket(true, (cb) => cb({ ok: false, error }));
    await expect(ackWithTimeout(socket, 'terminal:heartbeat', {})).resolves.toEqual({ ok: false, error });
  });

  it('times out when the hub does not answer, and ignores a late answer', async () => {
    let late: ((r: unknown) => void) | undefined;
    const socket = fakeSocket(true, (cb) => {
      late = cb;
    });
    const result = ackWithTimeout(socket, 'terminal:heartbeat', {}, 500);
    jest.advanceTimersByTime(500);
    await expect(result).resolves.toMatchObject({ ok: false, error: { code: AckErrorCodes.ACK_TIMEOUT } });
    late?.({ ok: true, data: {} });
  });

  it('refuses to queue a command while offline', async () => {
    const socket = fakeSocket(false);
    await expect(ackWithTimeout(socket, 'terminal:heartbeat', {})).resolves.toMatchObject({
      ok: false,
      error: { code: AckErrorCodes.NOT_CONNECTED },
    });
    expect(socket.sent).toEqual([]);
  });

  it('rejects a malformed answer', async () => {
    const socket = fakeSocket(true, (cb) => cb('yes'));
    await expect(ackWithTimeout(socket, 'terminal:heartbeat', {})).resolves.toMatchObject({
      ok: false,
      error: { code: AckErrorCodes.BAD_ACK },
    });
  });
});

describe('backoffDelay', () => {
  it('doubles from the initial delay up to the ceiling', () => {
    const mid = () => 0.5; // no jitter at the midpoint
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((a) => backoffDelay(a, RECONNECT, mid))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
  });

  it('jitters within ± the configured fraction', () => {
    expect(backoffDelay(2, RECONNECT, () => 0)).toBe(2000);
    expect(backoffDelay(2, RECONNECT, () => 0.999999)).toBe(6000);
  });

  it('matches the socket.io-client options', () => {
    expect(socketIoReconnectOptions()).toMatchObject({
      reconnectionDelay: 1000,
      reconnectionDelayMax: 30000,
      randomizationFactor: 0.5,
    });
  });
});

describe('busyDelay', () => {
  it("waits the hub's moment plus up to a fifth more, never sooner", () => {
    expect(busyDelay(4000, 3, () => 0)).toBe(4000);
    expect(busyDelay(4000, 3, () => 1)).toBe(4800);
    expect(busyDelay(4000, 3, () => 0.5)).toBe(4400);
  });

  it('keeps an absurd hint within bounds', () => {
    expect(busyDelay(0, 0, () => 0)).toBe(250);
    expect(busyDelay(24 * 3_600_000, 0, () => 0)).toBe(5 * 60_000);
  });

  it('falls back to the ordinary backoff without a usable hint', () => {
    for (const hint of [undefined, 'soon', Number.NaN, -5]) {
      expect(busyDelay(hint, 2, () => 0.5)).toBe(backoffDelay(2, RECONNECT, () => 0.5));
    }
  });
});

describe('classifyRefusal', () => {
  it('maps hub refusals to what the terminal must do', () => {
    expect(classifyRefusal({ code: 'CREDENTIAL_REVOKED', message: '' })).toBe('forget-credential');
    expect(classifyRefusal({ code: 'UNAUTHENTICATED', message: '' })).toBe('forget-credential');
    expect(classifyRefusal({ code: 'PROTOCOL_MISMATCH', message: '' })).toBe('outdated');
    expect(classifyRefusal({ code: 'HUB_BUSY', message: '', retryAfterMs: 1200 })).toBe('busy');
    expect(classifyRefusal({ code: 'RATE_LIMITED', message: '' })).toBe('retry');
    expect(classifyRefusal(undefined)).toBe('retry');
    expect(classifyRefusal('nonsense')).toBe('retry');
  });
});

// Compile-time only (tsc -b checks this file): the terminal's socket follows the protocol's event table.
export function notTheEventTable(socket: TerminalSocket): void {
  // @ts-expect-error: not a notification of the /terminal table
  socket.on('announcement:publishd', () => undefined);
  // @ts-expect-error: the handler expects another payload than the table's
  socket.on('announcement:published', (a: { nope: true }) => a);
  // @ts-expect-error: not a command of the /terminal table
  void ackWithTimeout(fakeSocket(true), 'checkin:sumbit', {});
  // @ts-expect-error: a payload without the table's required fields
  void ackWithTimeout(fakeSocket(true), 'checkin:submit', { mood: 'good' });
}
