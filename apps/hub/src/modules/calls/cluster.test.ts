/**
 * Calls across two hubs on one real PostgreSQL and one real Redis (issue 18): one hub runs the
 * router, the other forwards to it. A caller on one hub reaches an operator on the other, with the
 * signals both ways; with callers and operators on both hubs nobody is offered two calls and both
 * hubs show the same queue; when the router's hub closes, the other takes the waiting callers over.
 */
import type { Ack, CallInfo, QueuePosition, QueueView } from '@tsunagu/protocol';
import type { Socket } from 'socket.io-client';
import type { Hub } from '../../hub';
import {
  as,
  connectStaff,
  connectTerminal,
  emitAck,
  enrollTerminal,
  nextEvent,
  sessionFor,
  TEST_PASSWORD,
  type TestHub,
} from '../../testing/harness';
import { startTwoHubs, type TwoHubs } from '../../testing/two-hubs';
import { until } from '../../testing/until';
import type { CallsCluster } from './cluster';

let cluster: TwoHubs;
let a: TestHub;
let b: Hub;
let urls: Map<Hub, string>;
const sockets: Socket[] = [];

const engineOf = (hub: Hub) => (hub.capabilities.calls as CallsCluster).engine();

describe('calls across two hubs on PostgreSQL and Redis', () => {
  beforeAll(async () => {
    cluster = await startTwoHubs();
    ({ a, b } = cluster);
    urls = new Map<Hub, string>([
      [a, await a.listen()],
      [b, cluster.urlB],
    ]);
    // One hub runs the router (the jobs' leader): the first to start.
    await until(() => engineOf(a) !== null || engineOf(b) !== null, 15_000);
  }, 60_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    await cluster?.close();
  });

  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });

  const router = () => (engineOf(a) ? a : b);
  const follower = () => (engineOf(a) ? b : a);

  let households = 0;
  async function terminalOn(hub: Hub) {
    households += 1;
    const householdId = await a.stores.households.create(
      { name: `二拠点${households}`, address: 'x', districtId: a.fixture.districts[0]!, residents: [] } as never,
      Date.now(),
    );
    const t = await connectTerminal(urls.get(hub)!, (await enrollTerminal(hub, householdId)).credential);
    sockets.push(t);
    return t;
  }
  let operators = 0;
  async function operatorOn(hub: Hub): Promise<{ id: number; socket: Socket }> {
    operators += 1;
    const u = await a.services.accounts.createUser({
      username: `cluster-op-${operators}`,
      displayName: `op${operators}`,
      password: TEST_PASSWORD,
      role: 'operator',
      shopId: a.fixture.shopId,
    });
    // Sessions without the password: sign-ins count against one limit across the hubs (Redis).
    const socket = await connectStaff(urls.get(hub)!, sessionFor(hub, u.id));
    sockets.push(socket);
    return { id: u.id, socket };
  }
  const ok = <T>(r: Ack<T>): T => {
    if (!r.ok) throw new Error(`refused: ${r.error.code} ${r.error.message}`);
    return r.data;
  };

  describe.each([
    ['the caller on the hub that forwards, the operator on the router’s hub', follower, router],
    ['the caller on the router’s hub, the operator on the hub that forwards', router, follower],
  ])('a call across hubs: %s', (_name, callerHub, operatorHub) => {
    it('rings the operator, connects both, relays the signals both ways and ends on both sides', async () => {
      const op = await operatorOn(operatorHub());
      const t = await terminalOn(callerHub());
      ok(await emitAck<Ack<unknown>>(op.socket, 'call:setAvailability', { availability: 'available' }));
      const ringing = nextEvent<CallInfo>(op.socket, 'call:ringing');
      const connected = nextEvent<CallInfo>(t, 'call:connected');
      const { callId } = ok(await emitAck<Ack<QueuePosition>>(t, 'call:request', { shopId: a.fixture.shopId }));
      expect((await ringing).callId).toBe(callId);
      ok(await emitAck<Ack<CallInfo>>(op.socket, 'call:answer', { callId }));
      expect((await connected).callId).toBe(callId);

      const offer = { type: 'offer', sdp: 'v=0 offer' };
      const atOperator = nextEvent(op.socket, 'call:signal');
      ok(await emitAck<Ack<unknown>>(t, 'call:signal', { callId, generation: 0, signal: offer }));
      expect(await atOperator).toEqual({ callId, generation: 0, signal: offer });
      const answer = { type: 'answer', sdp: 'v=0 answer' };
      const atTerminal = nextEvent(t, 'call:signal');
      ok(await emitAck<Ack<unknown>>(op.socket, 'call:signal', { callId, generation: 0, signal: answer }));
      expect(await atTerminal).toEqual({ callId, generation: 0, signal: answer });

      const endedOnTerminal = nextEvent<{ callId: number; reason: string }>(t, 'call:ended');
      const endedOnOperator = nextEvent<{ callId: number; reason: string }>(op.socket, 'call:ended');
      ok(await emitAck<Ack<unknown>>(t, 'call:hangUp', { callId }));
      expect(await endedOnTerminal).toEqual({ callId, reason: 'hung_up_by_resident' });
      expect(await endedOnOperator).toEqual({ callId, reason: 'hung_up_by_resident' });
      expect((await a.capabilities.calls.record(callId))?.status).toBe('ended');
    });
  });

  describe('callers and operators on both hubs', () => {
    it('offers no operator two calls, connects every caller once, and shows one queue on both hubs', async () => {
      const ops = [await operatorOn(a), await operatorOn(b)];
      const callers: Socket[] = [];
      for (let i = 0; i < 6; i++) callers.push(await terminalOn(i % 2 === 0 ? a : b));
      const asked = await Promise.all(
        callers.map(async (t) =>
          ok(await emitAck<Ack<QueuePosition>>(t, 'call:request', { shopId: a.fixture.shopId })),
        ),
      );
      // Nobody is available yet: city hall sees the same six callers waiting on either hub.
      const waitingOn = async (hub: Hub) => {
        const res = await as(
          hub,
          sessionFor(hub, a.fixture.users.cityhall),
        )({
          method: 'GET',
          url: `/api/calls/queues/${a.fixture.shopId}`,
        });
        return (res.json() as QueueView).figures.waitingNow;
      };
      expect([await waitingOn(a), await waitingOn(b)]).toEqual([6, 6]);

      const current = new Map<number, number | null>();
      const overlaps: string[] = [];
      const answeredBy = new Map<number, number[]>();
      let done = 0;
      const allDone = new Promise<void>((resolve) => {
        for (const op of ops) {
          current.set(op.id, null);
          op.socket.on('call:ringing', async (info: CallInfo) => {
            if (current.get(op.id) !== null)
              overlaps.push(`operator ${op.id} offered ${info.callId} while in ${current.get(op.id)}`);
            current.set(op.id, info.callId);
            // The other operator tries to take it too: refused, it rings for this one only.
            const other = ops.find((o) => o !== op)!;
            const grab = await emitAck<Ack<CallInfo>>(other.socket, 'call:answer', { callId: info.callId });
            if (grab.ok) overlaps.push(`operator ${other.id} answered ${info.callId} that rang for ${op.id}`);
            ok(await emitAck<Ack<CallInfo>>(op.socket, 'call:answer', { callId: info.callId }));
            answeredBy.set(info.callId, [...(answeredBy.get(info.callId) ?? []), op.id]);
            ok(await emitAck<Ack<unknown>>(op.socket, 'call:hangUp', { callId: info.callId }));
            current.set(op.id, null);
            done += 1;
            if (done === callers.length) resolve();
            else ok(await emitAck<Ack<unknown>>(op.socket, 'call:endAfterCallWork', {}));
          });
        }
      });
      for (const op of ops)
        ok(await emitAck<Ack<unknown>>(op.socket, 'call:setAvailability', { availability: 'available' }));
      await allDone;
      expect(overlaps).toEqual([]);
      expect([...answeredBy.keys()].sort()).toEqual(asked.map((p) => p.callId).sort());
      expect([...answeredBy.values()].every((by) => by.length === 1)).toBe(true);
      // Both operators took calls: the router saw the operator on the other hub too.
      expect(new Set([...answeredBy.values()].flat()).size).toBe(2);
      expect([await waitingOn(a), await waitingOn(b)]).toEqual([0, 0]);
    }, 30_000);
  });

  describe('the router’s hub closes', () => {
    it('the other hub takes the router over: the call in progress goes on, the waiting caller is answered', async () => {
      const leader = router();
      const other = follower();
      const inCall = await operatorOn(other);
      const first = await terminalOn(other);
      const second = await terminalOn(other);
      const connected = nextEvent<CallInfo>(first, 'call:connected');
      ok(await emitAck<Ack<unknown>>(inCall.socket, 'call:setAvailability', { availability: 'available' }));
      const ringing = nextEvent<CallInfo>(inCall.socket, 'call:ringing');
      const { callId } = ok(await emitAck<Ack<QueuePosition>>(first, 'call:request', { shopId: a.fixture.shopId }));
      expect((await ringing).callId).toBe(callId);
      ok(await emitAck<Ack<CallInfo>>(inCall.socket, 'call:answer', { callId }));
      await connected;
      const waiting = ok(await emitAck<Ack<QueuePosition>>(second, 'call:request', { shopId: a.fixture.shopId }));

      await (leader === a ? a.close() : b.app.close());
      cluster.closed.add(leader);
      await until(() => engineOf(other) !== null, 15_000);

      // The call in progress goes on under the new router, and ends on both sides.
      const endedOnTerminal = nextEvent<{ callId: number }>(first, 'call:ended');
      const endedOnOperator = nextEvent<{ callId: number }>(inCall.socket, 'call:ended');
      ok(await emitAck<Ack<unknown>>(inCall.socket, 'call:hangUp', { callId }));
      expect((await endedOnTerminal).callId).toBe(callId);
      expect((await endedOnOperator).callId).toBe(callId);
      // The operator was available (as stored in Redis): after the call, the waiting caller rings for them.
      const next = nextEvent<CallInfo>(inCall.socket, 'call:ringing');
      ok(await emitAck<Ack<unknown>>(inCall.socket, 'call:endAfterCallWork', {}));
      expect((await next).callId).toBe(waiting.callId);
      const secondConnected = nextEvent<CallInfo>(second, 'call:connected');
      ok(await emitAck<Ack<CallInfo>>(inCall.socket, 'call:answer', { callId: waiting.callId }));
      expect((await secondConnected).callId).toBe(waiting.callId);
    }, 40_000);
  });
});
