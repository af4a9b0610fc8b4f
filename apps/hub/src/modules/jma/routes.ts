/** REST routes of the JMA gateway: POST a telegram, browse the record, read and change the settings. */
import { JMA_CONTENT_TYPES, type JmaAnnounced, type JmaNotAnnounced } from '@tsunagu/protocol';
import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../../context';
import { AppError, badRequest, notFound } from '../../lib/errors';
import { actorName, admin, cityhall } from '../../lib/principal';
import { acceptRawBodies, download, tableRoutes } from '../../lib/route';
import { audited } from '../audit/store';
import type { IngestResult, JmaService } from './service';
import { MAX_XML_BYTES } from './xml';

const tags = ['jma'];

/** What `POST /api/jma` answers for a decision. */
export function ingestResponse(r: IngestResult): { status: 200 | 201; body: JmaAnnounced | JmaNotAnnounced } {
  const common = { reason: r.reasonEn, reasonJa: r.reasonJa };
  if ((r.decision === 'announced' || r.decision === 'updated' || r.decision === 'all_clear') && r.announcementId) {
    return {
      status: 201,
      body: {
        result: r.decision,
        announcementId: r.announcementId,
        withdrawnIds: r.withdrawnIds,
        telegramId: r.telegramId,
        ...common,
      },
    };
  }
  const result = r.decision === 'duplicate' || r.decision === 'withdrawn' ? r.decision : 'ignored';
  return {
    status: 200,
    body: {
      result,
      ...common,
      telegramId: r.telegramId,
      ...(r.announcementId !== null ? { announcementId: r.announcementId } : {}),
      ...(r.withdrawnIds.length > 0 ? { withdrawnIds: r.withdrawnIds } : {}),
    },
  };
}

export function jmaRoutes(ctx: HubContext, service: JmaService) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    const add = tableRoutes(app, tags);
    // Read raw: the XML declaration, not the HTTP header, says how to decode it.
    acceptRawBodies(app, JMA_CONTENT_TYPES, MAX_XML_BYTES);

    add(
      'POST /api/jma',
      { access: cityhall, rateLimit: { max: 600, timeWindow: '1 minute' }, bodyLimit: MAX_XML_BYTES },
      async (request, reply) => {
        if (!Buffer.isBuffer(request.body))
          throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the telegram as application/xml.');
        if (request.body.length === 0) throw badRequest('JMA_NOT_XML', 'The body is empty: send one JMA XML telegram.');
        const actor = actorName(request.principal);
        let result: IngestResult;
        try {
          result = await service.ingest(request.body, { source: 'api', name: actor, ip: request.ip });
        } catch (err) {
          // Operators must be able to find out why a telegram was refused.
          if (err instanceof AppError)
            await audited(ctx.audit, request, 'jma.rejected', 'jma', {
              code: err.code,
              details: err.details?.slice(0, 20) ?? [],
            });
          throw err;
        }
        const { status, body } = ingestResponse(result);
        return reply.status(status).send(body);
      },
    );

    add('GET /api/jma/telegrams', { access: cityhall }, async (request) => {
      const q = request.query;
      return { telegrams: await service.list(q.limit ?? 50, q.beforeId) };
    });
    add('GET /api/jma/telegrams/:id', { access: cityhall }, async (request) => {
      const r = await service.get(request.params.id);
      if (!r) throw notFound('telegram');
      return r;
    });
    add('GET /api/jma/telegrams/:id/xml', { access: cityhall }, async (request, reply) => {
      const body = await service.body(request.params.id);
      if (body === undefined) throw notFound('telegram');
      // Served as a download: the document is someone else's XML, never rendered by the console.
      return download(reply, 'application/xml; charset=utf-8', `jma-telegram-${request.params.id}.xml`, body);
    });

    add('GET /api/jma/settings', { access: cityhall }, async () => service.settings());
    add('PATCH /api/jma/settings', { access: admin }, async (request) => {
      const change = request.body;
      const before = await service.settings();
      const after = await service.updateSettings(change);
      await audited(ctx.audit, request, 'jma.settings', 'jma_settings', {
        ...(change.areas ? { areasBefore: before.areas, areasAfter: after.areas } : {}),
        ...(change.policy ? { policyBefore: before.policy, policyAfter: after.policy } : {}),
      });
      return after;
    });
  };
}
