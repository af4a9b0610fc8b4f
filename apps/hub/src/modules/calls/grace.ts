/** A party gone from a call or the queue, given the reconnect grace period to come back. */
import { type LiveCall, type LiveCalls, RECONNECT_GRACE_MS } from './live-model';

/** Ends the call unless the party that went away is back within the grace period. */
export const endAfterGrace = (calls: LiveCalls, c: LiveCall, lost: 'resident' | 'operator') =>
  calls.ctx.clock.setTimeout(() => {
    if (calls.live.get(c.record.id) !== c) return;
    calls.finish(c, 'ended', 'connection_lost', lost);
    calls.flushNow();
  }, RECONNECT_GRACE_MS);

/** A waiting caller whose terminal is not heard of again within the grace period leaves the queue. */
export function leaveAfterGrace(calls: LiveCalls, c: LiveCall) {
  return calls.ctx.clock.setTimeout(() => {
    if (calls.live.get(c.record.id) !== c || c.record.status !== 'waiting') return;
    calls.router.leave(c.record.id);
    calls.live.delete(c.record.id);
    calls.update(c, 'abandoned', { endedAt: calls.ctx.clock.now(), endReason: 'connection_lost' });
    calls.flushNow();
  }, RECONNECT_GRACE_MS);
}
