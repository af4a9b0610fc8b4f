/**
 * A test hub for the watch schedule and its ladder, driven by a FakeClock (Asia/Tokyo): every
 * household's terminal enrolled and online, and helpers to check in, save a plan, move the clock and
 * read the alerts (watch/scheduler.test.ts, watch/scheduler-presence.test.ts).
 */
import { randomUUID } from 'node:crypto';
import type { CheckinPlanBody, Mood } from '@tsunagu/protocol';
import type { Db } from '../db/database';
import { FakeClock } from '../lib/clock';
import { planFromBody } from '../modules/checkins/plan';
import type { WatchService } from '../modules/watch/service';
import { jst } from './fake-clock';
import { createTestHub, enrollTerminal, type TestHub } from './harness';

export interface Ctx {
  hub: TestHub;
  clock: FakeClock;
  watch: WatchService;
  hh: number[];
  terminals: number[];
  credentials: string[];
}

export async function setup(start = jst(5, 0, 0), db?: Db): Promise<Ctx> {
  const clock = new FakeClock(start);
  const hub = await createTestHub({ clock, ...(db ? { db } : {}) });
  const hh = hub.fixture.households;
  const enrolled = await Promise.all(hh.map((h) => enrollTerminal(hub, h)));
  const terminals = enrolled.map((t) => t.terminalId);
  // Terminals count as online unless a test takes them down.
  for (const t of terminals) await hub.stores.terminals.setPresence(t, true, clock.now());
  const watch = hub.capabilities.watch as WatchService;
  await watch.tick();
  return { hub, clock, watch, hh, terminals, credentials: enrolled.map((t) => t.credential) };
}

export const checkin = (
  c: Ctx,
  household: number,
  pressedAt = c.clock.now(),
  extra: { key?: string; mood?: Mood } = {},
) =>
  c.watch.submitCheckin(household, null, {
    idempotencyKey: extra.key ?? randomUUID(),
    pressedAt: new Date(pressedAt).toISOString(),
    ...(extra.mood ? { mood: extra.mood } : {}),
  });

export const alertsOf = (c: Ctx, household: number, kind = 'missed_checkin') =>
  c.hub.ctx.sql.all<{
    id: number;
    level: number;
    state: string;
    day: string;
    outcome: string | null;
    possible_outage: number;
  }>('SELECT * FROM watch_alerts WHERE household_id = ? AND kind = ? ORDER BY id', [household, kind]);
export const eventsOf = async (c: Ctx, alertId: number) =>
  (
    await c.hub.ctx.sql.all<{ type: string; level: number | null; actor: string; detail: string | null }>(
      'SELECT type, level, actor, detail FROM watch_alert_events WHERE alert_id = ? ORDER BY id',
      [alertId],
    )
  ).map((e) => ({ ...e, detail: e.detail ? JSON.parse(e.detail) : null }));

export const plan = (c: Ctx, household: number, body: Partial<CheckinPlanBody>) =>
  c.watch.savePlan(
    planFromBody(
      household,
      {
        enabled: true,
        opensAt: '00:00',
        deadline: '10:00',
        days: [0, 1, 2, 3, 4, 5, 6],
        reminderMinutes: [60, 15],
        graceMinutes: 60,
        ackTimeoutMinutes: 60,
        signsOfLife: ['checkin', 'call', 'order_confirmed', 'announcement_acknowledged', 'delivery_well'],
        offlineAlertMinutes: 600,
        ...body,
      },
      c.clock.now(),
    ),
    'test',
  );

export async function advanceTo(c: Ctx, t: number) {
  await c.watch.settle();
  c.clock.set(t);
  await c.watch.settle();
}
