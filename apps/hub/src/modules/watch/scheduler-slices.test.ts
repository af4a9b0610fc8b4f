/**
 * The scheduler's walk over the watched households goes in slices, a unit of work each, with the
 * event loop served between them (issue 17: ten thousand households in one unit held every socket
 * for 0.1–0.2 s). The parts it drives are stand-ins here; scheduler.test.ts runs the real ones.
 */

import { FakeClock } from '../../lib/clock';
import type { WatchedHousehold } from '../checkins/store';
import type { Notifier, Outbox } from './notify';
import type { WatchContext } from './parts';
import type { Presence } from './presence';
import type { Schedule } from './schedule';
import { createScheduler, SCHEDULE_SLICE } from './scheduler';

const NOW = Date.parse('2026-12-03T09:00:00+09:00');

function setup(households: number) {
  const clock = new FakeClock(NOW);
  const watched: WatchedHousehold[] = Array.from({ length: households }, (_, i) => ({
    householdId: i + 1,
    name: `h${i + 1}`,
    districtId: 1 + (i % 3),
    terminalId: i + 1,
    enrolledAt: 0,
    online: true,
    lastSeenAt: NOW,
  }));
  const log: string[] = [];
  let unit = 0;
  let inUnit: number | null = null;
  const outbox = (id: number) =>
    Object.assign([], {
      checkins: {
        watchedHouseholds: async () => {
          log.push(`read ${id}`);
          return watched;
        },
      },
      alerts: { nextEscalationAt: async () => null, nextSafetyFollowupAt: async () => null },
    }) as unknown as Outbox;
  const notify = {
    async inTransaction<T>(write: (o: Outbox) => Promise<T>) {
      // Units of work never overlap, and nothing else runs inside one.
      expect(inUnit).toBeNull();
      const id = ++unit;
      inUnit = id;
      try {
        return await write(outbox(id));
      } finally {
        inUnit = null;
      }
    },
  } as unknown as Notifier;
  const scheduled: { householdId: number; unit: number | null }[] = [];
  const schedule: Schedule = {
    household: async (_o, h) => {
      scheduled.push({ householdId: h.householdId, unit: inUnit });
      // The household with the soonest next step decides when the tick runs again.
      return h.householdId === households ? NOW + 60_000 : NOW + 3_600_000;
    },
    escalateDue: async () => {
      log.push(`escalations ${inUnit}`);
    },
  };
  const presence = {
    check: async (_o: Outbox, all: WatchedHousehold[]) => {
      log.push(`presence ${inUnit} over ${all.length}`);
      return Number.POSITIVE_INFINITY;
    },
  } as unknown as Presence;
  const ctx = {
    clock,
    log: { error: (_o: unknown, msg: string) => log.push(`error ${msg}`) },
  } as unknown as WatchContext;
  const scheduler = createScheduler(ctx, {
    schedule,
    presence,
    immediate: { safetyFollowups: async () => undefined },
    planTests: { run: async () => Number.POSITIVE_INFINITY },
    notify,
  });
  return { clock, scheduler, scheduled, log };
}

describe('the scheduler walks the households in slices', () => {
  it('schedules every household once, a slice per unit of work, then escalations and presence in one more', async () => {
    const n = 2 * SCHEDULE_SLICE + 7;
    const { scheduler, scheduled, log } = setup(n);
    await scheduler.tick();
    scheduler.stop();

    expect(scheduled.map((s) => s.householdId)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    // Unit 1 reads the households; units 2, 3, 4 are the three slices; unit 5 the rest.
    const units = scheduled.map((s) => s.unit);
    expect(units.slice(0, SCHEDULE_SLICE).every((u) => u === 2)).toBe(true);
    expect(units.slice(SCHEDULE_SLICE, 2 * SCHEDULE_SLICE).every((u) => u === 3)).toBe(true);
    expect(units.slice(2 * SCHEDULE_SLICE).every((u) => u === 4)).toBe(true);
    expect(log).toEqual(['read 1', 'escalations 5', `presence 5 over ${n}`]);
  });

  it('serves the event loop between slices', async () => {
    const { scheduler, scheduled } = setup(3 * SCHEDULE_SLICE);
    let seenAt = -1;
    const ticked = scheduler.tick();
    // Queued once the tick has started: it runs while the walk is still under way.
    setImmediate(() => {
      seenAt = scheduled.length;
    });
    await ticked;
    scheduler.stop();
    expect(scheduled).toHaveLength(3 * SCHEDULE_SLICE);
    expect(seenAt).toBeGreaterThan(0);
    expect(seenAt).toBeLessThan(3 * SCHEDULE_SLICE);
  });

  it('re-arms at the soonest next step of any slice', async () => {
    const { clock, scheduler, scheduled } = setup(2 * SCHEDULE_SLICE);
    await scheduler.tick();
    expect(scheduled).toHaveLength(2 * SCHEDULE_SLICE);
    // The last household (second slice) is due in a minute: the timer fires then, not in an hour.
    await clock.advance(60_000);
    await scheduler.idle();
    expect(scheduled).toHaveLength(4 * SCHEDULE_SLICE);
    scheduler.stop();
  });

  it('stops between slices when the hub stops', async () => {
    const { scheduler, scheduled, log } = setup(3 * SCHEDULE_SLICE);
    const ticked = scheduler.tick();
    setImmediate(() => scheduler.stop());
    await ticked;
    expect(scheduled.length).toBeLessThan(3 * SCHEDULE_SLICE);
    expect(log.some((l) => l.startsWith('presence'))).toBe(false);
  });
});
