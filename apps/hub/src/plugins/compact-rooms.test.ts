/**
 * Rooms of one member without a Set (compact-rooms.ts): the same rooms, memberships and room events
 * as Socket.IO's own in-memory adapter after any sequence of joins and leaves, and the same
 * receivers for a broadcast.
 */
import { Server, type Socket } from 'socket.io';
import { Adapter, type BroadcastOptions, type Room, type SocketId } from 'socket.io-adapter';
import { CompactRoomsAdapter, OneMember } from './compact-rooms';

/** Each adapter's rooms and memberships as plain sorted lists. */
function state(adapter: Adapter) {
  const rooms = [...adapter.rooms.entries()].map(([room, members]) => [room, [...members].sort()] as const).sort();
  const sids = [...adapter.sids.entries()].map(([id, joined]) => [id, [...joined].sort()] as const).sort();
  return { rooms, sids };
}

/** A small deterministic random sequence (the same on every run). */
function random(seed: number) {
  let s = seed;
  return (n: number) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return Math.floor((s / 2 ** 31) * n);
  };
}

describe('compact rooms', () => {
  // Not attached to an HTTP server: nothing listens, nothing to close.
  const io = new Server();

  function pair() {
    const nsp = io.of(`/t${Math.random()}`);
    const plain = new Adapter(nsp);
    const compact = new CompactRoomsAdapter(nsp);
    const events = new Map<Adapter, string[]>([
      [plain, []],
      [compact, []],
    ]);
    for (const [adapter, seen] of events)
      for (const name of ['create-room', 'delete-room', 'join-room', 'leave-room'])
        adapter.on(name, (room: Room, id?: SocketId) => seen.push(`${name} ${room} ${id ?? ''}`));
    return { nsp, plain, compact, events };
  }

  it('hold what the in-memory adapter holds, and emit the same room events, at every step of 3,000 random joins and leaves', () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
    const roomNames = ['a', 'b', 'terminal:1', 'household:1', 'household:2', 'terminals'];
    /** The same sequence on any adapter: its state after each step. */
    const steps = (adapter: Adapter) => {
      const draw = random(42);
      const after: ReturnType<typeof state>[] = [];
      for (let step = 0; step < 3000; step++) {
        const id = ids[draw(ids.length)]!;
        const op = draw(4);
        const room = roomNames[draw(roomNames.length)]!;
        if (op <= 1) void adapter.addAll(id, new Set([room, id]));
        else if (op === 2) void adapter.del(id, room);
        else adapter.delAll(id);
        after.push(state(adapter));
      }
      return after;
    };
    const { plain, compact, events } = pair();
    expect(steps(compact)).toEqual(steps(plain));
    expect(events.get(compact)).toEqual(events.get(plain));
    expect(events.get(plain)!.length).toBeGreaterThan(1000);
  });

  it('keep a room of one member as a OneMember, two as a Set, and one again as a OneMember', () => {
    const { compact } = pair();
    void compact.addAll('s1', new Set(['s1', 'household:7']));
    expect(compact.rooms.get('household:7')).toBeInstanceOf(OneMember);
    expect(compact.rooms.get('s1')).toBeInstanceOf(OneMember);
    void compact.addAll('s2', new Set(['s2', 'household:7']));
    expect(compact.rooms.get('household:7')).toBeInstanceOf(Set);
    expect([...compact.rooms.get('household:7')!].sort()).toEqual(['s1', 's2']);
    compact.delAll('s1');
    expect(compact.rooms.get('household:7')).toBeInstanceOf(OneMember);
    expect(compact.rooms.get('household:7')!.has('s2')).toBe(true);
    expect(compact.rooms.has('s1')).toBe(false);
    void compact.del('s2', 'household:7');
    expect(compact.rooms.has('household:7')).toBe(false);
    expect([...compact.sids.get('s2')!]).toEqual(['s2']);
  });

  it('reach the receivers the in-memory adapter reaches, for one room, several rooms, exceptions and everyone', () => {
    const { nsp, plain, compact } = pair();
    const sockets = nsp.sockets as Map<SocketId, Socket>;
    for (const id of ['s1', 's2', 's3', 's4']) sockets.set(id, { id } as Socket);
    for (const adapter of [plain, compact]) {
      void adapter.addAll('s1', new Set(['s1', 'household:1', 'terminals']));
      void adapter.addAll('s2', new Set(['s2', 'household:1', 'terminals']));
      void adapter.addAll('s3', new Set(['s3', 'household:2', 'terminals']));
      // A socket in a room but gone from the namespace is skipped.
      void adapter.addAll('gone', new Set(['gone', 'household:2', 'terminals']));
    }
    // The adapter's own walk, over rooms held as a OneMember or a Set.
    const receivers = (adapter: Adapter, opts: BroadcastOptions) => {
      const seen: string[] = [];
      (adapter as unknown as { apply(o: BroadcastOptions, c: (s: Socket) => void): void }).apply(opts, (s) =>
        seen.push(s.id),
      );
      return seen.sort();
    };
    const cases: BroadcastOptions[] = [
      { rooms: new Set(['terminals']) },
      { rooms: new Set(['household:1']) },
      { rooms: new Set(['household:2']) },
      { rooms: new Set(['s3']) },
      { rooms: new Set(['nobody']) },
      { rooms: new Set(['household:1', 'household:2', 's1']) },
      { rooms: new Set(['terminals']), except: new Set(['household:1']) },
      { rooms: new Set() },
    ];
    for (const opts of cases) expect(receivers(compact, opts)).toEqual(receivers(plain, opts));
    expect(receivers(compact, { rooms: new Set(['terminals']) })).toEqual(['s1', 's2', 's3']);
    for (const id of ['s1', 's2', 's3', 's4']) sockets.delete(id);
  });
});
