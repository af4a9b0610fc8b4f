import type { Ack, CheckinReceipt, CheckinSubmit } from '@tsunagu/protocol';
import { CheckinQueue } from '../features/checkin/queue';
import { RETRY_LATER } from './outbox';
import { fakeRetryTimers } from './test-timers';

function memoryStorage() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
}

/** Timers that run only when the test says so; `random` fixed at the middle (no jitter). */
function fakeTimers() {
  const { timers, pending, delays } = fakeRetryTimers();
  return {
    timers,
    delays,
    /** Runs the pending retry and waits for its flush. */
    async fire(queue: CheckinQueue) {
      const [t] = pending();
      if (!t) throw new Error('no retry scheduled');
      t.cancelled = true;
      t.fn();
      await queue.flush(async () => {
        throw new Error('the retry flush should be the one running');
      });
    },
  };
}

const entry = (n: number): CheckinSubmit => ({
  idempotencyKey: `00000000-0000-4000-8000-00000000000${n}`,
  pressedAt: `2026-01-05T00:0${n}:00.000Z`,
});
const stored = (e: CheckinSubmit): Ack<CheckinReceipt> => ({
  ok: true,
  data: { checkinId: 1, duplicate: false, countedAt: e.pressedAt, day: '2026-01-05', mood: null },
});
const full: Ack<CheckinReceipt> = {
  ok: false,
  error: { code: 'STORAGE_UNAVAILABLE', message: 'the disk is full', retryable: true, retryAfterSeconds: 30 },
};

describe('outbox retries while connected', () => {
  it('keeps what the hub could not store and sends it again with a growing, capped backoff until it is stored', async () => {
    const clock = fakeTimers();
    const queue = new CheckinQueue(memoryStorage(), undefined, clock.timers);
    queue.add(entry(1));
    queue.add(entry(2));
    let diskFull = true;
    const sent: string[] = [];
    const send = async (e: CheckinSubmit) => {
      sent.push(e.idempotencyKey);
      return diskFull ? full : stored(e);
    };

    await queue.flush(send);
    expect(queue.pending()).toHaveLength(2);
    const delays = [clock.delays()];
    for (let i = 0; i < 5; i++) {
      await clock.fire(queue);
      delays.push(clock.delays());
    }
    // From the hub's 30 s, doubling, never over 5 minutes; one timer at a time.
    expect(delays).toEqual([[30_000], [60_000], [120_000], [240_000], [300_000], [300_000]]);
    expect(sent.every((k) => k === entry(1).idempotencyKey)).toBe(true); // oldest first, nothing skipped

    diskFull = false;
    await clock.fire(queue);
    expect(queue.pending()).toEqual([]);
    expect(sent.slice(-2)).toEqual([entry(1).idempotencyKey, entry(2).idempotencyKey]);
    expect(clock.delays()).toEqual([]); // nothing left to retry

    // A new refusal starts again from the hub's hint; the resident pressing again sends at once
    // without making the wait longer.
    diskFull = true;
    queue.add(entry(3));
    await queue.flush(send);
    expect(clock.delays()).toEqual([30_000]);
    queue.add(entry(4));
    await queue.flush(send);
    expect(clock.delays()).toEqual([30_000]);
    await clock.fire(queue);
    expect(clock.delays()).toEqual([60_000]);
  });

  it('jitters the delay, and uses its own 30 s when the hub gave no hint (no answer at all)', async () => {
    const clock = fakeTimers();
    clock.timers.random = () => 1; // the top of the ±30 % spread
    const queue = new CheckinQueue(memoryStorage(), undefined, clock.timers);
    queue.add(entry(1));
    await queue.flush(async () => ({ ok: false, error: { code: 'ACK_TIMEOUT', message: 'no answer' } }));
    expect(clock.delays()).toEqual([RETRY_LATER.initialMs * 1.3]);
  });

  it('leaves an offline terminal to its next connection, and drops what the hub refuses for good', async () => {
    const clock = fakeTimers();
    const queue = new CheckinQueue(memoryStorage(), undefined, clock.timers);
    queue.add(entry(1));
    await queue.flush(async () => ({ ok: false, error: { code: 'NOT_CONNECTED', message: 'offline' } }));
    expect(clock.delays()).toEqual([]);
    expect(queue.pending()).toHaveLength(1);
    await queue.flush(async () => ({ ok: false, error: { code: 'VALIDATION_FAILED', message: 'bad' } }));
    expect(queue.pending()).toEqual([]);
    expect(clock.delays()).toEqual([]);
  });
});
