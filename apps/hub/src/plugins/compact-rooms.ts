/**
 * Rooms of one member without a `Set` (issue 17, memory). Socket.IO's in-memory adapter keeps each
 * room as a `Set` of socket ids; a `Set` with its hash table is about 190 B of heap even for one id.
 * Every socket is alone in its own id's room, and a terminal is alone in its terminal's room and, in
 * most homes, in its household's: three such sets per terminal (docs/benchmarks.md, session 15). Here
 * a room of one member is a small `OneMember` that reads like a `Set` (size, has, forEach, iteration:
 * all the adapter and Socket.IO read of a room); the second member to join turns it into a `Set`, and
 * a `Set` left with one member turns back. Only this adapter writes rooms (addAll, del, delAll), so
 * nothing else ever sees a `OneMember` it would have to change. Broadcasts still walk the rooms the
 * adapter's own way: a walk of its own for one room (without the set of sockets already served)
 * made check-ins at the raw rate slower in the bench (p99 16–41 ms against 9–11 ms, session 15), for
 * no reason found in the time there was.
 */
import { Adapter, type Room, type SocketId } from 'socket.io-adapter';

/** A room with one member, read like the `Set` it stands for. */
export class OneMember {
  constructor(readonly id: SocketId) {}
  get size(): number {
    return 1;
  }
  has(id: SocketId): boolean {
    return id === this.id;
  }
  forEach(callback: (value: SocketId, key: SocketId, set: ReadonlySet<SocketId>) => void): void {
    callback(this.id, this.id, this as unknown as ReadonlySet<SocketId>);
  }
  [Symbol.iterator](): IterableIterator<SocketId> {
    return [this.id][Symbol.iterator]();
  }
  values(): IterableIterator<SocketId> {
    return this[Symbol.iterator]();
  }
  keys(): IterableIterator<SocketId> {
    return this[Symbol.iterator]();
  }
}

type Members = Set<SocketId> | OneMember;

export class CompactRoomsAdapter extends Adapter {
  /** The same map as `rooms`, with what it really holds. */
  private get members(): Map<Room, Members> {
    return this.rooms as Map<Room, Members>;
  }

  override addAll(id: SocketId, rooms: Set<Room>): void {
    let joined = this.sids.get(id);
    if (!joined) {
      joined = new Set();
      this.sids.set(id, joined);
    }
    for (const room of rooms) {
      joined.add(room);
      const members = this.members.get(room);
      if (members === undefined) {
        this.members.set(room, new OneMember(id));
        this.emit('create-room', room);
      } else if (members.has(id)) continue;
      else if (members instanceof OneMember) this.members.set(room, new Set([members.id, id]));
      else members.add(id);
      this.emit('join-room', room, id);
    }
  }

  override del(id: SocketId, room: Room): void {
    this.sids.get(id)?.delete(room);
    this.leave(room, id);
  }

  override delAll(id: SocketId): void {
    const joined = this.sids.get(id);
    if (!joined) return;
    for (const room of joined) this.leave(room, id);
    this.sids.delete(id);
  }

  private leave(room: Room, id: SocketId): void {
    const members = this.members.get(room);
    if (!members?.has(id)) return;
    if (members instanceof OneMember) {
      this.members.delete(room);
      this.emit('leave-room', room, id);
      this.emit('delete-room', room);
      return;
    }
    members.delete(id);
    this.emit('leave-room', room, id);
    if (members.size === 1) this.members.set(room, new OneMember(members.values().next().value as SocketId));
  }
}
