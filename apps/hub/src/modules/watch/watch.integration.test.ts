/**
 * Real Socket.IO terminal and staff clients against an in-memory hub on a FakeClock: check-in,
 * reminders, escalation to the watcher's console and the all clear; plus who may see and do what.
 */
import { randomUUID } from 'node:crypto';
import type { Ack, CheckinReceipt, CheckinReminder, CheckinStatus, WatchAlert, WatchBoard } from '@tsunagu/protocol';
import type { Socket } from 'socket.io-client';
import type { FakeClock } from '../../lib/clock';
import { eachFakeClockHub, jst } from '../../testing/fake-clock';
import { emitAck, nextEvent, type StaffSession, type TestHub } from '../../testing/harness';
import { WEEKDAY_PLAN } from '../../testing/plans';
import { TEST_ENGINE } from '../../testing/test-engine';
import { until } from '../../testing/until';
import type { WatchService } from './service';

// Hashing the fixture's passwords is slow on a shared CI machine.
jest.setTimeout(30_000);

describe('watch over real sockets', () => {
  let hub: TestHub;
  let clock: FakeClock;
  let watch: WatchService;
  let terminal: Socket;
  let credential: string;

  eachFakeClockHub(
    async (made) => {
      ({ hub, clock } = made);
      watch = hub.capabilities.watch as WatchService;
      ({ credential } = await hub.enrollTerminal(hub.fixture.households[0]!));
      terminal = await hub.connectTerminal(credential);
    },
    jst(5, 8, 30),
  );

  async function staff(username: string): Promise<{ socket: Socket; session: StaffSession }> {
    const session = await hub.login(username);
    const socket = await hub.connectStaff(session);
    return { socket, session };
  }

  it('check-ins of one turn reach the board as one message: city hall all of them, each watcher theirs', async () => {
    const { socket: cityhall } = await staff('cityhall');
    const { socket: watcher } = await staff('watcher');
    const { socket: other } = await staff('other-watcher');
    const [h0, h1, h2] = hub.fixture.households as [number, number, number];
    const heard = (s: Socket) => {
      const got: number[][] = [];
      s.on('watch:boardChanged', (m: { householdIds: number[] }) =>
        got.push([...m.householdIds].sort((a, b) => a - b)),
      );
      return got;
    };
    const [atCityhall, atWatcher, atOther] = [heard(cityhall), heard(watcher), heard(other)];
    const pressedAt = new Date(clock.now()).toISOString();
    // Three households' check-ins stored in the same turn (one group commit).
    await Promise.all(
      [h0, h1, h2].map((h) => watch.submitCheckin(h, null, { idempotencyKey: randomUUID(), pressedAt })),
    );
    await new Promise((r) => setTimeout(r, 300));
    const all = (got: number[][]) => got.flat().sort((a, b) => a - b);
    expect(all(atCityhall)).toEqual([h0, h1, h2].sort((a, b) => a - b));
    expect(all(atWatcher)).toEqual([h0, h1].sort((a, b) => a - b));
    expect(all(atOther)).toEqual([h2]);
    // On SQLite the three are told in the same turn. On PostgreSQL each check-in's reads after the
    // commit are round trips, so they may come a turn or two apart.
    if (TEST_ENGINE === 'sqlite') {
      expect(atCityhall).toHaveLength(1);
      expect(atWatcher).toHaveLength(1);
    }
  });

  it('checks in, acks after commit, tells the watcher board, and answers duplicates once', async () => {
    const { socket: watcher } = await staff('watcher');
    const board = nextEvent<{ householdIds: number[] }>(watcher, 'watch:boardChanged');
    const key = randomUUID();
    // The same household on a second socket (another screen of it) hears the new status; the
    // socket that checked in has its answer in the ack and is not sent it again.
    // (Each socket is also sent the status on connect, not yet checked in, whenever it arrives.)
    const second = await hub.connectTerminal(credential);
    const toSecond: CheckinStatus[] = [];
    second.on('checkin:statusChanged', (st: CheckinStatus) => toSecond.push(st));
    const toSender: CheckinStatus[] = [];
    terminal.on('checkin:statusChanged', (st: CheckinStatus) => toSender.push(st));
    const r = await emitAck<Ack<CheckinReceipt>>(terminal, 'checkin:submit', {
      idempotencyKey: key,
      pressedAt: new Date(clock.now()).toISOString(),
    });
    expect(r).toMatchObject({ ok: true, data: { duplicate: false, day: '2026-01-05', mood: null } });
    // Acknowledged means stored.
    expect(await hub.ctx.sql.get('SELECT COUNT(*) AS n FROM checkins WHERE idempotency_key = ?', [key])).toEqual({
      n: 1,
    });
    expect(await board).toEqual({ householdIds: [hub.fixture.households[0]] });
    await until(() => toSecond.some((st) => st.checkedIn));
    expect(toSender.filter((st) => st.checkedIn)).toEqual([]);
    second.disconnect();
    const mood = await emitAck<Ack<CheckinReceipt>>(terminal, 'checkin:submit', {
      idempotencyKey: key,
      pressedAt: new Date(clock.now()).toISOString(),
      mood: 'good',
    });
    expect(mood).toMatchObject({ ok: true, data: { duplicate: true, mood: 'good' } });
    expect(await hub.ctx.sql.get('SELECT COUNT(*) AS n FROM checkins')).toEqual({ n: 1 });
  });

  it('a household’s only socket is not sent the status after its own check-in (the ack answers it)', async () => {
    terminal.disconnect();
    const only = hub.terminalSocket(credential);
    const toOnly: CheckinStatus[] = [];
    only.on('checkin:statusChanged', (st: CheckinStatus) => toOnly.push(st));
    await until(() => toOnly.length === 1); // its status on connect
    const room = `household:${hub.fixture.households[0]}`;
    await until(() => hub.ctx.sockets.terminals.adapter.rooms.get(room)?.size === 1);
    const r = await emitAck<Ack<CheckinReceipt>>(only, 'checkin:submit', {
      idempotencyKey: randomUUID(),
      pressedAt: new Date(clock.now()).toISOString(),
    });
    expect(r).toMatchObject({ ok: true, data: { duplicate: false } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(toOnly).toHaveLength(1);
    // Asked, it has the status of today.
    expect(await emitAck<Ack<CheckinStatus>>(only, 'checkin:status', {})).toMatchObject({
      ok: true,
      data: { checkedIn: true },
    });
  });

  it('refuses bad check-in payloads with a stable code', async () => {
    const bad = [
      {},
      { idempotencyKey: 'not-a-uuid', pressedAt: new Date().toISOString() },
      { idempotencyKey: randomUUID(), pressedAt: 'yesterday' },
      { idempotencyKey: randomUUID(), pressedAt: new Date().toISOString(), mood: 'ecstatic' },
      { idempotencyKey: randomUUID(), pressedAt: new Date().toISOString(), extra: 1 },
    ];
    for (const payload of bad) {
      const r = await emitAck<Ack<unknown>>(terminal, 'checkin:submit', payload);
      expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    }
    const { socket: watcher } = await staff('watcher');
    // Staff sockets have no check-in command: the hub does not answer at all.
    expect(
      await emitAck(
        watcher,
        'checkin:submit',
        { idempotencyKey: randomUUID(), pressedAt: new Date().toISOString() },
        300,
      ).catch(() => 'no handler'),
    ).toBe('no handler');
    expect(await hub.ctx.sql.get('SELECT COUNT(*) AS n FROM checkins')).toEqual({ n: 0 });
  });

  it('reminds the terminal, escalates to the watcher live, and a check-in gives the all clear', async () => {
    const { socket: watcher } = await staff('watcher');
    const { socket: other } = await staff('other-watcher');
    let otherHeard = 0;
    other.on('watch:alertRaised', (a: WatchAlert) => {
      if (a.householdId === hub.fixture.households[0]) otherHeard++;
    });

    const before = nextEvent<CheckinReminder>(terminal, 'checkin:reminder');
    clock.set(jst(5, 9, 0));
    await hub.capabilities.watch.settle();
    expect(await before).toMatchObject({ stage: 'before', minutesLeft: 60, day: '2026-01-05' });
    const atDeadline = nextEvent<CheckinReminder>(terminal, 'checkin:reminder');
    clock.set(jst(5, 9, 45));
    await hub.capabilities.watch.settle();
    expect(await atDeadline).toMatchObject({ stage: 'before', minutesLeft: 15 });
    const deadline = nextEvent<CheckinReminder>(terminal, 'checkin:reminder');
    clock.set(jst(5, 10, 0));
    await hub.capabilities.watch.settle();
    expect(await deadline).toMatchObject({ stage: 'deadline', minutesLeft: 0 });

    const raised = nextEvent<WatchAlert>(watcher, 'watch:alertRaised');
    clock.set(jst(5, 11, 0));
    await hub.capabilities.watch.settle();
    const alert = await raised;
    expect(alert).toMatchObject({
      kind: 'missed_checkin',
      level: 1,
      state: 'open',
      householdId: hub.fixture.households[0],
    });
    expect(alert.events.map((e) => e.type)).toEqual(['opened', 'terminal_reminded', 'escalated']);

    const cleared = new Promise<WatchAlert>((resolve) => {
      watcher.on('watch:alertUpdated', (a: WatchAlert) => {
        if (a.id === alert.id && a.state === 'resolved') resolve(a);
      });
    });
    const r = await emitAck<Ack<CheckinReceipt>>(terminal, 'checkin:submit', {
      idempotencyKey: randomUUID(),
      pressedAt: new Date(clock.now()).toISOString(),
      mood: 'so_so',
    });
    expect(r.ok).toBe(true);
    expect(await cleared).toMatchObject({ state: 'resolved', outcome: 'all_clear' });
    expect(otherHeard).toBe(0);
  });

  it('runs the ladder only while this hub runs the job, and catches up when it takes over', async () => {
    const { socket: watcher } = await staff('watcher');
    const heard: string[] = [];
    const reminder = () => heard.push('reminder');
    const alert = () => heard.push('alert');
    terminal.on('checkin:reminder', reminder);
    watcher.on('watch:alertRaised', alert);
    // Another hub runs the scheduled jobs (several hubs): this one neither reminds nor escalates.
    await watch.schedule.stop();
    for (const [h, m] of [
      [9, 0],
      [9, 45],
      [10, 0],
      [11, 0],
    ] as const) {
      clock.set(jst(5, h, m));
      // Whatever asks for a tick here (a terminal coming online, a plan edited) runs none.
      await watch.tick();
      await watch.settle();
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(heard).toEqual([]);

    // That hub died and this one took the job: the missed check-in is raised now, from the database.
    const raised = nextEvent<WatchAlert>(watcher, 'watch:alertRaised');
    watch.schedule.start();
    await watch.settle();
    expect(await raised).toMatchObject({ kind: 'missed_checkin', householdId: hub.fixture.households[0] });
    terminal.off('checkin:reminder', reminder);
    watcher.off('watch:alertRaised', alert);
  });

  it('a terminal that reconnects hears today’s status; offline check-ins queued while away count once', async () => {
    const key = randomUUID();
    terminal.close();
    clock.set(jst(5, 11, 0));
    await hub.capabilities.watch.settle();
    // Reconnect: status first, then the queued check-in (pressed at 09:10, while offline), sent twice.
    const again = await hub.connectTerminal(credential);
    const pressedAt = new Date(jst(5, 9, 10)).toISOString();
    const [a, b] = await Promise.all([
      emitAck<Ack<CheckinReceipt>>(again, 'checkin:submit', { idempotencyKey: key, pressedAt }),
      emitAck<Ack<CheckinReceipt>>(again, 'checkin:submit', { idempotencyKey: key, pressedAt }),
    ]);
    expect([a, b].map((x) => x.ok && x.data.duplicate).sort()).toEqual([false, true]);
    const status = await emitAck<Ack<CheckinStatus>>(again, 'checkin:status', {});
    expect(status).toMatchObject({ ok: true, data: { checkedIn: true, checkedInAt: pressedAt } });
    await watch.settle();
    const missed = await hub.ctx.sql.get(
      "SELECT state, outcome FROM watch_alerts WHERE kind = 'missed_checkin' AND household_id = ?",
      [hub.fixture.households[0]!],
    );
    expect(missed).toEqual({ state: 'resolved', outcome: 'all_clear' });
  });

  describe('authorization', () => {
    async function raiseAlerts() {
      await hub.enrollTerminal(hub.fixture.households[2]!);
      await watch.tick();
      clock.set(jst(5, 11, 0));
      await hub.capabilities.watch.settle();
      await watch.settle();
      const rows = (await hub.ctx.sql.all(
        "SELECT id, household_id AS h FROM watch_alerts WHERE kind = 'missed_checkin' ORDER BY household_id",
      )) as { id: number; h: number }[];
      return Object.fromEntries(rows.map((r) => [r.h, r.id])) as Record<number, number>;
    }

    it('a watcher reads and acts only on assigned residents (REST)', async () => {
      const ids = await raiseAlerts();
      const [mine, , theirs] = hub.fixture.households as [number, number, number];
      const other = hub.as(await hub.login('other-watcher'));
      const me = hub.as(await hub.login('watcher'));

      const board = (await other({ method: 'GET', url: '/api/watch/board' })).json() as WatchBoard;
      expect(board.rows.map((r) => r.householdId)).toEqual([theirs]);
      const alerts = (await other({ method: 'GET', url: '/api/watch/alerts' })).json() as { alerts: WatchAlert[] };
      expect(alerts.alerts.map((a) => a.householdId)).toEqual([theirs]);

      for (const req of [
        { method: 'GET' as const, url: `/api/watch/alerts/${ids[mine]}` },
        { method: 'POST' as const, url: `/api/watch/alerts/${ids[mine]}/acknowledge` },
        { method: 'POST' as const, url: `/api/watch/alerts/${ids[mine]}/resolve`, payload: { outcome: 'phoned_fine' } },
        { method: 'GET' as const, url: `/api/watch/households/${mine}/history` },
        { method: 'GET' as const, url: `/api/watch/plans/${mine}` },
        { method: 'GET' as const, url: `/api/watch/alerts?householdId=${mine}` },
      ]) {
        const res = await other(req);
        expect([req.url, res.statusCode, res.json().error.code]).toEqual([req.url, 404, 'NOT_FOUND']);
      }
      expect(await hub.ctx.sql.get('SELECT state FROM watch_alerts WHERE id = ?', [ids[mine]])).toEqual({
        state: 'open',
      });

      // Watchers may not edit plans; operators see nothing of the watch.
      const put = await me({ method: 'PUT', url: `/api/watch/plans/${mine}`, payload: {} });
      expect(put.statusCode).toBe(403);
      const operator = hub.as(await hub.login('operator'));
      expect((await operator({ method: 'GET', url: '/api/watch/board' })).statusCode).toBe(403);
      expect((await hub.as(null)({ method: 'GET', url: '/api/watch/alerts' })).statusCode).toBe(401);

      // The assigned watcher can; city hall sees everyone. Who did it is shown by display name, not username.
      await hub.stores.accounts.updateUser(hub.fixture.users.watcher, { displayName: '見守り 花子' });
      expect((await me({ method: 'POST', url: `/api/watch/alerts/${ids[mine]}/acknowledge` })).json()).toMatchObject({
        state: 'acknowledged',
        acknowledgedByName: '見守り 花子',
      });
      const resolved = await me({
        method: 'POST',
        url: `/api/watch/alerts/${ids[mine]}/resolve`,
        payload: { outcome: 'visited_fine', note: '元気でした' },
      });
      expect(resolved.json()).toMatchObject({
        state: 'resolved',
        outcome: 'visited_fine',
        note: '元気でした',
        resolvedByName: '見守り 花子',
      });
      const events = resolved.json().events as { type: string; actorName: string | null }[];
      expect(events.find((e) => e.type === 'resolved')?.actorName).toBe('見守り 花子');
      expect(events.find((e) => e.type === 'opened')?.actorName).toBeNull();
      expect(
        (
          await me({ method: 'POST', url: `/api/watch/alerts/${ids[mine]}/resolve`, payload: { outcome: 'other' } })
        ).json().error.code,
      ).toBe('ALERT_RESOLVED');
      const outcomes = (await me({ method: 'GET', url: '/api/watch/alerts?state=resolved' })).json() as {
        alerts: WatchAlert[];
      };
      expect(outcomes.alerts.map((a) => a.outcome)).toEqual(['visited_fine']);
      const city = hub.as(await hub.login('cityhall'));
      expect(((await city({ method: 'GET', url: '/api/watch/board' })).json() as WatchBoard).rows).toHaveLength(3);
      expect((await city({ method: 'GET', url: `/api/watch/alerts/${ids[theirs]}` })).statusCode).toBe(200);
    });

    it('a watcher cannot act on others’ alerts over the socket either', async () => {
      const ids = await raiseAlerts();
      const [mine] = hub.fixture.households as [number];
      const { socket: other } = await staff('other-watcher');
      const ack = await emitAck<Ack<WatchAlert>>(other, 'watch:acknowledge', { alertId: ids[mine] });
      expect(ack).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      const res = await emitAck<Ack<WatchAlert>>(other, 'watch:resolve', {
        alertId: ids[mine],
        outcome: 'phoned_fine',
      });
      expect(res).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      const bad = await emitAck<Ack<WatchAlert>>(other, 'watch:resolve', { alertId: ids[mine], outcome: 'shrug' });
      expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      const { socket: op } = await staff('operator');
      expect(await emitAck(op, 'watch:acknowledge', { alertId: ids[mine] })).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
      const { socket: me } = await staff('watcher');
      expect(await emitAck(me, 'watch:acknowledge', { alertId: ids[mine] })).toMatchObject({
        ok: true,
        data: { state: 'acknowledged' },
      });
    });

    it('city hall edits plans with validation; the plan changes the schedule', async () => {
      const city = hub.as(await hub.login('cityhall'));
      const h = hub.fixture.households[0]!;
      const get = await city({ method: 'GET', url: `/api/watch/plans/${h}` });
      expect(get.json()).toMatchObject({ isDefault: true, deadline: '10:00', reminderMinutes: [60, 15] });
      const body = WEEKDAY_PLAN;
      const put = await city({ method: 'PUT', url: `/api/watch/plans/${h}`, payload: body });
      expect(put.statusCode).toBe(200);
      expect(put.json()).toMatchObject({ ...body, isDefault: false });
      for (const bad of [
        { ...body, deadline: '25:00' },
        { ...body, reminderMinutes: [600] },
        { ...body, signsOfLife: [] },
        { ...body, extra: true },
        { ...body, graceMinutes: '15' },
      ]) {
        const res = await city({ method: 'PUT', url: `/api/watch/plans/${h}`, payload: bad });
        expect(res.statusCode).toBe(400);
        expect(res.json().error.code).toBe('VALIDATION_FAILED');
      }
      expect((await city({ method: 'PUT', url: '/api/watch/plans/99999', payload: body })).statusCode).toBe(404);
      await watch.settle();
      clock.set(jst(5, 9, 15)); // the new 09:00 deadline + 15 min grace
      await hub.capabilities.watch.settle();
      const alerts = (await city({ method: 'GET', url: `/api/watch/alerts?householdId=${h}` })).json() as {
        alerts: WatchAlert[];
      };
      expect(alerts.alerts).toMatchObject([{ kind: 'missed_checkin', level: 1 }]);
      const reset = await city({ method: 'DELETE', url: `/api/watch/plans/${h}` });
      expect(reset.json()).toMatchObject({ isDefault: true });
      expect(await hub.ctx.sql.get("SELECT COUNT(*) AS n FROM audit_log WHERE action LIKE 'checkin_plan.%'")).toEqual({
        n: 2,
      });
    });
  });
});
