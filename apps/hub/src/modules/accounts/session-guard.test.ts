/**
 * The session guard's schedule of checks: a session that expired and that nobody uses any more
 * must not bring the next check forward for ever (it once made the hub sweep every second).
 */
import { FakeClock } from '../../lib/clock';
import { createSessionGuard, scheduleSessionSweeps } from './session-guard';

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
});
