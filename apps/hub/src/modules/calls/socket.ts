/** Socket.IO commands for calls, on the terminal and staff namespaces. */
import type { HubContext } from '../../context';
import { actorName, type Principal, terminalOf } from '../../lib/principal';
import type { StaffParty, TerminalParty } from './live-model';
import { callTakers } from './routes';
import type { Calls } from './service';

/** The calling terminal, as the calls module names it. */
function partyOf(principal: Principal): TerminalParty {
  const { terminalId, householdId } = terminalOf(principal);
  return { kind: 'terminal', terminalId, householdId };
}

export function registerCallSockets(ctx: HubContext, calls: Calls): void {
  // A command that changes a call answers once the change is stored (persisted first, then acknowledged).
  const stored = async <T>(result: T | Promise<T>): Promise<T> => {
    const answer = await result;
    await calls.committed();
    return answer;
  };
  // The terminal's commands are registered once for every terminal socket: the caller comes from
  // the command's context, so a connection keeps nothing of its own for them (issue 17).
  const command = ctx.sockets.terminalCommand;
  // A few retries at once, then one every 10 s: a stuck button or a stolen credential cannot flood the queues.
  const callRate = { burst: 5, perSecond: 1 / 10 };
  command('call:request', { access: 'terminal', rateLimit: callRate }, (p, c) =>
    stored(calls.request(partyOf(c.principal), p.shopId)),
  );
  command('call:requestCallback', { access: 'terminal', rateLimit: callRate }, (p, c) =>
    stored(calls.requestCallback(partyOf(c.principal), p.callId)),
  );
  command('call:cancel', { access: 'terminal' }, (p, c) => stored(calls.cancel(partyOf(c.principal), p.callId)));
  command('call:accept', { access: 'terminal' }, (p, c) => stored(calls.accept(partyOf(c.principal), p.callId)));
  command('call:decline', { access: 'terminal' }, (p, c) =>
    stored(calls.declineIncoming(partyOf(c.principal), p.callId)),
  );
  command('call:hangUp', { access: 'terminal' }, (p, c) => stored(calls.hangUp(partyOf(c.principal), p.callId)));
  command('call:signal', { access: 'terminal' }, (p, c) => calls.relaySignal(partyOf(c.principal), p));
  command('call:iceServers', { access: 'terminal' }, (_p, c) => calls.iceServers(actorName(c.principal)));
  command('call:sync', { access: 'terminal' }, (_p, c) => calls.terminalSync(partyOf(c.principal)));
  command('call:ready', { access: 'terminal' }, (p, c) => calls.terminalReady(partyOf(c.principal), p.callId));
  command('call:hold', { access: 'terminal' }, (p, c) => calls.hold(partyOf(c.principal), p.callId, p.held));
  ctx.sockets.onTerminalConnection(({ socket, principal }) => {
    if (principal.kind !== 'terminal') return;
    calls.terminalConnected(partyOf(principal), (event, ...args) => socket.emit(event, ...args), socket.id);
  });
  ctx.sockets.onTerminalDisconnect(({ socket, principal }) => {
    if (principal.kind === 'terminal') calls.terminalDisconnected(partyOf(principal), socket.id);
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
        ip: socket.data.address,
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
