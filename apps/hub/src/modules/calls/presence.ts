/**
 * Who is connected: a terminal or operator that reconnects is told where its call stands; one
 * that goes away leaves the queue (a caller) or has a grace period before its call ends.
 */
import type { User } from '@tsunagu/protocol';
import type { TerminalEmit } from '../../plugins/socket';
import { isOperator, type LiveCall, type LiveCalls, RECONNECT_GRACE_MS, type TerminalParty } from './live';

export interface CallPresence {
  terminalConnected(p: TerminalParty, emit: TerminalEmit): void;
  terminalDisconnected(p: TerminalParty): void;
  staffConnected(user: User, socketId: string): void;
  staffDisconnected(user: User, socketId: string): void;
}

export function createCallPresence(calls: LiveCalls): CallPresence {
  const { router, views, live, endedAtStart } = calls;
  const { clock, sockets } = calls.ctx;
  const terminalSockets = new Map<number, number>();
  const staffSockets = new Map<number, Set<string>>();
  const endAfterGrace = (c: LiveCall) =>
    clock.setTimeout(() => {
      if (live.get(c.record.id) === c) calls.finish(c, 'ended', 'connection_lost');
    }, RECONNECT_GRACE_MS);

  return {
    terminalConnected(p, emit) {
      terminalSockets.set(p.terminalId, (terminalSockets.get(p.terminalId) ?? 0) + 1);
      const endedCall = endedAtStart.terminals.get(p.terminalId);
      if (endedCall !== undefined) {
        endedAtStart.terminals.delete(p.terminalId);
        emit('call:ended', { callId: endedCall, reason: 'connection_lost' });
      }
      for (const c of live.values()) {
        if (c.record.terminalId !== p.terminalId) continue;
        c.terminalGrace?.cancel();
        c.terminalGrace = null;
        // Tell a reconnecting terminal where it was: waiting, being rung, or in a call.
        if (c.record.status === 'waiting' || c.record.status === 'callback_requested') {
          // The table says a position, never null (a call no longer queued has none to report).
          const pos = views.queuePosition(c.record.id);
          if (pos) emit('call:queueUpdated', pos);
        } else if (c.record.status === 'ringing_terminal') emit('call:incoming', views.info(c.record));
        else if (c.record.status === 'connected') emit('call:connected', views.info(c.record));
      }
    },

    terminalDisconnected(p) {
      const n = (terminalSockets.get(p.terminalId) ?? 1) - 1;
      if (n > 0) {
        terminalSockets.set(p.terminalId, n);
        return;
      }
      terminalSockets.delete(p.terminalId);
      for (const c of [...live.values()]) {
        if (c.record.terminalId !== p.terminalId) continue;
        if (c.record.status === 'waiting') {
          // A caller who goes away leaves the queue at once; a callback request stays.
          router.leave(c.record.id);
          live.delete(c.record.id);
          calls.update(c, 'abandoned', { endedAt: clock.now(), endReason: 'connection_lost' });
        } else if (c.record.status === 'connected' || c.record.status === 'ringing_terminal') {
          c.terminalGrace?.cancel();
          c.terminalGrace = endAfterGrace(c);
        }
      }
    },

    staffConnected(user, socketId) {
      if (!isOperator(user)) return;
      const endedCall = endedAtStart.operators.get(user.id);
      if (endedCall !== undefined) {
        endedAtStart.operators.delete(user.id);
        sockets.staff.to(socketId).emit('call:ended', { callId: endedCall, reason: 'connection_lost' });
      }
      const set = staffSockets.get(user.id) ?? new Set<string>();
      staffSockets.set(user.id, set);
      set.add(socketId);
      for (const c of live.values()) {
        if (c.record.operatorId === user.id) {
          c.operatorGrace?.cancel();
          c.operatorGrace = null;
        }
      }
      router.operatorOnline(user.id, user.shopId!);
    },

    staffDisconnected(user, socketId) {
      const set = staffSockets.get(user.id);
      if (!set) return;
      set.delete(socketId);
      if (set.size > 0) return;
      staffSockets.delete(user.id);
      router.operatorOffline(user.id);
      for (const c of [...live.values()]) {
        if (c.record.operatorId !== user.id) continue;
        if (c.record.status !== 'connected' && c.record.status !== 'ringing_terminal') continue;
        c.operatorGrace?.cancel();
        c.operatorGrace = endAfterGrace(c);
      }
    },
  };
}
