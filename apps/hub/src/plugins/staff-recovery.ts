/**
 * The staff namespace's adapter on one hub: Socket.IO's connection-state recovery, without keeping
 * the notices a console asks for again on every connect.
 *
 * Recovery keeps every event sent to a console for two minutes, so that a console back within them
 * is sent what it missed. For the notices below that only repeats what the console already does on
 * every connect, recovered or not — the calls page, the call controller, the watch board, the fleet
 * and the households pages each ask the hub again (`useStaffReconnect`, `call:sync` on 'connect' in
 * apps/console). They are also most of what is sent to consoles: at a busy hour every call change
 * and every turn's queue views, in a check-in peak a board notice per turn. Kept two minutes, they
 * were tens of megabytes of the hub's heap in the bench's call and check-in stages (18,000 notices
 * after the call stage, docs/benchmarks.md, session 14) and moved the garbage collector's work and
 * pauses up for every other client. Everything else (orders, alerts, receipts, …) is kept as before.
 *
 * With several hubs the Redis streams adapter keeps the stream in Redis, not in the hub's heap; it
 * is left as it is.
 */
import type { Namespace } from 'socket.io';
import { Adapter, type BroadcastOptions, SessionAwareAdapter } from 'socket.io-adapter';

/** Notices each console asks for again when its connection comes back (see above). */
export const RESYNCED_ON_CONNECT: ReadonlySet<string> = new Set([
  'call:queueChanged',
  'call:operatorChanged',
  'call:stateChanged',
  'call:ringing',
  'call:ringCancelled',
  'call:connected',
  'call:ended',
  'watch:boardChanged',
  'terminal:presenceChanged',
]);

type Packet = Parameters<Adapter['broadcast']>[0];

export class StaffRecoveryAdapter extends SessionAwareAdapter {
  constructor(nsp: Namespace) {
    // The in-memory adapter's types name their own Namespace; it is Socket.IO's.
    super(nsp as unknown as ConstructorParameters<typeof SessionAwareAdapter>[0]);
  }

  override broadcast(packet: Packet, opts: BroadcastOptions): void {
    const event = packet.type === 2 && Array.isArray(packet.data) ? packet.data[0] : undefined;
    // Sent as the plain adapter sends it: not kept, and without a recovery offset.
    if (typeof event === 'string' && RESYNCED_ON_CONNECT.has(event))
      Adapter.prototype.broadcast.call(this, packet, opts);
    else super.broadcast(packet, opts);
  }
}
