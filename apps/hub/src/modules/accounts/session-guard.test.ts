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

  it("reads another process's change marker once per sweep, and sees it move by the next one", async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 5));
    let lookups = 0;
    let reads = 0;
    let version = 1;
    const guard = createSessionGuard({
      clock,
      idleMs: 30 * MINUTE,
      store: {
        liveSession: async () => {
          lookups++;
          return { expiresAt: clock.now() + 5 * MINUTE, lastUsedAt: clock.now() } as never;
        },
        touchSession: async () => undefined,
      },
      changeMarker: () => {
        reads++;
        return version;
      },
    });
    const sessions = Array.from({ length: 200 }, (_, i) => i + 1);
    await Promise.all(sessions.map((id) => guard.isLive(id, false)));
    expect(lookups).toBe(200);
    // A sweep: every socket asked in one go, all cached.
    reads = 0;
    expect(sessions.map((id) => guard.isLive(id, false))).toEqual(sessions.map(() => true));
    expect(reads).toBe(1);
    // Another process commits (e.g. `admin disable-user`): the next sweep reads the database again.
    version = 2;
    await Promise.resolve();
    await Promise.all(sessions.map((id) => guard.isLive(id, false)));
    expect(lookups).toBe(400);
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
