/** Public routes of the CAP feed out: GET /api/cap/feed (Atom) and GET /api/cap/alerts/:id (one CAP message). */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HubContext } from '../../../context';
import { notFound } from '../../../lib/errors';
import { tableRoutes } from '../../../lib/route';
import type { HouseholdsStore } from '../../households/store';
import type { AnnouncementsStore } from '../store';
import { announcementToCap } from './export';
import { buildCapFeed, inCapFeed } from './feed';

const tags = ['cap'];
// Anyone may read it; a misbehaving reader cannot keep the hub busy.
const config = { access: 'public' as const, rateLimit: { max: 120, timeWindow: '1 minute' } };

/** Short caching and conditional GETs, so pollers every few seconds cost little. */
function send(request: FastifyRequest, reply: FastifyReply, type: string, body: string) {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  reply.header('etag', etag).header('cache-control', 'public, max-age=15');
  if (request.headers['if-none-match'] === etag) return reply.status(304).send();
  return reply.type(type).send(body);
}

export function capFeedRoutes(ctx: HubContext, deps: { store: AnnouncementsStore; households: HouseholdsStore }) {
  const hub = async () => ({
    publicUrl: ctx.config.publicUrl,
    timeZone: ctx.config.timeZone,
    districts: await deps.households.listDistricts(),
    now: ctx.clock.now(),
  });
  return async function plugin(app: FastifyInstance): Promise<void> {
    const add = tableRoutes(app, tags);
    add('GET /api/cap/feed', config, async (request, reply) => {
      const records = [...(await deps.store.byStatus('published')), ...(await deps.store.byStatus('cancelled'))];
      return send(request, reply, 'application/atom+xml; charset=utf-8', buildCapFeed(records, await hub()));
    });
    add('GET /api/cap/alerts/:id', config, async (request, reply) => {
      const a = await deps.store.get(request.params.id);
      const h = await hub();
      // Anything not in the public feed does not exist here.
      if (!a || !inCapFeed(a, h.now)) throw notFound('public alert');
      return send(request, reply, 'application/cap+xml; charset=utf-8', announcementToCap(a, h));
    });
  };
}
