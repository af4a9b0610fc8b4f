/** Socket.IO commands for calls, on the terminal and staff namespaces. */
import type { HubContext } from '../../context';
import { actorName } from '../../lib/principal';
import type { StaffParty, TerminalParty } from './live-model';
import { callTakers } from './routes';
import type { CallsService } from './service';

export function registerCallSockets(ctx: HubContext, calls: CallsService): void {
  // A command that changes a call answers once the change is stored (persisted first, then acknowledged).
  const stored = async <T>(result: T | Promise<T>): Promise<T> => {
    const answer = await result;
    await calls.committed();
    return answer;
  };
  ctx.sockets.onTerminalConnection(({ socket, principal, on }) => {
    if (principal.kind !== 'terminal') return;
    const party: TerminalParty = {
      kind: 'terminal',
      terminalId: principal.terminalId,
      householdId: principal.householdId,
    };
    // A few retries at once, then one every 10 s: a stuck button or a stolen credential cannot flood the queues.
    const callRate = { burst: 5, perSecond: 1 / 10 };
    on('call:request', { access: 'terminal', rateLimit: callRate }, (p) => stored(calls.request(party, p.shopId)));
    on('call:requestCallback', { access: 'terminal', rateLimit: callRate }, (p) =>
      stored(calls.requestCallback(party, p.callId)),
    );
    on('call:cancel', { access: 'terminal' }, (p) => stored(calls.cancel(party, p.callId)));
    on('call:accept', { access: 'terminal' }, (p) => stored(calls.accept(party, p.callId)));
    on('call:decline', { access: 'terminal' }, (p) => stored(calls.declineIncoming(party, p.callId)));
    on('call:hangUp', { access: 'terminal' }, (p) => stored(calls.hangUp(party, p.callId)));
    on('call:signal', { access: 'terminal' }, (p) => calls.relaySignal(party, p));
    on('call:iceServers', { access: 'terminal' }, () => calls.iceServers(actorName(principal)));
    on('call:sync', { access: 'terminal' }, () => calls.terminalSync(party));
    on('call:ready', { access: 'terminal' }, (p) => calls.terminalReady(party, p.callId));
    on('call:hold', { access: 'terminal' }, (p) => calls.hold(party, p.callId, p.held));
    calls.terminalConnected(party, (event, ...args) => socket.emit(event, ...args));
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
    on('call:setAvailability', { access: 'staff' }, (p) => stored(calls.setAvailability(user, p.availability)));
    on('call:endAfterCallWork', { access: 'staff' }, () => stored(calls.endAfterCallWork(user)));
    on('call:answer', { access: 'staff' }, (p) => stored(calls.answer(party, p.callId)));
    on('call:decline', { access: 'staff' }, (p) => stored(calls.declineRing(party, p.callId)));
    on('call:hangUp', { access: 'staff' }, (p) => stored(calls.hangUp(party, p.callId)));
    on('call:callBack', { access: 'staff' }, async (p) => {
      const call = await stored(calls.callBack(party, p));
      // Calling a resident is reaching into their home: recorded like every privileged action.
      await ctx.audit.record({
        actor: actorName(principal),
        action: 'call.called_back',
        target: `household:${call.householdId}`,
        detail: { callId: call.callId, ...(p.orderId !== undefined ? { orderId: p.orderId } : {}) },
      });
      return call;
    });
    on('call:signal', { access: 'staff' }, (p) => calls.relaySignal(party, p));
    on('call:iceServers', { access: callTakers }, () => calls.iceServers(actorName(principal)));
    on('call:sync', { access: callTakers }, (p) => calls.staffSync(user, socket.id, p.media));
    calls.staffConnected(user, socket.id);
    socket.on('disconnect', () => calls.staffDisconnected(user, socket.id));
  });
}
