/**
 * City hall's fleet view (issue 13): what each terminal reports on connecting (app and protocol
 * version, address), the household's last check-in, a volume test answered by the resident on the
 * terminal, remote restart, and replace (revoke + a new enrollment code for the same household).
 */

import { Value } from '@sinclair/typebox/value';
import { AppVersion, PROTOCOL_VERSION } from '@tsunagu/protocol';
import type { HubContext } from '../../context';
import { AppError, notFound } from '../../lib/errors';
import { actorName, cityhall, terminalOf } from '../../lib/principal';
import type { TableRoutes } from '../../lib/route';
import { rooms } from '../../plugins/socket';
import { batchedWrites } from './batched';
import type { TerminalsService } from './service';
import type { TerminalReport, TerminalsStore } from './store';

export function registerFleet(
  add: TableRoutes,
  ctx: HubContext,
  deps: { service: TerminalsService; store: TerminalsStore },
): void {
  const { service, store } = deps;

  // Reports are written once per turn of the event loop, like presence (batched.ts).
  const report = batchedWrites<TerminalReport>(
    ctx,
    'terminal reports',
    (r) => r.terminalId,
    (reports) => store.saveReports(reports),
  );

  ctx.sockets.onTerminalConnection(({ socket, principal }) => {
    if (principal.kind !== 'terminal') return;
    const { terminalId } = principal;
    const claimed = (socket.handshake.auth as { appVersion?: unknown } | undefined)?.appVersion;
    report({
      terminalId,
      // Anything that is not a plain version string is not shown to staff.
      appVersion: Value.Check(AppVersion, claimed) ? claimed : null,
      protocolVersion: PROTOCOL_VERSION,
      address: socket.data.address ?? null,
      at: ctx.clock.now(),
    });
  });
  ctx.sockets.terminalCommand('terminal:answerVolumeTest', { access: 'terminal' }, async ({ testId, heard }, c) => {
    const { terminalId, householdId } = terminalOf(c.principal);
    const test = await store.answerVolumeTest(testId, terminalId, heard, ctx.clock.now());
    if (!test) throw notFound('volume test');
    ctx.sockets.staff.to(rooms.role('cityhall')).emit('terminal:volumeTestAnswered', { terminalId, householdId, test });
    return {};
  });

  /** The terminal, enrolled and connected now; otherwise a clear error. */
  async function reachable(id: number) {
    const t = await store.get(id);
    if (!t || t.revoked) throw notFound('terminal');
    if (!service.online(t))
      throw new AppError(409, 'TERMINAL_OFFLINE', 'The terminal is not connected now. Try again when it is online.');
    return t;
  }

  add('GET /api/terminals', { access: cityhall }, async () => ({
    // Presence from the shared store (every hub's terminals), or this hub's sockets when newer.
    terminals: (await store.fleet()).map((t) => ({ ...t, online: service.online(t) })),
  }));

  add('POST /api/terminals/:id/volume-test', { access: cityhall }, async (request, reply) => {
    const { id } = request.params;
    await reachable(id);
    const actor = actorName(request.principal);
    const test = await store.createVolumeTest(id, actor, ctx.clock.now());
    ctx.sockets.terminals.to(rooms.terminal(id)).emit('terminal:volumeTest', { testId: test.id });
    await ctx.audit.record({ actor, action: 'terminal.volume_test', target: `terminal:${id}`, ip: request.ip });
    return reply.status(202).send(test);
  });

  add('POST /api/terminals/:id/restart', { access: cityhall }, async (request, reply) => {
    const { id } = request.params;
    await reachable(id);
    ctx.sockets.terminals.to(rooms.terminal(id)).emit('terminal:restart');
    await ctx.audit.record({
      actor: actorName(request.principal),
      action: 'terminal.restart',
      target: `terminal:${id}`,
      ip: request.ip,
    });
    return reply.status(202).send({ ok: true as const });
  });

  add('POST /api/terminals/:id/replace', { access: cityhall }, async (request, reply) => {
    const { id } = request.params;
    const t = await store.get(id);
    if (!t) throw notFound('terminal');
    const actor = actorName(request.principal);
    // The code first: a closed household refuses it before anything is revoked.
    const { code, expiresAt } = await service.issueCode(t.householdId, actor);
    if (!t.revoked) await service.revoke(id);
    await ctx.audit.record({
      actor,
      action: 'terminal.replaced',
      target: `terminal:${id}`,
      ip: request.ip,
      detail: { householdId: t.householdId },
    });
    return reply.status(201).send({ code, householdId: t.householdId, expiresAt: new Date(expiresAt).toISOString() });
  });
}
