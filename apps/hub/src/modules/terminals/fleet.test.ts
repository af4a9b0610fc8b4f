/**
 * City hall's fleet view over a real hub and real sockets: what a terminal reports on connecting,
 * the last check-in, a volume test answered on the terminal, remote restart, replace; city hall only.
 */
import { randomUUID } from 'node:crypto';
import {
  type Ack,
  type FleetList,
  type FleetTerminal,
  PROTOCOL_VERSION,
  type VolumeTestAnswered,
} from '@tsunagu/protocol';
import { emitAck, nextEvent, type TestHub, withHub } from '../../testing/harness';
import { settledAfter } from '../../testing/test-engine';

jest.setTimeout(30_000);

describe('fleet view', () => {
  let hub: TestHub;
  let household: number;
  let terminalId: number;
  let credential: string;

  withHub('each', async (made) => {
    hub = made;
    household = hub.fixture.households[0]!;
    ({ terminalId, credential } = await hub.enrollTerminal(household));
  });

  /** Connects the terminal and waits until what it reports on connecting is stored (a batch after it). */
  const terminal = async (appVersion?: string) => {
    let socket!: Awaited<ReturnType<TestHub['connectTerminal']>>;
    await settledAfter(hub, async () => {
      socket = await hub.connectTerminal(credential, PROTOCOL_VERSION, { appVersion });
    });
    return socket;
  };
  async function cityhall() {
    const session = await hub.login('cityhall');
    return { call: hub.as(session), socket: await hub.connectStaff(session) };
  }
  const row = async (call: ReturnType<TestHub['as']>): Promise<FleetTerminal> => {
    // Reports are written on the next turn of the event loop.
    await new Promise((r) => setImmediate(r));
    const list = (await call({ method: 'GET', url: '/api/terminals' })).json() as FleetList;
    return list.terminals.find((t) => t.id === terminalId)!;
  };

  it('shows what the terminal reported, where it connects from and its last check-in', async () => {
    const { call } = await cityhall();
    expect(await row(call)).toMatchObject({
      householdId: household,
      householdName: '世帯1',
      online: false,
      appVersion: null,
      protocolVersion: null,
      address: null,
      lastCheckinAt: null,
      volumeTest: null,
    });
    const t = await terminal('0.1.0-web');
    const pressedAt = new Date(hub.clock.now()).toISOString();
    await emitAck(t, 'checkin:submit', { idempotencyKey: randomUUID(), pressedAt });
    expect(await row(call)).toMatchObject({
      online: true,
      appVersion: '0.1.0-web',
      protocolVersion: PROTOCOL_VERSION,
      address: '127.0.0.1',
      lastCheckinAt: pressedAt,
    });
    // A version that is not a plain version string is not stored for staff to see.
    t.close();
    await terminal('<script>alert(1)</script>');
    expect((await row(call)).appVersion).toBeNull();
  });

  it('a volume test reaches the terminal and the resident’s answer comes back to city hall', async () => {
    const { call, socket } = await cityhall();
    const t = await terminal('0.1.0');
    const asked = nextEvent<{ testId: number }>(t, 'terminal:volumeTest');
    const started = await call({ method: 'POST', url: `/api/terminals/${terminalId}/volume-test` });
    expect(started.statusCode).toBe(202);
    const test = started.json();
    expect(test).toMatchObject({ heard: null, answeredAt: null });
    expect(await asked).toEqual({ testId: test.id });

    const answered = nextEvent<VolumeTestAnswered>(socket, 'terminal:volumeTestAnswered');
    expect(await emitAck<Ack<unknown>>(t, 'terminal:answerVolumeTest', { testId: test.id, heard: false })).toEqual({
      ok: true,
      data: {},
    });
    expect(await answered).toMatchObject({ terminalId, householdId: household, test: { id: test.id, heard: false } });
    expect((await row(call)).volumeTest).toMatchObject({ id: test.id, heard: false });
    // Answered once; another terminal's test or a made-up id is not found.
    const again = await emitAck<Ack<unknown>>(t, 'terminal:answerVolumeTest', { testId: test.id, heard: true });
    expect(again).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const bad = await emitAck<Ack<unknown>>(t, 'terminal:answerVolumeTest', { testId: test.id, heard: 'yes' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const audit = await hub.ctx.sql.all("SELECT action, target FROM audit_log WHERE action = 'terminal.volume_test'");
    expect(audit).toEqual([{ action: 'terminal.volume_test', target: `terminal:${terminalId}` }]);
  });

  it('restart reaches a connected terminal; an offline one is said to be offline', async () => {
    const { call } = await cityhall();
    const offline = await call({ method: 'POST', url: `/api/terminals/${terminalId}/restart` });
    expect(offline.statusCode).toBe(409);
    expect(offline.json().error.code).toBe('TERMINAL_OFFLINE');
    expect((await call({ method: 'POST', url: `/api/terminals/${terminalId}/volume-test` })).statusCode).toBe(409);
    const t = await terminal();
    const restart = new Promise<void>((resolve) => t.once('terminal:restart', () => resolve()));
    expect((await call({ method: 'POST', url: `/api/terminals/${terminalId}/restart` })).statusCode).toBe(202);
    await restart;
    const audit = await hub.ctx.sql.get("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'terminal.restart'");
    expect(audit).toEqual({ n: 1 });
  });

  it('replace revokes the terminal and issues a new code for the same household in one step', async () => {
    const { call } = await cityhall();
    const t = await terminal();
    const revoked = new Promise<void>((resolve) => t.once('terminal:revoked', () => resolve()));
    const r = await call({ method: 'POST', url: `/api/terminals/${terminalId}/replace` });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ householdId: household, code: expect.stringMatching(/^\d{8}$/) });
    await revoked;
    expect((await row(call)).revoked).toBe(true);
    const enrolled = await hub.app.inject({
      method: 'POST',
      url: '/api/terminals/enroll',
      payload: { code: r.json().code },
    });
    expect(enrolled.json()).toMatchObject({ householdId: household });
    expect(await hub.ctx.sql.get("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'terminal.replaced'")).toEqual({
      n: 1,
    });
  });

  it('only city hall sees the fleet and acts on terminals', async () => {
    await terminal();
    for (const who of ['watcher', 'operator']) {
      const call = hub.as(await hub.login(who));
      for (const [method, path] of [
        ['GET', '/api/terminals'],
        ['POST', `/api/terminals/${terminalId}/volume-test`],
        ['POST', `/api/terminals/${terminalId}/restart`],
        ['POST', `/api/terminals/${terminalId}/replace`],
      ] as const) {
        expect({ who, path, status: (await call({ method, url: path })).statusCode }).toEqual({
          who,
          path,
          status: 403,
        });
      }
    }
    expect(await hub.ctx.sql.get('SELECT revoked_at FROM terminals WHERE id = ?', [terminalId])).toEqual({
      revoked_at: null,
    });
  });
});
