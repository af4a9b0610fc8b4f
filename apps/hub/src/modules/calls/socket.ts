/** Socket.IO commands for calls, on the terminal and staff namespaces. */
import { Type } from '@sinclair/typebox';
import { CallbackBody, CallIdBody, CallRequestBody, CallSignal, SetAvailabilityBody } from '@tsunagu/protocol';
import type { HubContext } from '../../context';
import { actorName } from '../../lib/principal';
import type { CallsService, StaffParty, TerminalParty } from './service';

const Empty = Type.Object({}, { additionalProperties: false });

export function registerCallSockets(ctx: HubContext, calls: CallsService): void {
  ctx.sockets.onTerminalConnection(({ socket, principal, on }) => {
    if (principal.kind !== 'terminal') return;
    const party: TerminalParty = {
      kind: 'terminal',
      terminalId: principal.terminalId,
      householdId: principal.householdId,
    };
    // A few retries at once, then one every 10 s: a stuck button or a stolen credential cannot flood the queues.
    const callRate = { burst: 5, perSecond: 1 / 10 };
    on('call:request', { access: 'terminal', schema: CallRequestBody, rateLimit: callRate }, (p) =>
      calls.request(party, p.shopId),
    );
    on('call:requestCallback', { access: 'terminal', schema: CallIdBody, rateLimit: callRate }, (p) =>
      calls.requestCallback(party, p.callId),
    );
    on('call:cancel', { access: 'terminal', schema: CallIdBody }, (p) => calls.cancel(party, p.callId));
    on('call:accept', { access: 'terminal', schema: CallIdBody }, (p) => calls.accept(party, p.callId));
    on('call:decline', { access: 'terminal', schema: CallIdBody }, (p) => calls.declineIncoming(party, p.callId));
    on('call:hangUp', { access: 'terminal', schema: CallIdBody }, (p) => calls.hangUp(party, p.callId));
    on('call:signal', { access: 'terminal', schema: CallSignal }, (p) => calls.relaySignal(party, p));
    on('call:iceServers', { access: 'terminal', schema: Empty }, () => calls.iceServers(actorName(principal)));
    calls.terminalConnected(party, (event, payload) => socket.emit(event, payload));
  });
  ctx.sockets.onTerminalDisconnect(({ principal }) => {
    if (principal.kind === 'terminal')
      calls.terminalDisconnected({
        kind: 'terminal',
        terminalId: principal.terminalId,
        householdId: principal.householdId,
      });
  });

  ctx.sockets.onStaffConnection(({ socket, principal, on }) => {
    if (principal.kind !== 'user') return;
    const user = principal.user;
    const party: StaffParty = { kind: 'user', user, socketId: socket.id };
    on('call:setAvailability', { access: 'staff', schema: SetAvailabilityBody }, (p) =>
      calls.setAvailability(user, p.availability),
    );
    on('call:endAfterCallWork', { access: 'staff', schema: Empty }, () => calls.endAfterCallWork(user));
    on('call:answer', { access: 'staff', schema: CallIdBody }, (p) => calls.answer(party, p.callId));
    on('call:decline', { access: 'staff', schema: CallIdBody }, (p) => calls.declineRing(party, p.callId));
    on('call:hangUp', { access: 'staff', schema: CallIdBody }, (p) => calls.hangUp(party, p.callId));
    on('call:callBack', { access: 'staff', schema: CallbackBody }, (p) => calls.callBack(party, p));
    on('call:signal', { access: 'staff', schema: CallSignal }, (p) => calls.relaySignal(party, p));
    on('call:iceServers', { access: 'staff', schema: Empty }, () => calls.iceServers(actorName(principal)));
    calls.staffConnected(user, socket.id);
    socket.on('disconnect', () => calls.staffDisconnected(user, socket.id));
  });
}
