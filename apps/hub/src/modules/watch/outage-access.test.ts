/**
 * A district outage concerns many households: city hall and the professional watchers (welfare,
 * care network, supervisors) of households in the district see it and act on it; a family member
 * sees only their own household — never the district alert, its figures or who handled it.
 */
import type { Ack, WatchAlert } from '@tsunagu/protocol';
import type { Socket } from 'socket.io-client';
import { as, connectStaff, createTestHub, emitAck, sessionFor, type TestHub } from '../../testing/harness';
import { createWatchStore, levelOneAlert } from './store';

jest.setTimeout(30_000);

describe('district outage alerts and family members', () => {
  let hub: TestHub;
  let alertId: number;
  let ownAlertId: number;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    hub = await createTestHub();
    const f = hub.fixture;
    // District 3 holds the family member's household (households[2]) and one the welfare office watches.
    const district = f.districts[2]!;
    const neighbour = await hub.stores.households.create(
      { name: '隣の世帯', address: '三鷹市 3-2-1', districtId: district },
      0,
    );
    await hub.stores.households.assignWatcher(neighbour, f.users.watcher, 1);
    const store = createWatchStore(hub.ctx.sql);
    const now = hub.ctx.clock.now();
    alertId = (await store.create(
      levelOneAlert(now, { kind: 'district_outage', householdId: null, districtId: district }),
      {
        offline: 2,
        terminals: 2,
      },
    ))!;
    ownAlertId = (await store.create(
      levelOneAlert(now, { kind: 'concern', householdId: f.households[2]!, districtId: district }),
    ))!;
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await hub.close();
  });

  const family = () => sessionFor(hub, hub.fixture.users.otherWatcher);
  const welfare = () => sessionFor(hub, hub.fixture.users.watcher);

  it('the welfare office watching a household there sees and handles it', async () => {
    const list = await as(hub, welfare())({ method: 'GET', url: '/api/watch/alerts' });
    expect(list.json().alerts.map((a: WatchAlert) => a.id)).toContain(alertId);
    expect((await as(hub, welfare())({ method: 'GET', url: `/api/watch/alerts/${alertId}` })).statusCode).toBe(200);
  });

  it('a family member sees their own household’s alerts but not the district alert', async () => {
    const list = await as(hub, family())({ method: 'GET', url: '/api/watch/alerts' });
    const ids = list.json().alerts.map((a: WatchAlert) => a.id);
    expect(ids).toContain(ownAlertId);
    expect(ids).not.toContain(alertId);
    for (const [method, url] of [
      ['GET', `/api/watch/alerts/${alertId}`],
      ['POST', `/api/watch/alerts/${alertId}/acknowledge`],
    ] as const)
      expect((await as(hub, family())({ method, url })).statusCode).toBe(404);
    const socket = await connectStaff(await hub.listen(), family());
    sockets.push(socket);
    expect(await emitAck<Ack<unknown>>(socket, 'watch:acknowledge', { alertId })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });

  it('a family member’s console hears nothing of it when others act on it', async () => {
    const url = await hub.listen();
    const familySocket = await connectStaff(url, family());
    const welfareSocket = await connectStaff(url, welfare());
    sockets.push(familySocket, welfareSocket);
    const heard: number[] = [];
    familySocket.on('watch:alertUpdated', (a: WatchAlert) => heard.push(a.id));
    const welfareHeard = new Promise<WatchAlert>((resolve) => welfareSocket.once('watch:alertUpdated', resolve));
    const res = await as(hub, welfare())({ method: 'POST', url: `/api/watch/alerts/${alertId}/acknowledge` });
    expect(res.statusCode).toBe(200);
    expect((await welfareHeard).id).toBe(alertId);
    // The family socket's ping is answered after any event sent before it.
    await emitAck(familySocket, 'staff:ping', {});
    expect(heard).not.toContain(alertId);
  });
});
