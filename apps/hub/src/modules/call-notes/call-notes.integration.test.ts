/**
 * Every conversation counts (issue 16), over real sockets: after a call, the staff member who took
 * it writes a note; a concern opens a watch alert that reaches the household's watchers live. Only
 * that person writes; the household's watchers and city hall read; other shops and other watchers
 * do not; bad input gets stable codes; each note is audited; every call's end is a domain event.
 */
import type { CallNote, CallNoteList, WatchAlert, WatchAlertList } from '@tsunagu/protocol';
import type { Socket } from 'socket.io-client';
import type { DomainEvents } from '../../lib/events';
import { connectCall, emitAck, nextEvent, type TestHub, withHub } from '../../testing/harness';

jest.setTimeout(60_000);

describe('call notes', () => {
  let hub: TestHub;
  let householdId: number;
  let terminal: Socket;
  const ended: DomainEvents['call.ended'][] = [];

  withHub('each', async (made) => {
    hub = made;
    householdId = hub.fixture.households[0]!;
    terminal = await hub.connectTerminal((await hub.enrollTerminal(householdId)).credential);
    ended.length = 0;
    hub.ctx.events.on('call.ended', (e) => ended.push(e));
  });

  const user = (name: keyof TestHub['fixture']['users']) => hub.sessionFor(hub.fixture.users[name]);
  const writeNote = (name: keyof TestHub['fixture']['users'], callId: number, payload: object) =>
    hub.as(user(name))({ method: 'POST', url: `/api/calls/${callId}/note`, payload });

  /** A call on `shopId` answered by `staff`, then hung up by the resident. */
  async function answeredCall(staff: 'operator' | 'listener', shopId: number) {
    const operator = await hub.connectStaff(user(staff));
    const { callId } = await connectCall(terminal, operator, shopId);
    const over = nextEvent(operator, 'call:ended');
    await emitAck(terminal, 'call:hangUp', { callId });
    await over;
    return { callId, operator };
  }

  it('a listener’s concern reaches the household’s watchers as an alert with the note', async () => {
    const watcher = await hub.connectStaff(user('watcher'));
    const stranger = await hub.connectStaff(user('otherWatcher'));
    const heardByStranger: unknown[] = [];
    stranger.on('watch:alertRaised', (a) => heardByStranger.push(a));

    const { callId } = await answeredCall('listener', hub.fixture.listeningId);
    expect(ended).toEqual([
      expect.objectContaining({ callId, householdId, shopId: hub.fixture.listeningId, answered: true }),
    ]);
    expect(ended[0]!.reason).toBe('hung_up_by_resident');

    const raised = nextEvent<WatchAlert>(watcher, 'watch:alertRaised');
    const res = await writeNote('listener', callId, { note: ' 咳が続いていて、食欲がないそうです ', concern: 'visit' });
    expect(res.statusCode).toBe(201);
    const note = res.json<CallNote>();
    expect(note).toMatchObject({
      callId,
      householdId,
      shopId: hub.fixture.listeningId,
      shopKind: 'listening',
      authorName: 'listener',
      note: '咳が続いていて、食欲がないそうです',
      concern: 'visit',
    });
    const alert = await raised;
    expect(alert).toMatchObject({ kind: 'concern', householdId, state: 'open', level: 1 });
    expect(alert.events[0]).toMatchObject({
      type: 'opened',
      detail: { note: '咳が続いていて、食欲がないそうです', urgency: 'visit', source: expect.stringMatching(/^call:/) },
    });
    expect(heardByStranger).toEqual([]);

    // The household's watcher and city hall read it; the other family's watcher does not see it.
    for (const who of ['watcher', 'cityhall'] as const) {
      const read = await hub.as(user(who))({ method: 'GET', url: `/api/watch/households/${householdId}/call-notes` });
      expect(read.statusCode).toBe(200);
      expect(read.json<CallNoteList>().notes).toEqual([note]);
    }
    const foreign = await hub.as(user('otherWatcher'))({
      method: 'GET',
      url: `/api/watch/households/${householdId}/call-notes`,
    });
    expect(foreign.statusCode).toBe(404);
    const alerts = await hub.as(user('watcher'))({ method: 'GET', url: '/api/watch/alerts?state=active' });
    expect(alerts.json<WatchAlertList>().alerts.map((a) => a.kind)).toEqual(['concern']);

    // Written once, and audited.
    const again = await writeNote('listener', callId, { note: 'もう一度', concern: null });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('CALL_NOTE_EXISTS');
    expect(await hub.ctx.sql.all("SELECT actor, target FROM audit_log WHERE action = 'call.note_written'")).toEqual([
      { actor: expect.stringMatching(/listener/), target: `household:${householdId}` },
    ]);
  });

  it('a note without a concern is kept for the watchers and raises no alert', async () => {
    const { callId } = await answeredCall('operator', hub.fixture.shopId);
    const res = await writeNote('operator', callId, { note: 'お元気そうでした', concern: null });
    expect(res.statusCode).toBe(201);
    const alerts = await hub.as(user('watcher'))({ method: 'GET', url: '/api/watch/alerts?state=active' });
    expect(alerts.json<WatchAlertList>().alerts).toEqual([]);
    const read = await hub.as(user('watcher'))({
      method: 'GET',
      url: `/api/watch/households/${householdId}/call-notes`,
    });
    expect(read.json<CallNoteList>().notes.map((n) => [n.note, n.shopName, n.concern])).toEqual([
      ['お元気そうでした', 'テストマート', null],
    ]);
  });

  it('only the person who took the call writes; other shops neither write nor read', async () => {
    const { callId } = await answeredCall('operator', hub.fixture.shopId);
    const body = { note: '元気', concern: 'worried' };
    const cases: [keyof TestHub['fixture']['users'], number, string][] = [
      ['otherOperator', 404, 'NOT_FOUND'], // another shop: as if there were no such call
      ['listener', 404, 'NOT_FOUND'],
      ['watcher', 403, 'FORBIDDEN'],
      ['cityhall', 403, 'FORBIDDEN'],
    ];
    for (const [who, status, code] of cases) {
      const res = await writeNote(who, callId, body);
      expect([who, res.statusCode, res.json().error.code]).toEqual([who, status, code]);
    }
    // A colleague at the same shop did not take it.
    const colleagueId = await hub.stores.accounts.createUser(
      {
        username: 'colleague',
        displayName: 'colleague',
        passwordHash: 'x',
        role: 'operator',
        admin: false,
        shopId: hub.fixture.shopId,
        watcherKind: null,
      },
      hub.clock.now(),
    );
    const colleague = await hub.as(hub.sessionFor(colleagueId))({
      method: 'POST',
      url: `/api/calls/${callId}/note`,
      payload: body,
    });
    expect([colleague.statusCode, colleague.json().error.code]).toEqual([403, 'NOT_CALL_PARTY']);
    for (const who of ['operator', 'otherOperator', 'listener'] as const) {
      const read = await hub.as(user(who))({ method: 'GET', url: `/api/watch/households/${householdId}/call-notes` });
      expect([who, read.statusCode]).toEqual([who, 403]);
    }
    expect((await writeNote('operator', callId, body)).statusCode).toBe(201);
  });

  it('refuses bad input and calls that are not over or never answered, with stable codes', async () => {
    const { callId } = await answeredCall('operator', hub.fixture.shopId);
    const bad: [object, number, string][] = [
      [{ note: '', concern: 'urgent' }, 400, 'VALIDATION_FAILED'],
      [{ note: '   ', concern: null }, 400, 'VALIDATION_FAILED'],
      [{ note: 'x', concern: 'panic' }, 400, 'VALIDATION_FAILED'],
      [{ note: 'x'.repeat(1001), concern: null }, 400, 'VALIDATION_FAILED'],
      [{ note: 'x' }, 400, 'VALIDATION_FAILED'],
      [{ note: 'x', concern: null, extra: 1 }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [payload, status, code] of bad) {
      const res = await writeNote('operator', callId, payload);
      expect([res.statusCode, res.json().error.code]).toEqual([status, code]);
    }
    expect((await writeNote('operator', 987654, { note: 'x', concern: null })).statusCode).toBe(404);

    // A call still going, and one the resident never answered.
    const operator = await hub.connectStaff(user('operator'));
    await emitAck(operator, 'call:setAvailability', { availability: 'available' });
    const { callId: live } = await connectCall(terminal, operator, hub.fixture.shopId);
    const notOver = await writeNote('operator', live, { note: 'x', concern: null });
    expect([notOver.statusCode, notOver.json().error.code]).toEqual([409, 'CALL_NOT_ENDED']);
    await emitAck(terminal, 'call:hangUp', { callId: live });
    const unanswered = await hub.ctx.sql.get<{ id: number }>(
      "INSERT INTO calls (shop_id, household_id, direction, status, operator_id, requested_at, ended_at) VALUES (?, ?, 'outbound', 'ended', ?, 0, 1) RETURNING id",
      [hub.fixture.shopId, householdId, hub.fixture.users.operator],
    );
    const never = await writeNote('operator', unanswered!.id, { note: 'x', concern: null });
    expect([never.statusCode, never.json().error.code]).toEqual([409, 'CALL_NOT_ANSWERED']);
  });
});
