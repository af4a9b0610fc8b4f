/** REST routes: compose/approve/update/cancel announcements, target preview, receipts, follow-ups (JSON/CSV), voice clips, CAP gateway. */
import multipart from '@fastify/multipart';
import type { AuditAction } from '@tsunagu/protocol';
import { CAP_CONTENT_TYPES, MAX_AUDIO_BYTES } from '@tsunagu/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HubContext } from '../../context';
import { sendCsv } from '../../lib/csv';
import { AppError, badRequest, forbidden, notFound } from '../../lib/errors';
import { actorName, admin, cityhall } from '../../lib/principal';
import { acceptRawBodies, tableRoutes } from '../../lib/route';
import { audited } from '../audit/store';
import type { AnnouncementsService } from './service';

const tags = ['announcements'];
/** CAP messages are small; national feeds stay well under this. */
export const CAP_BODY_LIMIT = 512 * 1024;

export { csvCell } from '../../lib/csv';

export function announcementsRoutes(ctx: HubContext, service: AnnouncementsService) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    const add = tableRoutes(app, tags);
    const addCap = tableRoutes(app, ['cap']);
    const audit = (request: FastifyRequest, action: AuditAction, target: string, detail?: Record<string, unknown>) =>
      audited(ctx.audit, request, action, target, detail);

    // CAP bodies are read raw: the XML declaration, not the HTTP header, says how to decode them.
    acceptRawBodies(app, CAP_CONTENT_TYPES, CAP_BODY_LIMIT);
    await app.register(multipart, {
      limits: { fileSize: MAX_AUDIO_BYTES, files: 1, fields: 0, parts: 1 },
      throwFileSizeLimit: true,
    });

    add('POST /api/announcements', { access: cityhall }, async (request, reply) => {
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

    add('POST /api/announcements/preview', { access: cityhall }, async (request) =>
      service.preview(request.body.target),
    );

    add('GET /api/announcements', { access: cityhall }, async (request) => ({
      announcements: await service.list(request.query.limit ?? 50),
    }));

    add('GET /api/announcements/settings', { access: cityhall }, async () => service.settings());
    add('PUT /api/announcements/settings', { access: admin }, async (request) => {
      const before = await service.settings();
      const after = await service.setSettings(request.body);
      await audit(request, 'announcement.settings', 'announcement_settings', { before, after });
      return after;
    });

    add('GET /api/announcements/district-centroids', { access: cityhall }, async () => ({
      centroids: await service.centroids(),
    }));
    add('PUT /api/announcements/district-centroids', { access: admin }, async (request) => {
      const centroids = await service.setCentroids(request.body.centroids);
      await audit(request, 'announcement.district_centroids', 'announcement_settings', { districts: centroids.length });
      return { centroids };
    });

    add('GET /api/announcements/:id', { access: cityhall }, async (request) => service.get(request.params.id));

    add('PATCH /api/announcements/:id', { access: cityhall }, async (request) => {
      const { id } = request.params;
      const a = await service.update(id, request.body, await service.senderFor(request.principal));
      await audit(request, 'announcement.update', `announcement:${id}`, {
        version: a.version,
        held: a.pendingChange !== null || a.status === 'pending_approval',
        fields: Object.keys(request.body),
      });
      return a;
    });

    add('POST /api/announcements/:id/cancel', { access: cityhall }, async (request) => {
      const { id } = request.params;
      const a = await service.cancel(id);
      await audit(request, 'announcement.cancel', `announcement:${id}`);
      return a;
    });

    add('POST /api/announcements/:id/approve', { access: cityhall }, async (request) => {
      // The two-person rule needs a person: API keys cannot approve.
      if (request.principal?.kind !== 'user') throw forbidden('Only a signed-in city hall account can approve.');
      const { id } = request.params;
      const a = await service.approve(id, actorName(request.principal));
      await audit(request, 'announcement.approve', `announcement:${id}`);
      return a;
    });

    add('GET /api/announcements/:id/receipts', { access: cityhall }, async (request) =>
      service.counts(request.params.id),
    );

    add('GET /api/announcements/:id/follow-ups', { access: cityhall }, async (request) => {
      const households = await service.followUps(request.params.id, request.query.sort ?? 'district');
      await ctx.reads.record(
        actorName(request.principal),
        'follow_ups',
        households.map((h) => h.householdId),
        request.ip,
      );
      return { households };
    });

    add('GET /api/announcements/:id/follow-ups.csv', { access: cityhall }, async (request, reply) => {
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
        request.ip,
      );
      return sendCsv(reply, `announcement-${id}-follow-ups.csv`, lines);
    });

    add('GET /api/announcements/:id/cap', { access: cityhall }, async (request, reply) =>
      reply.type('application/cap+xml; charset=utf-8').send(await service.capXml(request.params.id)),
    );

    add(
      'POST /api/announcements/audio',
      { access: cityhall, bodyLimit: MAX_AUDIO_BYTES + 64 * 1024 },
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
        const stored = await service.storeAudio(data);
        await audit(request, 'announcement.audio_upload', `audio:${stored.audioId}`, {
          bytes: stored.bytes,
          mimeType: stored.mimeType,
        });
        return reply.status(201).send(stored);
      },
    );

    const sendAudio = async (id: number, reply: import('fastify').FastifyReply) => {
      const audio = await service.audio(id);
      if (!audio) throw notFound('voice clip');
      return reply.type(audio.mimeType).header('cache-control', 'private, max-age=86400').send(audio.data);
    };
    add('GET /api/announcements/:id/audio', { access: cityhall }, async (request, reply) =>
      sendAudio(request.params.id, reply),
    );
    add('GET /api/terminal/announcements/:id/audio', { access: 'terminal' }, async (request, reply) => {
      const { id } = request.params;
      const p = request.principal;
      // A terminal only hears what was sent to its household.
      if (p?.kind !== 'terminal' || !(await service.forHousehold(p.householdId)).some((a) => a.id === id))
        throw notFound('voice clip');
      return sendAudio(id, reply);
    });

    // For alerting systems only (their API key's policy applies); people compose in the console.
    // Parsing is the expensive part: a misbehaving feed cannot keep the hub busy.
    addCap(
      'POST /api/cap',
      {
        access: { ...cityhall, apiKeysOnly: true },
        rateLimit: { max: 120, timeWindow: '1 minute' },
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
          result = await service.ingestCap(request.body, request.principal, request.ip);
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
