/** REST routes: compose/approve/update/cancel announcements, target preview, receipts, follow-ups (JSON/CSV), voice clips, CAP gateway. */
import fs from 'node:fs';
import multipart from '@fastify/multipart';
import type { AuditAction } from '@tsunagu/protocol';
import { CAP_CONTENT_TYPES, MAX_AUDIO_BYTES } from '@tsunagu/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HubContext } from '../../context';
import { csvDocument } from '../../lib/csv';
import { AppError, badRequest, forbidden, notFound } from '../../lib/errors';
import { actorName } from '../../lib/principal';
import { route } from '../../lib/route';
import { audited } from '../audit/store';
import type { AnnouncementsService } from './service';

const cityhall = { roles: ['cityhall'] as const };
const admin = { roles: ['cityhall'] as const, admin: true };
const tags = ['announcements'];
/** CAP messages are small; national feeds stay well under this. */
export const CAP_BODY_LIMIT = 512 * 1024;

export { csvCell } from '../../lib/csv';

export function announcementsRoutes(ctx: HubContext, service: AnnouncementsService) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    const audit = (request: FastifyRequest, action: AuditAction, target: string, detail?: Record<string, unknown>) =>
      audited(ctx.audit, request, action, target, detail);

    // CAP bodies are read raw: the XML declaration, not the HTTP header, says how to decode them.
    app.addContentTypeParser(
      [...CAP_CONTENT_TYPES],
      { parseAs: 'buffer', bodyLimit: CAP_BODY_LIMIT },
      (_req, body, done) => done(null, body),
    );
    await app.register(multipart, {
      limits: { fileSize: MAX_AUDIO_BYTES, files: 1, fields: 0, parts: 1 },
      throwFileSizeLimit: true,
    });

    route(app, 'POST /api/announcements', { config: { access: cityhall }, tags }, async (request, reply) => {
      const body = request.body;
      const a = await service.create(body, await service.senderFor(request.principal));
      await audit(request, 'announcement.create', `announcement:${a.id}`, {
        kind: a.kind,
        status: a.status,
        target: a.target,
        test: a.test,
      });
      return reply.status(201).send(a);
    });

    route(app, 'POST /api/announcements/preview', { config: { access: cityhall }, tags }, async (request) =>
      service.preview(request.body.target),
    );

    route(app, 'GET /api/announcements', { config: { access: cityhall }, tags }, async (request) => ({
      announcements: service.list(request.query.limit ?? 50),
    }));

    route(app, 'GET /api/announcements/settings', { config: { access: cityhall }, tags }, async () =>
      service.settings(),
    );
    route(app, 'PUT /api/announcements/settings', { config: { access: admin }, tags }, async (request) => {
      const before = service.settings();
      const after = service.setSettings(request.body);
      await audit(request, 'announcement.settings', 'announcement_settings', { before, after });
      return after;
    });

    route(app, 'GET /api/announcements/district-centroids', { config: { access: cityhall }, tags }, async () => ({
      centroids: service.centroids(),
    }));
    route(app, 'PUT /api/announcements/district-centroids', { config: { access: admin }, tags }, async (request) => {
      const centroids = service.setCentroids(request.body.centroids);
      await audit(request, 'announcement.district_centroids', 'announcement_settings', { districts: centroids.length });
      return { centroids };
    });

    route(app, 'GET /api/announcements/:id', { config: { access: cityhall }, tags }, async (request) =>
      service.get(request.params.id),
    );

    route(app, 'PATCH /api/announcements/:id', { config: { access: cityhall }, tags }, async (request) => {
      const { id } = request.params;
      const a = await service.update(id, request.body, await service.senderFor(request.principal));
      await audit(request, 'announcement.update', `announcement:${id}`, {
        version: a.version,
        held: a.pendingChange !== null || a.status === 'pending_approval',
        fields: Object.keys(request.body),
      });
      return a;
    });

    route(app, 'POST /api/announcements/:id/cancel', { config: { access: cityhall }, tags }, async (request) => {
      const { id } = request.params;
      const a = service.cancel(id);
      await audit(request, 'announcement.cancel', `announcement:${id}`);
      return a;
    });

    route(app, 'POST /api/announcements/:id/approve', { config: { access: cityhall }, tags }, async (request) => {
      // The two-person rule needs a person: API keys cannot approve.
      if (request.principal?.kind !== 'user') throw forbidden('Only a signed-in city hall account can approve.');
      const { id } = request.params;
      const a = service.approve(id, actorName(request.principal));
      await audit(request, 'announcement.approve', `announcement:${id}`);
      return a;
    });

    route(app, 'GET /api/announcements/:id/receipts', { config: { access: cityhall }, tags }, async (request) =>
      service.counts(request.params.id),
    );

    route(app, 'GET /api/announcements/:id/follow-ups', { config: { access: cityhall }, tags }, async (request) => {
      const households = await service.followUps(request.params.id, request.query.sort ?? 'district');
      await ctx.reads.record(
        actorName(request.principal),
        'follow_ups',
        households.map((h) => h.householdId),
      );
      return { households };
    });

    route(
      app,
      'GET /api/announcements/:id/follow-ups.csv',
      { config: { access: cityhall }, tags },
      async (request, reply) => {
        const { id } = request.params;
        const rows = await service.followUps(id, request.query.sort ?? 'district');
        const header = ['世帯ID', '世帯名', '住所', '電話', '地区', '要配慮', '状態', '配信済み'];
        const lines = [
          header,
          ...rows.map((r) => [
            r.householdId,
            r.name,
            r.address,
            r.phone,
            r.districtName,
            r.needsAssistance ? 'はい' : 'いいえ',
            r.state === 'need_help' ? '助けが必要' : '未回答',
            r.delivered ? 'はい' : 'いいえ',
          ]),
        ];
        await audit(request, 'announcement.followups_export', `announcement:${id}`, { rows: rows.length });
        await ctx.reads.record(
          actorName(request.principal),
          'follow_ups',
          rows.map((r) => r.householdId),
        );
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="announcement-${id}-follow-ups.csv"`)
          .send(csvDocument(lines));
      },
    );

    route(app, 'GET /api/announcements/:id/cap', { config: { access: cityhall }, tags }, async (request, reply) =>
      reply.type('application/cap+xml; charset=utf-8').send(service.capXml(request.params.id)),
    );

    route(
      app,
      'POST /api/announcements/audio',
      { config: { access: cityhall }, tags, bodyLimit: MAX_AUDIO_BYTES + 64 * 1024 },
      async (request, reply) => {
        if (!request.isMultipart())
          throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the recording as multipart/form-data with one file.');
        let data: Buffer;
        try {
          const part = await request.file();
          if (!part) throw badRequest('AUDIO_MISSING', 'No file was sent. Choose a recording and try again.');
          data = await part.toBuffer();
        } catch (err) {
          if (err instanceof AppError) throw err;
          const code = (err as { code?: string }).code;
          if (code === 'FST_REQ_FILE_TOO_LARGE' || (err as { statusCode?: number }).statusCode === 413) {
            throw new AppError(
              413,
              'BODY_TOO_LARGE',
              `The recording is too large: at most ${MAX_AUDIO_BYTES / 1024 / 1024} MB.`,
            );
          }
          throw badRequest('AUDIO_MISSING', 'The upload could not be read. Send one file as multipart/form-data.');
        }
        const stored = service.storeAudio(data);
        await audit(request, 'announcement.audio_upload', `audio:${stored.audioId}`, {
          bytes: stored.bytes,
          mimeType: stored.mimeType,
        });
        return reply.status(201).send(stored);
      },
    );

    const sendAudio = (id: number, reply: import('fastify').FastifyReply) => {
      const audio = service.audioFile(id);
      if (!audio) throw notFound('voice clip');
      return reply
        .type(audio.mimeType)
        .header('cache-control', 'private, max-age=86400')
        .send(fs.createReadStream(audio.file));
    };
    route(app, 'GET /api/announcements/:id/audio', { config: { access: cityhall }, tags }, async (request, reply) =>
      sendAudio(request.params.id, reply),
    );
    route(
      app,
      'GET /api/terminal/announcements/:id/audio',
      { config: { access: 'terminal' }, tags },
      async (request, reply) => {
        const { id } = request.params;
        const p = request.principal;
        // A terminal only hears what was sent to its household.
        if (p?.kind !== 'terminal' || !(await service.forHousehold(p.householdId)).some((a) => a.id === id))
          throw notFound('voice clip');
        return sendAudio(id, reply);
      },
    );

    route(
      app,
      'POST /api/cap',
      {
        // For alerting systems only (their API key's policy applies); people compose in the console.
        // Parsing is the expensive part: a misbehaving feed cannot keep the hub busy.
        config: { access: { ...cityhall, apiKeysOnly: true }, rateLimit: { max: 120, timeWindow: '1 minute' } },
        tags: ['cap'],
        bodyLimit: CAP_BODY_LIMIT,
      },
      async (request, reply) => {
        if (!Buffer.isBuffer(request.body)) {
          throw new AppError(
            415,
            'UNSUPPORTED_MEDIA_TYPE',
            'Send the CAP message as application/cap+xml or application/xml.',
          );
        }
        if (request.body.length === 0)
          throw badRequest('CAP_NOT_XML', 'The body is empty: send a CAP <alert> document.');
        let result: Awaited<ReturnType<AnnouncementsService['ingestCap']>>;
        try {
          if (request.principal?.kind !== 'apikey') throw forbidden();
          result = await service.ingestCap(request.body, request.principal);
        } catch (err) {
          // Operators must be able to find out why a feed's alert was not announced.
          if (err instanceof AppError)
            await audit(request, 'cap.rejected', 'cap', { code: err.code, details: err.details?.slice(0, 20) ?? [] });
          throw err;
        }
        if (result.status === 200) await audit(request, 'cap.not_announced', 'cap', { reason: result.body.reason });
        return reply.status(result.status).send(result.body);
      },
    );
  };
}
