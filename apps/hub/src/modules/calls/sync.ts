/**
 * Where a party's call stands, asked for by a terminal or a console tab after every (re)connect (a
 * reload or a network drop may have missed events; the hub's record is the one to follow), and
 * pushed to each of an operator's tabs whenever it changes. One operator tab holds the call (its
 * camera and peer); the others show it only. A tab that asks while the holding tab is gone takes
 * the call over: with its own peer kept (its network dropped), or a new one (a new tab).
 */
import type { CallMedia, StaffCallSync, TerminalCallSync, User } from '@tsunagu/protocol';
import type { LiveCall, LiveCalls, TerminalParty } from './live-model';

const inCall = (c: LiveCall) => c.record.status === 'connected' || c.record.status === 'ringing_terminal';
const operatorCall = (calls: LiveCalls, userId: number) =>
  [...calls.live.values()].find((c) => c.record.operatorId === userId && inCall(c));

/** How the operator's calls look to one console tab. */
export function staffView(calls: LiveCalls, userId: number, socketId: string): StaffCallSync {
  const { router, views, live } = calls;
  const call = operatorCall(calls, userId);
  const op = router.operator(userId);
  const rung = op?.ringingCallId != null ? live.get(op.ringingCallId) : undefined;
  const ring = rung ? router.entry(rung.record.id)?.ringing : undefined;
  const timeoutMs = ring ? (ring.preferred ? router.config.preferredRingMs : router.config.ringTimeoutMs) : undefined;
  const here = !!call && call.operatorSocketId === socketId;
  const connected = call?.record.status === 'connected';
  return {
    call: call ? views.info(call.record) : null,
    here,
    ringing:
      rung && timeoutMs !== undefined
        ? { ...views.info(rung.record), ringTimeoutSeconds: Math.round(timeoutMs / 1000) }
        : null,
    media: here && connected && call.terminalReady ? { callId: call.record.id, generation: call.generation } : null,
    resident: call && connected ? calls.residentState(call) : null,
    ended: call ? null : (calls.owed.operators.get(userId) ?? null),
  };
}

export interface CallSync {
  terminalSync(p: TerminalParty): TerminalCallSync;
  /** `media`: the peer this tab still runs, if any. */
  staffSync(user: User, socketId: string, media: CallMedia | null): StaffCallSync;
  /** The terminal's peer exists and listens: the holding tab builds a new peer for it. */
  terminalReady(p: TerminalParty, callId: number): { callId: number };
  /** An emergency holds the call on the terminal, or is over. */
  hold(p: TerminalParty, callId: number, held: boolean): ReturnType<LiveCalls['residentState']>;
}

export function createCallSync(calls: LiveCalls): CallSync {
  const { live, views, owed, presence } = calls;
  return {
    terminalSync(p) {
      const ended = owed.terminals.get(p.terminalId) ?? null;
      owed.terminals.delete(p.terminalId);
      for (const c of live.values()) {
        if (c.record.terminalId !== p.terminalId) continue;
        return { call: views.info(c.record), position: views.queuePosition(c.record.id), ended: null };
      }
      return { call: null, position: null, ended };
    },

    staffSync(user, socketId, media) {
      const call = operatorCall(calls, user.id);
      const tabs = presence.staff.get(user.id);
      if (call && (call.operatorSocketId === null || !tabs?.has(call.operatorSocketId))) {
        // The tab that held the call is gone: this one takes it over.
        call.operatorSocketId = socketId;
        if (media?.callId === call.record.id) call.generation = Math.max(call.generation, media.generation);
        else call.generation += 1;
        calls.pushStaff(user.id);
      }
      const view = staffView(calls, user.id, socketId);
      if (!call) owed.operators.delete(user.id);
      return view;
    },

    terminalReady(p, callId) {
      const call = calls.terminalCall(p, callId);
      if (call.record.status === 'connected') {
        call.terminalReady = true;
        call.generation += 1;
        calls.pushStaff(call.record.operatorId);
      }
      return { callId };
    },

    hold(p, callId, held) {
      const call = calls.terminalCall(p, callId);
      call.residentHeld = held;
      calls.pushStaff(call.record.operatorId);
      return calls.residentState(call);
    },
  };
}
