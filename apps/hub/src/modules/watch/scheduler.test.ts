/**
 * The schedule and the escalation ladder, driven by a FakeClock (Asia/Tokyo): reminders, the
 * deadline, watchers, the next level, days off, a plan crossing midnight, check-ins around the
 * deadline, duplicates, late offline check-ins, restarts. Terminal presence and district outages:
 * scheduler-presence.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { openDatabase } from '../../db/database';
import { FakeClock } from '../../lib/clock';
import { jst } from '../../testing/fake-clock';
import { restartOn, TEST_ENGINE } from '../../testing/test-engine';
import { advanceTo, alertsOf, type Ctx, checkin, eventsOf, plan, setup } from '../../testing/watch-ladder';
import type { WatchService } from './service';

const MIN = 60_000;
jest.setTimeout(30_000);

describe('watch scheduler and escalation ladder', () => {
  let c: Ctx;
  afterEach(async () => {
    await c.hub.close();
  });

  it('walks a missed check-in up the ladder: terminal reminder, watchers, then the supervisor', async () => {
    c = await setup();
    const [h] = c.hh as [number];
    await advanceTo(c, jst(5, 9, 59, 59));
    expect(await alertsOf(c, h)).toEqual([]);
    const steps = await c.hub.ctx.sql.all('SELECT step FROM checkin_steps WHERE household_id = ? ORDER BY step', [h]);
    expect(steps).toEqual([{ step: 'reminder:15' }, { step: 'reminder:60' }]);

    await advanceTo(c, jst(5, 10, 0));
    let [a] = await alertsOf(c, h);
    expect(a).toMatchObject({ level: 0, state: 'open', day: '2026-01-05' });
    expect((await eventsOf(c, a!.id)).map((e) => e.type)).toEqual(['opened', 'terminal_reminded']);

    await advanceTo(c, jst(5, 10, 59));
    expect((await alertsOf(c, h))[0]!.level).toBe(0);
    await advanceTo(c, jst(5, 11, 0));
    a = (await alertsOf(c, h))[0];
    expect(a!.level).toBe(1);
    const escalated = (await eventsOf(c, a!.id)).filter((e) => e.type === 'escalated');
    expect(escalated).toEqual([
      { type: 'escalated', level: 1, actor: 'system', detail: { recipients: [c.hub.fixture.users.watcher] } },
    ]);

    await advanceTo(c, jst(5, 12, 0));
    const ladder = (await eventsOf(c, a!.id)).filter((e) => e.type === 'escalated');
    expect(ladder.map((e) => [e.level, e.detail.recipients])).toEqual([
      [1, [c.hub.fixture.users.watcher]],
      [2, [c.hub.fixture.users.supervisor]],
    ]);
    await advanceTo(c, jst(5, 18, 0));
    expect((await alertsOf(c, h))[0]!.level).toBe(2); // top of the ladder: no further steps
    expect((await alertsOf(c, c.hh[2]!))[0]!.level).toBe(2); // every household without a sign of life
  });

  it('an acknowledgement stops the ladder; resolving records the outcome', async () => {
    c = await setup();
    const h = c.hh[0]!;
    await advanceTo(c, jst(5, 11, 0));
    const id = (await alertsOf(c, h))[0]!.id;
    c.clock.advance(10 * MIN);
    await c.watch.acknowledge(id, 'user:1:watcher');
    await advanceTo(c, jst(5, 15, 0));
    expect((await alertsOf(c, h))[0]).toMatchObject({ level: 1, state: 'acknowledged' });
    await c.watch.resolve(id, 'user:1:watcher', 'phoned_fine', 'Was in the garden.');
    expect((await alertsOf(c, h))[0]).toMatchObject({ state: 'resolved', outcome: 'phoned_fine' });
    expect((await eventsOf(c, id)).map((e) => e.type)).toEqual([
      'opened',
      'terminal_reminded',
      'escalated',
      'acknowledged',
      'resolved',
    ]);
    await expect(c.watch.resolve(id, 'x', 'other', '')).rejects.toMatchObject({ code: 'ALERT_RESOLVED' });
  });

  it('a check-in just before the deadline prevents the alert; just after, it closes it "all clear"', async () => {
    c = await setup();
    const [early, late] = c.hh as [number, number];
    await advanceTo(c, jst(5, 9, 59, 59, 999));
    await checkin(c, early);
    await advanceTo(c, jst(5, 10, 0));
    expect(await alertsOf(c, early)).toEqual([]);
    const lateAlert = (await alertsOf(c, late))[0]!;
    expect(lateAlert.level).toBe(0);

    c.clock.advance(1);
    await checkin(c, late);
    expect((await alertsOf(c, late))[0]).toMatchObject({ state: 'resolved', outcome: 'all_clear', level: 0 });
    expect((await eventsOf(c, lateAlert.id)).at(-1)).toMatchObject({ type: 'all_clear', detail: { kind: 'checkin' } });
    await advanceTo(c, jst(5, 13, 0));
    expect((await alertsOf(c, late))[0]!.level).toBe(0); // not escalated after the all clear

    const board = await c.watch.board(null);
    const byId = Object.fromEntries(board.rows.map((r) => [r.householdId, r.status]));
    expect(byId[early]).toBe('checked_in');
    expect(byId[late]).toBe('late');
  });

  it('counts a duplicate once and lets a resend add the mood', async () => {
    c = await setup(jst(5, 8, 0));
    const h = c.hh[0]!;
    const key = randomUUID();
    const first = await checkin(c, h, c.clock.now(), { key });
    const again = await checkin(c, h, c.clock.now(), { key, mood: 'so_so' });
    const third = await checkin(c, h, c.clock.now(), { key: key.toUpperCase(), mood: 'good' });
    expect(first.duplicate).toBe(false);
    expect(again).toMatchObject({ duplicate: true, checkinId: first.checkinId, mood: 'so_so' });
    expect(third).toMatchObject({ duplicate: true, mood: 'so_so' }); // the first mood given stands
    expect(await c.hub.ctx.sql.get('SELECT COUNT(*) AS n FROM checkins')).toEqual({ n: 1 });
    expect(await c.hub.ctx.sql.get("SELECT COUNT(*) AS n FROM signs_of_life WHERE kind = 'checkin'")).toEqual({ n: 1 });
    expect((await c.watch.board([h])).rows[0]).toMatchObject({ status: 'checked_in', mood: 'so_so' });
  });

  it('an offline check-in arriving late counts at the time it was pressed and clears the alert', async () => {
    c = await setup();
    const h = c.hh[0]!;
    await advanceTo(c, jst(5, 11, 30));
    const a = (await alertsOf(c, h))[0]!;
    expect(a.level).toBe(1);
    const r = await checkin(c, h, jst(5, 9, 30));
    expect(r.countedAt).toBe(new Date(jst(5, 9, 30)).toISOString());
    expect((await alertsOf(c, h))[0]).toMatchObject({ state: 'resolved', outcome: 'all_clear' });
    expect((await c.watch.board([h])).rows[0]).toMatchObject({
      status: 'checked_in',
      checkedInAt: new Date(jst(5, 9, 30)).toISOString(),
    });
    const days = (await c.watch.history(h, 30)).days;
    expect(days.at(-1)).toMatchObject({ day: '2026-01-05', status: 'checked_in' });
    expect(days.at(-2)).toMatchObject({ day: '2026-01-04', status: 'not_watched' }); // before the terminal was enrolled
  });

  it('clamps pressed times to the hub clock: not in the future, not older than 48 hours', async () => {
    c = await setup(jst(5, 9, 0));
    const h = c.hh[0]!;
    const future = await checkin(c, h, jst(5, 20, 0));
    expect(future.countedAt).toBe(new Date(jst(5, 9, 0)).toISOString());
    const ancient = await checkin(c, h, jst(1, 9, 0));
    expect(ancient.countedAt).toBe(new Date(jst(3, 9, 0)).toISOString());
    // Yesterday's queued check-in does not count for today.
    const fresh = c.hh[1]!;
    await checkin(c, fresh, jst(4, 22, 0));
    await advanceTo(c, jst(5, 10, 0));
    expect(await alertsOf(c, fresh)).toHaveLength(1);
    expect(await alertsOf(c, h)).toEqual([]);
  });

  it('days off raise nothing', async () => {
    c = await setup(jst(9, 12, 0)); // Friday noon
    const h = c.hh[0]!;
    for (const x of c.hh) await plan(c, x, { days: [1, 2, 3, 4, 5] });
    await checkin(c, h);
    await advanceTo(c, jst(11, 23, 0)); // through Saturday and Sunday
    expect(await alertsOf(c, h)).toEqual([]);
    expect((await c.watch.board([h])).rows[0]!.status).toBe('day_off');
    await advanceTo(c, jst(12, 10, 0)); // Monday
    expect(await alertsOf(c, h)).toMatchObject([{ day: '2026-01-12' }]);
    const hist = (await c.watch.history(h, 4)).days.map((d) => [d.day, d.status]);
    expect(hist).toEqual([
      ['2026-01-09', 'late'], // checked in at noon, after the 10:00 deadline
      ['2026-01-10', 'day_off'],
      ['2026-01-11', 'day_off'],
      ['2026-01-12', 'missed'],
    ]);
  });

  it('a night-shift plan: the deadline 00:30 belongs to the previous day', async () => {
    c = await setup(jst(5, 11, 0));
    const [onTime, afterMidnight, none] = c.hh as [number, number, number];
    for (const x of c.hh)
      await plan(c, x, { opensAt: '12:00', deadline: '00:30', reminderMinutes: [30], graceMinutes: 30 });
    await checkin(c, onTime, jst(5, 11, 30)); // before Monday's window opens: Sunday's, late
    await advanceTo(c, jst(5, 23, 50));
    await checkin(c, onTime);
    await advanceTo(c, jst(6, 0, 10));
    await checkin(c, afterMidnight);
    await advanceTo(c, jst(6, 0, 30));
    expect(await alertsOf(c, onTime)).toEqual([]);
    expect(await alertsOf(c, afterMidnight)).toEqual([]);
    expect(await alertsOf(c, none)).toMatchObject([{ day: '2026-01-05', level: 0 }]);
    await advanceTo(c, jst(6, 1, 0));
    expect((await alertsOf(c, none))[0]!.level).toBe(1);
    // Tuesday noon opens Tuesday's window: Monday's check-ins do not count for it.
    await advanceTo(c, jst(7, 0, 30));
    expect(await alertsOf(c, onTime)).toMatchObject([{ day: '2026-01-06' }]);
  });

  it('other signs of life count when the plan says so', async () => {
    c = await setup(jst(5, 8, 0));
    const [called, ordered] = c.hh as [number, number];
    await plan(c, ordered, { signsOfLife: ['checkin'] });
    c.hub.ctx.events.emit('household.activity', { householdId: called, kind: 'call', at: c.clock.now() });
    c.hub.ctx.events.emit('household.activity', { householdId: ordered, kind: 'order_confirmed', at: c.clock.now() });
    await advanceTo(c, jst(5, 10, 0));
    expect(await alertsOf(c, called)).toEqual([]);
    expect(await alertsOf(c, ordered)).toHaveLength(1);
    expect((await c.watch.board([called])).rows[0]).toMatchObject({ status: 'checked_in', signOfLife: 'call' });
  });

  it('signs of life of one turn are stored in one commit, which does not wait for the disk (a check-in does)', async () => {
    c = await setup(jst(5, 8, 0));
    // Units of work on the hub's runner, on either engine (one transaction each: one commit).
    const units = jest.spyOn(c.hub.ctx.sql, 'transaction');
    const unflushed = () => units.mock.calls.filter(([, options]) => options?.flush === false).length;
    for (const h of c.hh.slice(0, 3))
      c.hub.ctx.events.emit('household.activity', { householdId: h, kind: 'call', at: c.clock.now() });
    await c.watch.settle();
    expect(units).toHaveBeenCalledTimes(1);
    expect(unflushed()).toBe(1);
    await checkin(c, c.hh[0]!);
    await c.watch.settle();
    expect(unflushed()).toBe(1);
    units.mockRestore();
    for (const h of c.hh.slice(0, 3)) expect((await c.watch.board([h])).rows[0]).toMatchObject({ signOfLife: 'call' });
  });

  it('a concern from a delivery raises a watcher alert at once', async () => {
    c = await setup(jst(5, 8, 0));
    const h = c.hh[1]!;
    c.hub.ctx.events.emit('household.concern', {
      householdId: h,
      source: 'shop:1',
      note: 'Did not answer the door',
      at: c.clock.now(),
    });
    await c.watch.settle();
    const [a] = await alertsOf(c, h, 'concern');
    expect(a).toMatchObject({ level: 1, state: 'open' });
    await advanceTo(c, jst(5, 9, 0));
    expect((await alertsOf(c, h, 'concern'))[0]!.level).toBe(2);
  });

  it('survives a restart: the schedule is derived from the database', async () => {
    // On SQLite the database is passed in, so it stays open when the hub stops: the "disk" survives.
    const db = TEST_ENGINE === 'sqlite' ? openDatabase(':memory:') : undefined;
    c = await setup(jst(5, 0, 0), db);
    const h = c.hh[0]!;
    await advanceTo(c, jst(5, 10, 30));
    const before = await alertsOf(c, h);
    expect(before).toMatchObject([{ level: 0 }]);
    await c.hub.app.close();
    const clock2 = new FakeClock(jst(5, 11, 30));
    const hub2 = await restartOn(c.hub, { clock: clock2 });
    const watch2 = hub2.capabilities.watch as WatchService;
    await watch2.settle();
    const again = await hub2.ctx.sql.all(
      "SELECT id, level FROM watch_alerts WHERE household_id = ? AND kind = 'missed_checkin'",
      [h],
    );
    expect(again).toEqual([{ id: before[0]!.id, level: 1 }]); // escalated on start, not duplicated
    await watch2.settle();
    clock2.set(jst(5, 12, 30));
    await watch2.settle();
    expect(await hub2.ctx.sql.get('SELECT level FROM watch_alerts WHERE id = ?', [before[0]!.id])).toEqual({
      level: 2,
    });
    expect(
      await hub2.ctx.sql.get(
        "SELECT COUNT(*) AS n FROM watch_alert_events WHERE alert_id = ? AND type = 'terminal_reminded'",
        [before[0]!.id],
      ),
    ).toEqual({ n: 1 });
    await watch2.settle();
    await hub2.app.close();
    const close = c.hub.close;
    c = {
      ...c,
      hub: {
        ...c.hub,
        close: async () => {
          await close();
          db?.close();
        },
      },
    };
  });
});
