/**
 * The session guard's schedule of checks: a session that expired and that nobody uses any more
 * must not bring the next check forward for ever (it once made the hub sweep every second). Ended
 * sessions are told to the other hubs before the change that ended them is answered.
 */
import { noChanges } from '../../db/changes';
import type { Sql } from '../../db/sql';
import { FakeClock } from '../../lib/clock';
import type { SessionsEnded } from './service';
import { createSessionGuard, scheduleSessionSweeps, shareSessionEnds } from './session-guard';

const MINUTE = 60_000;

describe('session guard', () => {
  it('sweeps when a cached session expires, then falls back to once a minute', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 5));
    const start = clock.now();
    const guard = createSessionGuard({
      clock,
      idleMs: 30 * MINUTE,
      store: {
        liveSession: async () => ({ expiresAt: start + 5 * MINUTE, lastUsedAt: start }) as never,
        touchSession: async () => undefined,
      },
    });
    await expect(guard.isLive(1, false)).resolves.toBe(true);
    expect(guard.nextExpiry()).toBe(start + 5 * MINUTE);

    let sweeps = 0;
    const stop = scheduleSessionSweeps({ clock, guard, sweep: () => sweeps++ });
    clock.advance(2 * 24 * 60 * MINUTE);
    stop();
    // At one minute, at the expiry (5 min) and once a minute after: not once a second.
    expect(sweeps).toBeLessThan(2 * 24 * 60 + 5);
    expect(sweeps).toBeGreaterThan(2 * 24 * 60 - 5);
    expect(guard.nextExpiry()).toBeNull();
  });

  it('ends the sessions here at once, and settles only once the other hubs are told (a failure is reported, not thrown)', async () => {
    const endedHere: SessionsEnded[] = [];
    const told: string[] = [];
    const errors: unknown[] = [];
    let fail = false;
    const end = shareSessionEnds({
      changes: {
        ...noChanges,
        async notify(_tx, channel, key) {
          await new Promise((resolve) => setTimeout(resolve, 30));
          if (fail) throw new Error('the database is gone');
          told.push(`${channel} ${key}`);
        },
      },
      sql: {} as Sql,
      end: (e) => void endedHere.push(e),
      reset: () => undefined,
      onError: (err) => void errors.push(err),
    });
    const ending = end({ userId: 7 });
    expect(endedHere).toEqual([{ userId: 7 }]);
    expect(told).toEqual([]);
    await ending;
    expect(told).toEqual(['sessions {"userId":7}']);

    fail = true;
    await expect(end({ sessionId: 3 })).resolves.toBeUndefined();
    expect(endedHere).toEqual([{ userId: 7 }, { sessionId: 3 }]);
    expect(errors).toHaveLength(1);
  });
});
