/** A call in progress: hanging up, relaying WebRTC signals between its two parties only, and ICE servers (TURN credentials). */
import { createHmac } from 'node:crypto';
import type { CallSignal, IceServersResponse } from '@tsunagu/protocol';
import type { HubContext } from '../../context';
import { rooms } from '../../plugins/socket';
import { fail, type LiveCalls, type StaffParty, type TerminalParty } from './live-model';

export interface InCall {
  hangUp(p: TerminalParty | StaffParty, callId: number): { callId: number };
  /** Relays a WebRTC signal to the other party of the call, and to nobody else. */
  relaySignal(p: TerminalParty | StaffParty, msg: CallSignal): { delivered: true };
  iceServers(actor: string): IceServersResponse;
}

export function createInCall(calls: LiveCalls): InCall {
  const { ctx } = calls;
  const callOf = (p: TerminalParty | StaffParty, callId: number) =>
    p.kind === 'terminal' ? calls.terminalCall(p, callId) : calls.staffCall(p, callId);

  return {
    hangUp(p, callId) {
      const call = callOf(p, callId);
      if (call.record.status !== 'connected' && call.record.status !== 'ringing_terminal')
        throw fail(409, 'CALL_NOT_CONNECTED', 'This call is not connected.');
      calls.finish(call, 'ended', p.kind === 'terminal' ? 'hung_up_by_resident' : 'hung_up_by_operator');
      return { callId };
    },

    relaySignal(p, msg) {
      const call = callOf(p, msg.callId);
      if (call.record.status !== 'connected') throw fail(409, 'CALL_NOT_CONNECTED', 'This call is not connected.');
      if (p.kind === 'terminal') {
        const target = call.operatorSocketId
          ? ctx.sockets.staff.to(call.operatorSocketId)
          : ctx.sockets.staff.to(rooms.user(call.record.operatorId!));
        target.emit('call:signal', msg);
      } else {
        // Only the tab that holds the call runs its peer; another tab of the same operator shows it.
        if (call.operatorSocketId !== null && call.operatorSocketId !== p.socketId)
          throw fail(409, 'CALL_ON_ANOTHER_TAB', 'This call is held on another console tab.');
        call.operatorSocketId = p.socketId;
        // A peer rebuilt on the console goes on from its own generation: a later new one starts above it.
        call.generation = Math.max(call.generation, msg.generation);
        ctx.sockets.terminals.to(rooms.terminal(call.record.terminalId!)).emit('call:signal', msg);
      }
      return { delivered: true as const };
    },

    iceServers: (actor) => iceServers(ctx, actor),
  };
}

/** STUN/TURN servers for a call's peer, with TURN credentials for `actor` when a TURN secret is set. */
export function iceServers(ctx: HubContext, actor: string): IceServersResponse {
  const servers: IceServersResponse['iceServers'] = ctx.config.iceServers.map((s) => ({ ...s }));
  const turn = ctx.config.turn;
  if (!turn) return { iceServers: servers, ttlSeconds: null };
  // coturn `use-auth-secret`: username "expiry:id", password base64(HMAC-SHA1(secret, username)).
  const username = `${Math.floor(ctx.clock.now() / 1000) + turn.ttlSeconds}:${actor}`;
  const credential = createHmac('sha1', turn.secret).update(username).digest('base64');
  servers.push({ urls: turn.urls, username, credential });
  return { iceServers: servers, ttlSeconds: turn.ttlSeconds };
}
