/** REST routes for districts, households, residents and watcher assignments. */
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../../context';
import { sendCsv } from '../../lib/csv';
import { AppError, badRequest, notFound } from '../../lib/errors';
import { actorName, admin, cityhall, cityhallOrWatcher, type Principal } from '../../lib/principal';
import { tableRoutes } from '../../lib/route';
import type { AccountsStore } from '../accounts/store';
import { audited } from '../audit/store';
import type { TerminalsService } from '../terminals/service';
import { canSeeHousehold, visibleHouseholdIds } from './access';
import { householdChanged } from './changes';
import { householdImportRoutes } from './import-routes';
import { createHouseholdPrivacy, exportCsvRows } from './privacy';
import type { HouseholdsStore } from './store';

export { canSeeHousehold } from './access';

export const householdClosed = () =>
  new AppError(409, 'HOUSEHOLD_CLOSED', 'This household has been closed. Reopen it first if it is served again.');

export function householdsRoutes(
  ctx: HubContext,
  stores: { households: HouseholdsStore; accounts: AccountsStore },
  terminals: TerminalsService,
) {
  const { households } = stores;
  /** The household, open (404 / 409 otherwise). */
  const openHousehold = async (id: number) => {
    const h = await households.get(id);
    if (!h) throw notFound('household');
    if (h.closedAt !== null) throw householdClosed();
    return h;
  };
  return async function plugin(app: FastifyInstance): Promise<void> {
    await app.register(householdImportRoutes(ctx, households));
    const add = tableRoutes(app, ['households']);

    add('GET /api/districts', { access: 'staff' }, async () => ({
      districts: await households.listDistricts(),
    }));

    add('GET /api/households', { access: cityhallOrWatcher }, async (request) => {
      const { districtId, includeClosed } = request.query;
      const visible = await visibleHouseholdIds(request.principal, households);
      if (visible === null) return { households: await households.list({ districtId, includeClosed }) };
      return { households: await households.list({ ids: visible, districtId }) };
    });

    add('GET /api/households/:id', { access: cityhallOrWatcher }, async (request) => {
      const { id } = request.params;
      const h = await households.get(id);
      // Same answer for "not yours" and "does not exist", so watchers cannot probe ids.
      if (!h || !(await canSeeHousehold(request.principal, id, households))) throw notFound('household');
      await ctx.reads.record(actorName(request.principal), 'record', [id], request.ip);
      return h;
    });

    // Administrators: who read this household's personal data (also closed households).
    add('GET /api/households/:id/reads', { access: admin }, async (request) => {
      const { id } = request.params;
      if (!(await households.get(id))) throw notFound('household');
      return { householdId: id, reads: await ctx.reads.list(id, request.query.limit ?? 100) };
    });

    // Administrators: a household's personal data on request (開示 / 削除), both audited.
    const privacy = createHouseholdPrivacy(ctx.sql);
    const exportOne = async (
      request: { params: { id: number }; principal: Principal | null; ip: string },
      format: 'json' | 'csv',
    ) => {
      const { id } = request.params;
      const data = await privacy.exportAll(id, ctx.clock.now());
      if (!data) throw notFound('household');
      const actor = actorName(request.principal);
      await ctx.reads.record(actor, 'export', [id], request.ip);
      await audited(ctx.audit, request, 'household.exported', `household:${id}`, { format });
      return data;
    };
    add('GET /api/households/:id/export', { access: admin }, async (request) => exportOne(request, 'json'));
    add('GET /api/households/:id/export.csv', { access: admin }, async (request, reply) =>
      sendCsv(reply, `household-${request.params.id}.csv`, exportCsvRows(await exportOne(request, 'csv'))),
    );

    add('POST /api/households/:id/erase', { access: admin }, async (request) => {
      const { id } = request.params;
      const h = await households.get(id);
      if (!h) throw notFound('household');
      if (h.closedAt === null)
        throw new AppError(409, 'HOUSEHOLD_OPEN', 'Close this household before erasing its personal data.');
      const result = await privacy.erase(id, ctx.clock.now());
      // Copies kept in memory (the calls' household names), here and on other hubs, forget the name.
      await householdChanged(ctx, id);
      // Ids and counts only: the audit log is append-only and must not keep what was erased.
      await audited(ctx.audit, request, 'household.erased', `household:${id}`, { ...result });
      return result;
    });

    add('POST /api/households', { access: cityhall }, async (request, reply) => {
      const body = request.body;
      if (!(await households.districtExists(body.districtId)))
        throw badRequest('VALIDATION_FAILED', `District ${body.districtId} does not exist.`);
      const id = await households.create(body, ctx.clock.now());
      await audited(ctx.audit, request, 'household.created', `household:${id}`);
      return reply.status(201).send((await households.get(id))!);
    });

    add('PATCH /api/households/:id', { access: cityhall }, async (request) => {
      const { id } = request.params;
      const body = request.body;
      const current = await openHousehold(id);
      if (body.districtId !== undefined && !(await households.districtExists(body.districtId))) {
        throw badRequest('VALIDATION_FAILED', `District ${body.districtId} does not exist.`);
      }
      const known = new Set(current.residents.map((r) => r.id));
      const strangers = (body.residents ?? []).filter((r) => r.id !== undefined && !known.has(r.id));
      if (strangers.length > 0)
        throw badRequest(
          'VALIDATION_FAILED',
          `Resident ${strangers[0]!.id} is not in this household.`,
          strangers.map((r) => ({ path: 'body.residents', message: `unknown resident ${r.id}` })),
        );
      await households.update(id, body);
      await householdChanged(ctx, id);
      await audited(ctx.audit, request, 'household.updated', `household:${id}`, Object.keys(body).join(','));
      return households.get(id);
    });

    add('POST /api/households/:id/close', { access: cityhall }, async (request) => {
      const { id } = request.params;
      const h = await openHousehold(id);
      const actor = actorName(request.principal);
      const now = ctx.clock.now();
      // The terminal first: a closed household's terminal must not stay connected a moment longer.
      if (h.terminal) await terminals.revoke(h.terminal.id);
      await terminals.expireCodes(id);
      await households.close(id, { at: now, by: actor, reason: request.body.reason });
      await audited(ctx.audit, request, 'household.closed', `household:${id}`, {
        reason: request.body.reason,
        terminalRevoked: h.terminal?.id ?? null,
      });
      return (await households.get(id))!;
    });

    add('POST /api/households/:id/reopen', { access: cityhall }, async (request) => {
      const { id } = request.params;
      if (!(await households.get(id))) throw notFound('household');
      if (!(await households.reopen(id))) throw new AppError(409, 'CONFLICT', 'This household is not closed.');
      await audited(ctx.audit, request, 'household.reopened', `household:${id}`);
      return (await households.get(id))!;
    });

    add('POST /api/households/:id/watchers', { access: cityhall }, async (request) => {
      const { id } = request.params;
      const { userId, level = 1 } = request.body;
      await openHousehold(id);
      const user = await stores.accounts.userById(userId);
      if (user?.role !== 'watcher') throw badRequest('VALIDATION_FAILED', `User ${userId} is not a watcher.`);
      await households.assignWatcher(id, userId, level);
      await audited(ctx.audit, request, 'household.watcher_assigned', `household:${id}`, { userId, level });
      return { ok: true as const };
    });

    add('DELETE /api/households/:id/watchers/:userId', { access: cityhall }, async (request) => {
      const { id, userId } = request.params;
      if (!(await households.unassignWatcher(id, userId))) throw notFound('watcher assignment');
      await audited(ctx.audit, request, 'household.watcher_removed', `household:${id}`, { userId });
      return { ok: true as const };
    });
  };
}
