/**
 * "Test this plan now" over real sockets on a FakeClock: the terminal hears a reminder marked as a
 * test, the deadline a minute later, the watchers a minute apart with the alert marked as a test;
 * it never counts as a missed check-in; a check-in stops it; city hall alone starts and ends it.
 */
import { randomUUID } from 'node:crypto';
import type {
  Ack,
  CheckinReceipt,
  CheckinReminder,
  PlanTest,
  PlanTestView,
  ResidentHistory,
  WatchAlert,
  WatchBoard,
} from '@tsunagu/protocol';
import type { Socket } from 'socket.io-client';
import type { FakeClock } from '../../lib/clock';
import { eachFakeClockHub, jst, MINUTE } from '../../testing/fake-clock';
import { emitAck, nextEvent, type TestHub } from '../../testing/harness';
import { alertWords } from '../notifications/compose';
import type { WatchService } from './service';

jest.setTimeout(30_000);

describe('plan test', () => {
  let hub: TestHub;
  let clock: FakeClock;
  let watch: WatchService;
  let household: number;
  let terminal: Socket;

  // 14:00: today's real deadline (10:00) passed long ago, and was checked in.
  eachFakeClockHub(
    async (made) => {
      ({ hub, clock } = made);
      watch = hub.capabilities.watch as WatchService;
      household = hub.fixture.households[0]!;
      terminal = await hub.connectTerminal((await hub.enrollTerminal(household)).credential);
      await emitAck(terminal, 'checkin:submit', {
        idempotencyKey: randomUUID(),
        pressedAt: new Date(clock.now()).toISOString(),
      });
      clock.set(jst(5, 14, 0));
      await watch.settle();
    },
    jst(5, 8, 0),
  );

  async function staff(username: string) {
    const session = await hub.login(username);
    return { socket: await hub.connectStaff(session), call: hub.as(session) };
  }

  const missedCount = async () =>
    (
      (await hub.ctx.sql.get(
        "SELECT COUNT(*) AS n FROM watch_alerts WHERE kind = 'missed_checkin' AND day IS NOT NULL",
      )) as { n: number }
    ).n;

  it('runs the shortened ladder, marked as a test everywhere, and counts nothing as missed', async () => {
    const { call: cityhall, socket: cityhallSocket } = await staff('cityhall');
    const { socket: watcher } = await staff('watcher');
    const { socket: supervisor } = await staff('supervisor');

    const reminder = nextEvent<CheckinReminder>(terminal, 'checkin:reminder');
    const changed = nextEvent<PlanTest>(cityhallSocket, 'watch:planTestChanged');
    const started = await cityhall({ method: 'POST', url: `/api/watch/plans/${household}/test` });
    expect(started.statusCode).toBe(201);
    const test = started.json() as PlanTest;
    expect(test).toMatchObject({
      householdId: household,
      state: 'running',
      startedBy: 'cityhall',
      stepMinutes: 1,
      deadline: new Date(jst(5, 14, 1)).toISOString(),
      firstLevelAt: new Date(jst(5, 14, 2)).toISOString(),
      secondLevelAt: new Date(jst(5, 14, 3)).toISOString(),
      alertId: null,
    });
    expect(await reminder).toMatchObject({ stage: 'before', test: true, minutesLeft: 1 });
    expect(await changed).toMatchObject({ id: test.id, state: 'running' });
    // A second test while one runs is refused.
    const again = await cityhall({ method: 'POST', url: `/api/watch/plans/${household}/test` });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('PLAN_TEST_RUNNING');

    // The deadline passes without a sign of life: the terminal hears it (as a test), nobody is alerted yet.
    const deadline = nextEvent<CheckinReminder>(terminal, 'checkin:reminder');
    clock.set(jst(5, 14, 1));
    expect(await deadline).toMatchObject({ stage: 'deadline', test: true });
    await watch.settle();
    const { test: afterDeadline } = (
      await cityhall({ method: 'GET', url: `/api/watch/plans/${household}/test` })
    ).json() as PlanTestView;
    expect(afterDeadline?.alertId).toEqual(expect.any(Number));

    // One step later the first watcher hears the alarm, marked as a test…
    const first = nextEvent<WatchAlert>(watcher, 'watch:alertRaised');
    clock.set(jst(5, 14, 2));
    const alert = await first;
    expect(alert).toMatchObject({
      id: afterDeadline!.alertId,
      kind: 'missed_checkin',
      test: true,
      level: 1,
      day: null,
    });
    expect(alertWords(alert, { timeZone: 'Asia/Tokyo' }).title).toMatch(/^【テスト】/);
    // …and one more step later the next level.
    const second = nextEvent<WatchAlert>(supervisor, 'watch:alertRaised');
    clock.set(jst(5, 14, 3));
    expect(await second).toMatchObject({ id: alert.id, test: true, level: 2 });

    // Not a missed day: the board shows today as checked in, the history has no miss, no real alert.
    const board = (await cityhall({ method: 'GET', url: '/api/watch/board' })).json() as WatchBoard;
    expect(board.rows.find((r) => r.householdId === household)?.status).toBe('checked_in');
    expect(board.counts.escalated).toBeUndefined();
    const history = (
      await cityhall({ method: 'GET', url: `/api/watch/households/${household}/history?days=2` })
    ).json() as ResidentHistory;
    expect(history.days.map((d) => d.status)).not.toContain('missed');
    expect(await missedCount()).toBe(0);
    const metrics = await hub.ctx.metrics.registry.getSingleMetricAsString('tsunagu_watch_alerts_total');
    expect(metrics).toContain('kind="plan_test"} 1');
    expect(metrics).not.toContain('kind="missed_checkin"');

    // The watcher acknowledges it like any alert.
    const ack = await emitAck<Ack<WatchAlert>>(watcher, 'watch:acknowledge', { alertId: alert.id });
    expect(ack).toMatchObject({ ok: true, data: { state: 'acknowledged', test: true } });

    // City hall ends it: the alert closes, the terminal drops the test reminder, both audited.
    const ended = nextEvent<{ testId: number }>(terminal, 'checkin:testEnded');
    const cancelled = await cityhall({ method: 'DELETE', url: `/api/watch/plans/${household}/test` });
    expect(cancelled.json()).toMatchObject({ id: test.id, state: 'ended', endReason: 'cancelled' });
    expect(await ended).toEqual({ testId: test.id });
    const closed = (await cityhall({ method: 'GET', url: `/api/watch/alerts/${alert.id}` })).json() as WatchAlert;
    expect(closed).toMatchObject({ state: 'resolved', test: true });
    expect(closed.events.at(-1)?.type).toBe('test_ended');
    const audit = await hub.ctx.sql.all(
      "SELECT action FROM audit_log WHERE action LIKE 'checkin_plan.test_%' ORDER BY id",
    );
    expect(audit).toEqual([{ action: 'checkin_plan.test_started' }, { action: 'checkin_plan.test_cancelled' }]);
    const none = await cityhall({ method: 'DELETE', url: `/api/watch/plans/${household}/test` });
    expect(none.json().error.code).toBe('PLAN_TEST_NOT_RUNNING');
  });

  it('a check-in before the test deadline stops it; after it, the alert clears and the test ends', async () => {
    const { call: cityhall } = await staff('cityhall');
    await cityhall({ method: 'POST', url: `/api/watch/plans/${household}/test` });
    await emitAck<Ack<CheckinReceipt>>(terminal, 'checkin:submit', {
      idempotencyKey: randomUUID(),
      pressedAt: new Date(clock.now() + 10_000).toISOString(),
    });
    const ended = nextEvent<{ testId: number }>(terminal, 'checkin:testEnded');
    clock.set(jst(5, 14, 1));
    await ended;
    const view = (await cityhall({ method: 'GET', url: `/api/watch/plans/${household}/test` })).json() as PlanTestView;
    expect(view.test).toMatchObject({ state: 'ended', endReason: 'checked_in', alertId: null });

    // Again, this time pressed after the deadline: the test's alert clears all clear, the test ends.
    const second = (await cityhall({ method: 'POST', url: `/api/watch/plans/${household}/test` })).json() as PlanTest;
    clock.set(jst(5, 14, 2) + MINUTE);
    await watch.settle();
    const ended2 = nextEvent<{ testId: number }>(terminal, 'checkin:testEnded');
    await emitAck<Ack<CheckinReceipt>>(terminal, 'checkin:submit', {
      idempotencyKey: randomUUID(),
      pressedAt: new Date(clock.now()).toISOString(),
    });
    expect(await ended2).toEqual({ testId: second.id });
    const after = (await cityhall({ method: 'GET', url: `/api/watch/plans/${household}/test` })).json() as PlanTestView;
    expect(after.test).toMatchObject({ id: second.id, state: 'ended', endReason: 'checked_in' });
    const alert = (await cityhall({ method: 'GET', url: `/api/watch/alerts/${after.test!.alertId}` })).json();
    expect(alert).toMatchObject({ state: 'resolved', outcome: 'all_clear', test: true });
  });

  it('only city hall starts, reads and ends a test', async () => {
    const watcher = hub.as(await hub.login('watcher'));
    for (const method of ['GET', 'POST', 'DELETE'] as const) {
      const r = await watcher({ method, url: `/api/watch/plans/${household}/test` });
      expect(r.statusCode).toBe(403);
    }
    const { call: cityhall } = await staff('cityhall');
    expect((await cityhall({ method: 'POST', url: '/api/watch/plans/9999/test' })).statusCode).toBe(404);
    expect(await hub.ctx.sql.get('SELECT COUNT(*) AS n FROM watch_plan_tests')).toEqual({ n: 0 });
  });
});
