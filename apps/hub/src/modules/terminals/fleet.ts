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
import type { TerminalsService } from './service';
import type { TerminalsStore } from './store';

export function registerFleet(
  add: TableRoutes,
  ctx: HubContext,
  deps: { service: TerminalsService; store: TerminalsStore },
): void {
  const { service, store } = deps;

  // Reports are written once per turn of the event loop, like presence: a reconnect storm of
  // thousands of terminals is one transaction, not thousands of disk flushes.
  const pending = new Map<number, Parameters<TerminalsStore['saveReports']>[0][number]>();
  let flushing = false;
  function report(r: Parameters<TerminalsStore['saveReports']>[0][number]) {
    pending.set(r.terminalId, r);
    if (flushing) return;
    flushing = true;
    setImmediate(() => {
      flushing = false;
      const reports = [...pending.values()];
      pending.clear();
      if (!ctx.storage.allowsNonEssential('terminal reports')) return;
      try {
        store.saveReports(reports);
      } catch (err) {
        if (!ctx.storage.reportFailure(err, 'terminal reports'))
          ctx.log.warn({ err, terminals: reports.length }, 'could not store terminal reports');
      }
    });
  }

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
  ctx.sockets.terminalCommand('terminal:answerVolumeTest', { access: 'terminal' }, ({ testId, heard }, c) => {
    const { terminalId, householdId } = terminalOf(c.principal);
    const test = store.answerVolumeTest(testId, terminalId, heard, ctx.clock.now());
    if (!test) throw notFound('volume test');
    ctx.sockets.staff.to(rooms.role('cityhall')).emit('terminal:volumeTestAnswered', { terminalId, householdId, test });
    return {};
  });

  /** The terminal, enrolled and connected now; otherwise a clear error. */
  function reachable(id: number) {
    const t = store.get(id);
    if (!t || t.revoked) throw notFound('terminal');
    if (service.connectedCount(id) === 0)
      throw new AppError(409, 'TERMINAL_OFFLINE', 'The terminal is not connected now. Try again when it is online.');
    return t;
  }

  add('GET /api/terminals', { access: cityhall }, async () => ({
    terminals: store.fleet().map((t) => ({ ...t, online: service.connectedCount(t.id) > 0 })),
  }));

  add('POST /api/terminals/:id/volume-test', { access: cityhall }, async (request, reply) => {
    const { id } = request.params;
    reachable(id);
    const actor = actorName(request.principal);
    const test = store.createVolumeTest(id, actor, ctx.clock.now());
    ctx.sockets.terminals.to(rooms.terminal(id)).emit('terminal:volumeTest', { testId: test.id });
    ctx.audit.record({ actor, action: 'terminal.volume_test', target: `terminal:${id}`, ip: request.ip });
    return reply.status(202).send(test);
  });

  add('POST /api/terminals/:id/restart', { access: cityhall }, async (request, reply) => {
    const { id } = request.params;
    reachable(id);
    ctx.sockets.terminals.to(rooms.terminal(id)).emit('terminal:restart');
    ctx.audit.record({
      actor: actorName(request.principal),
      action: 'terminal.restart',
      target: `terminal:${id}`,
      ip: request.ip,
    });
    return reply.status(202).send({ ok: true as const });
  });

  add('POST /api/terminals/:id/replace', { access: cityhall }, async (request, reply) => {
    const { id } = request.params;
    const t = store.get(id);
    if (!t) throw notFound('terminal');
    const actor = actorName(request.principal);
    // The code first: a closed household refuses it before anything is revoked.
    const { code, expiresAt } = service.issueCode(t.householdId, actor);
    if (!t.revoked) service.revoke(id);
    ctx.audit.record({
      actor,
      action: 'terminal.replaced',
      target: `terminal:${id}`,
      ip: request.ip,
      detail: { householdId: t.householdId },
    });
    return reply.status(201).send({ code, householdId: t.householdId, expiresAt: new Date(expiresAt).toISOString() });
  });
}
