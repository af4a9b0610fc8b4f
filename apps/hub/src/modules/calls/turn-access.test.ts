/**
 * TURN credentials let their holder relay traffic through the city's TURN server: only those who
 * take calls get them (operators and listeners, and terminals), not watchers, city hall staff or
 * machine keys — over REST and over the staff socket alike.
 */
import type { Ack, IceServersResponse, StaffRole } from '@tsunagu/protocol';
import type { Socket } from 'socket.io-client';
import { createTestHub, emitAck, type TestHub } from '../../testing/harness';

jest.setTimeout(30_000);

const hasTurn = (r: IceServersResponse) => r.iceServers.some((s) => s.credential !== undefined);

describe('TURN credentials only for those who take calls', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await createTestHub({
      config: { turn: { urls: ['turn:turn.example.org:3478'], secret: 'a-very-long-turn-secret', ttlSeconds: 600 } },
    });
  });
  afterAll(async () => {
    await hub.close();
  });

  it('over REST: operators and listeners yes; watchers, city hall and API keys no', async () => {
    const u = hub.fixture.users;
    const get = (who: Parameters<TestHub['as']>[0]) => hub.as(who)({ method: 'GET', url: '/api/calls/ice-servers' });
    for (const name of ['operator', 'listener'] as const) {
      const res = await get(hub.sessionFor(u[name]));
      expect([name, res.statusCode]).toEqual([name, 200]);
      expect(hasTurn(res.json())).toBe(true);
    }
    for (const name of ['watcher', 'cityhall', 'admin'] as const) {
      const res = await get(hub.sessionFor(u[name]));
      expect([name, res.statusCode]).toEqual([name, 403]);
    }
    for (const role of ['cityhall', 'operator', 'listener', 'watcher'] as StaffRole[]) {
      const { key } = await hub.services.accounts.createApiKey(`turn-${role}`, role, null);
      expect([role, (await get({ bearer: key })).statusCode]).toEqual([role, 403]);
    }
  });

  it('over the sockets: a watcher is refused, an operator and a terminal get them', async () => {
    const ask = async (socket: Socket) => emitAck<Ack<IceServersResponse>>(socket, 'call:iceServers', {});
    const watcher = await hub.connectStaff(hub.sessionFor(hub.fixture.users.watcher));
    const operator = await hub.connectStaff(hub.sessionFor(hub.fixture.users.operator));
    const terminal = await hub.terminal(0);
    expect(await ask(watcher)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const op = await ask(operator);
    expect(op.ok && hasTurn(op.data)).toBe(true);
    const t = await ask(terminal);
    expect(t.ok && hasTurn(t.data)).toBe(true);
  });
});
