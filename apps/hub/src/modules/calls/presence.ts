/**
 * Who is connected: a terminal or operator that reconnects is told where its call stands; one
 * that goes away leaves the queue (a caller) or has a grace period before its call ends. The
 * operator sees the resident's terminal drop and come back; a console tab that closes hands the
 * call (camera and peer) to another open tab of the same operator.
 */
import type { User } from '@tsunagu/protocol';
import type { TerminalEmit } from '../../plugins/socket';
import { endAfterGrace, leaveAfterGrace } from './grace';
import { isOperator, type LiveCalls, type TerminalParty } from './live-model';

export interface CallPresence {
  /** `socketId`: which socket (several hubs, calls/cluster.ts, keep one report per socket). */
  terminalConnected(p: TerminalParty, emit: TerminalEmit, socketId?: string): void;
  /** `hubLost`: the hub holding the socket is gone, the terminal may be back through another at once. */
  terminalDisconnected(p: TerminalParty, socketId?: string, hubLost?: boolean): void;
  staffConnected(user: User, socketId: string): void;
  staffDisconnected(user: User, socketId: string): void;
}

export function createCallPresence(calls: LiveCalls): CallPresence {
  const { router, views, live, owed, presence } = calls;
  const { clock, sockets } = calls.ctx;
  const callsOf = (terminalId: number) => [...live.values()].filter((c) => c.record.terminalId === terminalId);

  return {
    terminalConnected(p, emit) {
      presence.terminals.set(p.terminalId, (presence.terminals.get(p.terminalId) ?? 0) + 1);
      const ended = owed.terminals.get(p.terminalId);
      if (ended) emit('call:ended', ended);
      for (const c of callsOf(p.terminalId)) {
        c.terminalGrace?.cancel();
        c.terminalGrace = null;
        // Tell a reconnecting terminal where it was: waiting, being rung, or in a call.
        if (c.record.status === 'waiting' || c.record.status === 'callback_requested') {
          // The table says a position, never null (a call no longer queued has none to report).
          const pos = views.queuePosition(c.record.id);
          if (pos) emit('call:queueUpdated', pos);
        } else if (c.record.status === 'ringing_terminal') emit('call:incoming', views.info(c.record));
        else if (c.record.status === 'connected') {
          emit('call:connected', views.info(c.record));
          calls.pushStaff(c.record.operatorId); // the resident is back
        }
      }
    },

    terminalDisconnected(p, _socketId, hubLost = false) {
      const n = (presence.terminals.get(p.terminalId) ?? 1) - 1;
      if (n > 0) {
        presence.terminals.set(p.terminalId, n);
        return;
      }
      presence.terminals.delete(p.terminalId);
      for (const c of callsOf(p.terminalId)) {
        if (c.record.status === 'waiting' && hubLost) {
          c.terminalGrace?.cancel();
          c.terminalGrace = leaveAfterGrace(calls, c);
        } else if (c.record.status === 'waiting') {
          // A caller who goes away leaves the queue at once; a callback request stays.
          router.leave(c.record.id);
          live.delete(c.record.id);
          calls.update(c, 'abandoned', { endedAt: clock.now(), endReason: 'connection_lost' });
        } else if (c.record.status === 'connected' || c.record.status === 'ringing_terminal') {
          c.terminalGrace?.cancel();
          c.terminalGrace = endAfterGrace(calls, c, 'resident');
          calls.pushStaff(c.record.operatorId); // the operator sees why the resident froze
        }
      }
    },

    staffConnected(user, socketId) {
      if (!isOperator(user)) return;
      calls.views.rememberUser(user);
      const ended = owed.operators.get(user.id);
      if (ended) sockets.staff.to(socketId).emit('call:ended', ended);
      const set = presence.staff.get(user.id) ?? new Set<string>();
      presence.staff.set(user.id, set);
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
      const set = presence.staff.get(user.id);
      if (!set) return;
      set.delete(socketId);
      if (set.size > 0) {
        // Another tab is open: the call it was holding moves there, with a new peer.
        for (const c of live.values()) {
          if (c.record.operatorId !== user.id || c.operatorSocketId !== socketId) continue;
          c.operatorSocketId = [...set][0]!;
          c.generation += 1;
        }
        calls.pushStaff(user.id);
        return;
      }
      presence.staff.delete(user.id);
      router.operatorOffline(user.id);
      for (const c of [...live.values()]) {
        if (c.record.operatorId !== user.id) continue;
        if (c.record.status !== 'connected' && c.record.status !== 'ringing_terminal') continue;
        c.operatorGrace?.cancel();
        c.operatorGrace = endAfterGrace(calls, c, 'operator');
      }
    },
  };
}
