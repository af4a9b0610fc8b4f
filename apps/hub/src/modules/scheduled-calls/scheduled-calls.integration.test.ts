/**
 * Planned outgoing listening calls (issue 16), over real sockets on a fake clock: a weekly plan
 * offers the call to the line's listeners once when it falls due (however often the scheduler
 * runs, and across a restart), a listener rings it, an answered call is a sign of life, an
 * unanswered one a missed_call alert for the household's watchers; a call nobody rang lapses.
 * Plans are edited and deleted by their line's listeners and city hall only.
 */
import type { Ack, CallInfo, CallSchedule, CallScheduleList, ScheduledCall, WatchAlert } from '@tsunagu/protocol';
import type { Socket } from 'socket.io-client';
import { openDatabase } from '../../db/database';
import type { Hub } from '../../hub';
import { FakeClock } from '../../lib/clock';
import { eachFakeClockHub, jst, MINUTE } from '../../testing/fake-clock';
import { createTestHub, emitAck, NO_SPEECH, nextEvent, type TestHub } from '../../testing/harness';
import { restartOn, settledAfter, TEST_ENGINE } from '../../testing/test-engine';
import { until } from '../../testing/until';

jest.setTimeout(60_000);

/**
 * Tuesdays at 10:00 (6 January 2026 is a Tuesday). Tests start the same morning: the test
 * sessions (and so their sockets) end an hour after they began, on the hub's clock.
 */
const TUESDAY_TEN = { weekdays: [2], time: '10:00' };

