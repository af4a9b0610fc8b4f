/**
 * The staff namespace keeps what a console missed for two minutes (connection-state recovery), but
 * not the notices every console asks for again on connect (staff-recovery.ts): a console back within
 * the two minutes is sent the missed order, not the missed queue view.
 */
import { STAFF_NAMESPACE } from '@tsunagu/protocol';
import type { Namespace } from 'socket.io';
import { io as ioClient, type Socket } from 'socket.io-client';
import { createTestHub, type TestHub } from '../testing/harness';
import { until } from '../testing/until';
import { rooms } from './socket';
import { RESYNCED_ON_CONNECT } from './staff-recovery';

describe('staff connection-state recovery', () => {
  let hub: TestHub;
  let console_: Socket | null = null;
  beforeEach(async () => {
    hub = await createTestHub({ backgroundJobs: false });
  });
  afterEach(async () => {
    console_?.close();
    await hub.close();
  });

  it('keeps a missed order for a console that comes back, not a missed queue view; both reach a connected console', async () => {
    const session = await hub.login('cityhall');
    await session.stored;
    const nsp = hub.ctx.sockets.staff as unknown as Namespace;
    const packets = () => (nsp.adapter as unknown as { packets: unknown[] }).packets.length;
    const toConsole = (event: string, payload: unknown) => nsp.to(rooms.user(session.userId)).emit(event, payload);

    const heard: [string, unknown[]][] = [];
    const socket = ioClient(`${await hub.listen()}${STAFF_NAMESPACE}`, {
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 50,
      reconnectionDelayMax: 50,
      extraHeaders: { cookie: session.cookie },
    });
    console_ = socket;
    socket.onAny((event: string, ...args: unknown[]) => heard.push([event, args]));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    await until(() => nsp.sockets.size === 1);
    const kept = packets();

    // Connected: both reach the console; only the order is kept, and only it carries an offset.
    expect(RESYNCED_ON_CONNECT.has('call:queueChanged')).toBe(true);
    toConsole('call:queueChanged', { shopId: 1, n: 1 });
    toConsole('order:changed', { id: 1 });
    await until(() => heard.length === 2);
    expect(heard.map(([e, args]) => [e, args[0]])).toEqual([
      ['call:queueChanged', { shopId: 1, n: 1 }],
      ['order:changed', { id: 1 }],
    ]);
    expect(heard[0]![1]).toHaveLength(1);
    expect(heard[1]![1]).toHaveLength(2); // the recovery offset after the payload
    expect(packets()).toBe(kept + 1);

    // The connection drops (not a sign-out); meanwhile both are sent again.
    heard.length = 0;
    socket.io.engine.close();
    await until(() => nsp.sockets.size === 0);
    toConsole('call:queueChanged', { shopId: 1, n: 2 });
    toConsole('order:changed', { id: 2 });
    expect(packets()).toBe(kept + 2);

    // Back within two minutes: recovered, sent the missed order, not the queue view (the calls page
    // asks for the queues again on connect).
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    expect(socket.recovered).toBe(true);
    await until(() => heard.length >= 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(heard.map(([e, args]) => [e, args[0]])).toEqual([['order:changed', { id: 2 }]]);
  });
});
