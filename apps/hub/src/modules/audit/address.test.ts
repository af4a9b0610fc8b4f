/**
 * Every audit row says from where: REST routes, the CAP gateway (which audits deep inside the
 * announcements module) and Socket.IO commands alike. Each call site passes the address (the type
 * requires it); the hub keeps no AsyncLocalStorage (lib/client-address.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Ack } from '@tsunagu/protocol';
import type { Socket } from 'socket.io-client';
import { FakeClock } from '../../lib/clock';
import { connectStaff, createTestHub, emitAck, type TestHub } from '../../testing/harness';
import type { AnnouncementsService } from '../announcements';
import { createWatchStore, levelOneAlert } from '../watch/store';

jest.setTimeout(30_000);

describe('audit rows carry the caller’s address', () => {
  let hub: TestHub;
  let socket: Socket | null = null;
  beforeEach(async () => {
    // The CAP sample was issued then; replayed at its own time so it is current.
    hub = await createTestHub({ clock: new FakeClock(Date.parse('2010-08-30T12:00:00Z')) });
  });
  afterEach(async () => {
    socket?.close();
    await hub.close();
  });

  it('for alerts that arrive through the CAP gateway', async () => {
    const { id, key } = await hub.services.accounts.createApiKey('prefecture', 'cityhall', null);
    const body = fs.readFileSync(path.join(__dirname, '../announcements/testdata/earthquake.cap'));
    // City hall binds each key to its CAP sender.
    const sender = /<sender>([^<]+)</.exec(body.toString('utf8'))![1]!;
    await (hub.capabilities.announcements as AnnouncementsService).setSenderPolicy(
      id,
      { capSender: sender, publish: 'auto' },
      'test',
    );
    const res = await hub.as({ bearer: key })({
      method: 'POST',
      url: '/api/cap',
      headers: { 'content-type': 'application/cap+xml' },
      payload: body,
      remoteAddress: '192.0.2.7',
    });
    expect(res.statusCode).toBe(201);
    const rows = (await hub.ctx.audit.list({})).filter((e) => e.actor.startsWith('apikey:'));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toMatchObject({ ip: '192.0.2.7' });
  });

  it('for commands sent over a staff socket', async () => {
    const household = hub.fixture.households[0]!;
    const now = hub.ctx.clock.now();
    const alertId = (await createWatchStore(hub.ctx.sql).create(
      levelOneAlert(now, {
        kind: 'concern',
        householdId: household,
        districtId: (await hub.stores.households.get(household))!.districtId,
      }),
    ))!;
    socket = await connectStaff(await hub.listen(), await hub.login('watcher'));
    expect(await emitAck<Ack<unknown>>(socket, 'watch:acknowledge', { alertId })).toMatchObject({ ok: true });
    const row = (await hub.ctx.audit.list({})).find((e) => e.action === 'watch.alert_acknowledged');
    expect(row).toMatchObject({ target: `alert:${alertId}`, ip: '127.0.0.1' });
  });
});