describe('planned listening calls', () => {
  let hub: TestHub;
  let clock: FakeClock;
  let householdId: number;
  let terminal: Socket;

  // Declared first, so it runs before the hub closes.
  afterEach(async () => {
    hub.closeSockets();
    await hub.capabilities.watch.settle();
  });
  eachFakeClockHub(
    async (made) => {
      ({ hub, clock } = made);
      householdId = hub.fixture.households[0]!;
      terminal = await hub.connectTerminal((await hub.enrollTerminal(householdId)).credential);
    },
    jst(6, 9, 30),
  );

  const user = (name: keyof TestHub['fixture']['users']) => hub.sessionFor(hub.fixture.users[name]);
  const plan = async (body: object = { householdId, ...TUESDAY_TEN }) => {
    const res = await hub.as(user('listener'))({ method: 'POST', url: '/api/calls/schedules', payload: body });
    expect(res.statusCode).toBe(201);
    return res.json<CallSchedule>();
  };
  const listed = async (who: keyof TestHub['fixture']['users'] = 'listener') =>
    (await hub.as(user(who))({ method: 'GET', url: '/api/calls/schedules' })).json<CallScheduleList>();
  const rows = async () => await hub.ctx.sql.all('SELECT state, due_at AS "dueAt" FROM scheduled_calls ORDER BY id');
  async function listenerSocket(): Promise<Socket> {
    const s = await hub.connectStaff(user('listener'));
    await emitAck(s, 'call:setAvailability', { availability: 'available' });
    return s;
  }
  /** Moves the clock to `at` and waits for the listener to be offered the call due then. */
  async function fallDue(listener: Socket, at = jst(6, 10, 0)) {
    // A tick under way (a plan was saved, the hub took the jobs) arms the next timer once its reads
    // are done: on PostgreSQL that can be after the clock below has moved past it, and a fake
    // clock's timer set in the past waits for the clock to move again. Wait for it to be armed.
    await hub.capabilities.scheduledCalls.tick();
    const offered = nextEvent<ScheduledCall>(listener, 'call:scheduledCallChanged');
    clock.set(at);
    const due = await offered;
    expect(due).toMatchObject({ householdId, state: 'due', dueAt: new Date(at).toISOString() });
    return due;
  }

  it('offers the call once when due; the listener rings it; answered is a sign of life', async () => {
    const created = await plan({ householdId, ...TUESDAY_TEN, note: '火曜の朝の話し相手' });
    expect(created).toMatchObject({
      householdId,
      shopId: hub.fixture.listeningId,
      weekdays: [2],
      time: '10:00',
      note: '火曜の朝の話し相手',
      nextAt: new Date(jst(6, 10, 0)).toISOString(),
      last: null,
    });
    const listener = await listenerSocket();
    clock.set(jst(6, 9, 59));
    expect(await rows()).toEqual([]);
    const due = await fallDue(listener);

    // However often the scheduler runs, one planned call.
    for (let i = 0; i < 3; i++) await hub.capabilities.scheduledCalls.tick();
    clock.advance(5 * MINUTE);
    expect(await rows()).toEqual([{ state: 'due', dueAt: jst(6, 10, 0) }]);
    expect((await listed()).due.map((d) => d.id)).toEqual([due.id]);

    const incoming = nextEvent<CallInfo>(terminal, 'call:incoming');
    const rang = await emitAck<Ack<CallInfo>>(listener, 'call:ringScheduled', { scheduledCallId: due.id });
    if (!rang.ok) throw new Error(rang.error.code);
    expect(rang.data).toMatchObject({ householdId, direction: 'outbound', status: 'ringing_terminal' });
    expect((await incoming).callId).toBe(rang.data.callId);
    expect(await rows()).toEqual([{ state: 'ringing', dueAt: jst(6, 10, 0) }]);
    const again = await emitAck<Ack<CallInfo>>(listener, 'call:ringScheduled', { scheduledCallId: due.id });
    expect(again.ok ? 'rang twice' : again.error.code).toBe('SCHEDULED_CALL_NOT_DUE');

    const answered = nextEvent<ScheduledCall>(listener, 'call:scheduledCallChanged');
    const accepted = await emitAck<Ack<CallInfo>>(terminal, 'call:accept', { callId: rang.data.callId });
    expect(accepted.ok).toBe(true);
    await emitAck(terminal, 'call:hangUp', { callId: rang.data.callId });
    expect(await answered).toMatchObject({ id: due.id, state: 'answered', callId: rang.data.callId });
    // The watch module stores the sign of life beside this one (on PostgreSQL, round trips later).
    await hub.capabilities.watch.settle();
    expect(
      await hub.ctx.sql.get("SELECT COUNT(*) AS n FROM signs_of_life WHERE household_id = ? AND kind = 'call'", [
        householdId,
      ]),
    ).toEqual({ n: 1 });
    const after = await listed();
    expect(after.due).toEqual([]);
    expect(after.schedules[0]).toMatchObject({
      last: { state: 'answered' },
      nextAt: new Date(jst(13, 10, 0)).toISOString(),
    });
    expect(await hub.ctx.sql.get("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'call.scheduled_rang'")).toEqual({
      n: 1,
    });
  });

  it('an unanswered planned call is a missed sign of life: a missed_call alert for the household’s watchers', async () => {
    await plan();
    const listener = await listenerSocket();
    const watcher = await hub.connectStaff(user('watcher'));
    const stranger = await hub.connectStaff(user('otherWatcher'));
    const heardByStranger: unknown[] = [];
    stranger.on('watch:alertRaised', (a) => heardByStranger.push(a));
    const due = await fallDue(listener);
    const rang = await emitAck<Ack<CallInfo>>(listener, 'call:ringScheduled', { scheduledCallId: due.id });
    if (!rang.ok) throw new Error(rang.error.code);

    // Nobody answers: the terminal rings for a minute, then the call ends.
    const raised = nextEvent<WatchAlert>(watcher, 'watch:alertRaised');
    const missed = nextEvent<ScheduledCall>(listener, 'call:scheduledCallChanged');
    clock.advance(MINUTE);
    expect(await missed).toMatchObject({ id: due.id, state: 'missed' });
    const alert = await raised;
    expect(alert).toMatchObject({ kind: 'missed_call', householdId, state: 'open', level: 1 });
    expect(alert.events[0]).toMatchObject({
      type: 'opened',
      detail: { callId: rang.data.callId, scheduleId: due.scheduleId },
    });
    expect(heardByStranger).toEqual([]);

    // Its own ladder: unacknowledged, it goes up to the supervisor.
    clock.advance(58 * MINUTE);
    const supervisor = await hub.connectStaff(user('supervisor'));
    const escalated = nextEvent<WatchAlert>(supervisor, 'watch:alertRaised');
    clock.advance(3 * MINUTE);
    expect(await escalated).toMatchObject({ id: alert.id, kind: 'missed_call', level: 2 });
  });

  it('the resident declining is no missed call; a call nobody rang lapses after an hour', async () => {
    await plan({ householdId, weekdays: [2, 3], time: '10:00' });
    let listener = await listenerSocket();
    const due = await fallDue(listener);
    const rang = await emitAck<Ack<CallInfo>>(listener, 'call:ringScheduled', { scheduledCallId: due.id });
    if (!rang.ok) throw new Error(rang.error.code);
    const declined = nextEvent<ScheduledCall>(listener, 'call:scheduledCallChanged');
    await emitAck(terminal, 'call:decline', { callId: rang.data.callId });
    expect(await declined).toMatchObject({ state: 'declined' });
    expect(await hub.ctx.sql.get("SELECT COUNT(*) AS n FROM watch_alerts WHERE kind = 'missed_call'")).toEqual({
      n: 0,
    });

    // On Wednesday nobody rings it (the listener signed in again: yesterday's session is over).
    clock.set(jst(7, 9, 45));
    listener = await listenerSocket();
    const next = await fallDue(listener, jst(7, 10, 0));
    clock.set(jst(7, 10, 59));
    expect((await listed()).due.map((d) => d.id)).toEqual([next.id]);
    await settledAfter(hub, () => clock.set(jst(7, 11, 0)));
    expect((await listed()).due).toEqual([]);
    expect(await rows()).toEqual([
      { state: 'declined', dueAt: jst(6, 10, 0) },
      { state: 'lapsed', dueAt: jst(7, 10, 0) },
    ]);
    expect(await hub.ctx.sql.get("SELECT COUNT(*) AS n FROM watch_alerts WHERE kind = 'missed_call'")).toEqual({
      n: 0,
    });
    listener = await listenerSocket();
    const late = await emitAck<Ack<CallInfo>>(listener, 'call:ringScheduled', { scheduledCallId: next.id });
    expect(late.ok ? 'rang' : late.error.code).toBe('SCHEDULED_CALL_NOT_DUE');
  });

  it('edits and deletes plans; only the line’s listeners and city hall; bad input has stable codes', async () => {
    const created = await plan();
    const otherLine = await hub.stores.shops.create(
      { name: '別の話し相手', category: 'listening', kind: 'listening', openingHours: [] },
      clock.now(),
    );
    const otherListener = await hub.stores.accounts.createUser(
      {
        username: 'listener-2',
        displayName: 'listener-2',
        passwordHash: 'x',
        role: 'listener',
        admin: false,
        shopId: otherLine,
        watcherKind: null,
      },
      clock.now(),
    );
    const asOther = hub.as(hub.sessionFor(otherListener));
    expect((await asOther({ method: 'GET', url: '/api/calls/schedules' })).json<CallScheduleList>().schedules).toEqual(
      [],
    );
    for (const method of ['PUT', 'DELETE'] as const) {
      const res = await asOther({
        method,
        url: `/api/calls/schedules/${created.id}`,
        payload: method === 'PUT' ? TUESDAY_TEN : undefined,
      });
      expect([method, res.statusCode]).toEqual([method, 404]);
    }
    for (const who of ['operator', 'watcher'] as const) {
      const res = await hub.as(user(who))({ method: 'GET', url: '/api/calls/schedules' });
      expect([who, res.statusCode]).toEqual([who, 403]);
    }
    // City hall (the welfare worker) sees every line's plans and must say which line calls.
    expect((await listed('cityhall')).schedules.map((s) => s.id)).toEqual([created.id]);
    const cityhall = hub.as(user('cityhall'));
    const bad: [object, number, string][] = [
      [{ householdId, ...TUESDAY_TEN }, 400, 'VALIDATION_FAILED'], // two listening lines now: which?
      [{ householdId, shopId: hub.fixture.shopId, ...TUESDAY_TEN }, 400, 'NOT_A_LISTENING_LINE'],
      [{ householdId, shopId: otherLine, weekdays: [], time: '10:00' }, 400, 'VALIDATION_FAILED'],
      [{ householdId, shopId: otherLine, weekdays: [7], time: '10:00' }, 400, 'VALIDATION_FAILED'],
      [{ householdId, shopId: otherLine, weekdays: [2, 2], time: '10:00' }, 400, 'VALIDATION_FAILED'],
      [{ householdId, shopId: otherLine, weekdays: [2], time: '24:00' }, 400, 'VALIDATION_FAILED'],
      [{ householdId, shopId: otherLine, weekdays: [2], time: '10:00', extra: 1 }, 400, 'VALIDATION_FAILED'],
      [{ householdId: 987654, shopId: otherLine, ...TUESDAY_TEN }, 404, 'NOT_FOUND'],
      [{ householdId, shopId: 987654, ...TUESDAY_TEN }, 404, 'NOT_FOUND'],
    ];
    for (const [payload, status, code] of bad) {
      const res = await cityhall({ method: 'POST', url: '/api/calls/schedules', payload });
      expect([payload, res.statusCode, res.json().error.code]).toEqual([payload, status, code]);
    }
    // A listener plans for their own line only.
    const foreign = await hub.as(user('listener'))({
      method: 'POST',
      url: '/api/calls/schedules',
      payload: { householdId, shopId: otherLine, ...TUESDAY_TEN },
    });
    expect(foreign.statusCode).toBe(404);

    const edited = await hub.as(user('listener'))({
      method: 'PUT',
      url: `/api/calls/schedules/${created.id}`,
      payload: { weekdays: [2, 4], time: '11:30', note: '火木の昼前' },
    });
    expect(edited.statusCode).toBe(200);
    expect(edited.json<CallSchedule>()).toMatchObject({
      weekdays: [2, 4],
      time: '11:30',
      note: '火木の昼前',
      nextAt: new Date(jst(6, 11, 30)).toISOString(),
    });
    // The edit moved the timer: 10:00 is not offered, 11:30 is.
    clock.set(jst(6, 10, 45));
    expect(await rows()).toEqual([]);
    const listener = await listenerSocket();
    await fallDue(listener, jst(6, 11, 30));
    const removed = await hub.as(user('cityhall'))({ method: 'DELETE', url: `/api/calls/schedules/${created.id}` });
    expect(removed.json()).toEqual({ ok: true });
    clock.set(jst(8, 11, 30));
    expect(await listed()).toEqual({ schedules: [], due: [] });
    expect(await rows()).toEqual([]);
    expect(
      (await hub.ctx.sql.all("SELECT action FROM audit_log WHERE action LIKE 'call_schedule.%' ORDER BY id")).map(
        (r) => (r as { action: string }).action,
      ),
    ).toEqual(['call_schedule.created', 'call_schedule.updated', 'call_schedule.deleted']);
    // Staff of a shop do not ring planned calls.
    const operator = await hub.connectStaff(user('operator'));
    const refused = await emitAck<Ack<CallInfo>>(operator, 'call:ringScheduled', { scheduledCallId: 1 });
    expect(refused.ok ? 'rang' : refused.error.code).toBe('FORBIDDEN');
  });
});

describe('planned listening calls of a closed household', () => {
  it('are neither listed nor offered', async () => {
    const clock = new FakeClock(jst(6, 9, 30));
    const hub = await createTestHub({ clock });
    const householdId = hub.fixture.households[0]!;
    const listener = hub.as(hub.sessionFor(hub.fixture.users.listener));
    const res = await listener({
      method: 'POST',
      url: '/api/calls/schedules',
      payload: { householdId, ...TUESDAY_TEN },
    });
    expect(res.statusCode).toBe(201);
    const closed = await hub.as(hub.sessionFor(hub.fixture.users.cityhall))({
      method: 'POST',
      url: `/api/households/${householdId}/close`,
      payload: { reason: '転出' },
    });
    expect(closed.statusCode).toBe(200);
    clock.set(jst(6, 10, 0));
    expect(await hub.ctx.sql.get('SELECT COUNT(*) AS n FROM scheduled_calls')).toEqual({ n: 0 });
    expect((await listener({ method: 'GET', url: '/api/calls/schedules' })).json()).toEqual({ schedules: [], due: [] });
    await hub.close();
  });
});

describe('planned listening calls across a restart', () => {
  it('a call offered before the restart is not offered again; one the hub slept through is recorded as lapsed', async () => {
    // On SQLite the database is passed in, so it stays open when the hub stops: the "disk" survives.
    const db = TEST_ENGINE === 'sqlite' ? openDatabase(':memory:') : undefined;
    const clock = new FakeClock(jst(5, 9, 0));
    const hub = await createTestHub({ clock, ...(db ? { db } : {}) });
    const householdId = hub.fixture.households[0]!;
    const res = await hub.as(hub.sessionFor(hub.fixture.users.listener))({
      method: 'POST',
      url: '/api/calls/schedules',
      payload: { householdId, weekdays: [2, 3], time: '10:00' },
    });
    expect(res.statusCode).toBe(201);
    clock.set(jst(6, 10, 0));
    await hub.app.close();

    const rows = (on: Hub) => on.ctx.sql.all('SELECT state, due_at AS "dueAt" FROM scheduled_calls ORDER BY id');
    const restarted = async (at: FakeClock, expected: unknown) => {
      const next = await restartOn(hub, { clock: at, config: { speechTools: NO_SPEECH } });
      // What a restarted hub does at start, it does once it runs the jobs (at once on SQLite).
      await until(async () => JSON.stringify(await rows(next)) === JSON.stringify(expected), 20_000).catch(() => {});
      expect(await rows(next)).toEqual(expected);
      await next.app.close();
    };
    await restarted(new FakeClock(jst(6, 10, 20)), [{ state: 'due', dueAt: jst(6, 10, 0) }]);
    // Down all Wednesday morning: Wednesday's call is recorded, not offered hours late.
    await restarted(new FakeClock(jst(7, 13, 0)), [
      { state: 'lapsed', dueAt: jst(6, 10, 0) },
      { state: 'lapsed', dueAt: jst(7, 10, 0) },
    ]);
    await hub.close();
    db?.close();
  });
});
