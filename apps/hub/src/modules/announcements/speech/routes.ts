/** REST: an announcement's hub voice clip (staff and targeted terminals), and the compose dialog's listen-before-sending. */
import type { FastifyInstance } from 'fastify';
import { notFound } from '../../../lib/errors';
import { cityhall } from '../../../lib/principal';
import { tableRoutes } from '../../../lib/route';
import type { AnnouncementSpeech } from './service';

const tags = ['announcements'];

export interface SpeechRouteDeps {
  speech: AnnouncementSpeech;
  /** True when it was sent to this household (a terminal hears only its own). */
  isTargeted(id: number, householdId: number): Promise<boolean>;
}

export function speechRoutes(deps: SpeechRouteDeps) {
  const { speech } = deps;
  return async function plugin(app: FastifyInstance): Promise<void> {
    const add = tableRoutes(app, tags);
    add(
      'GET /api/announcements/:id/speech',
      { access: { ...cityhall, terminals: true }, hotPath: true },
      async (request, reply) => {
        const { id } = request.params;
        const { lang } = request.query;
        const p = request.principal;
        const clip = await speech.clip(id, lang ?? 'ja');
        // The same answer for "not yours" and "not there": a terminal learns nothing about others.
        if (!clip || (p?.kind === 'terminal' && !(await deps.isTargeted(id, p.householdId))))
          throw notFound('voice clip');
        // The address stays when the words change: a cached copy is checked each
        // time, and an unchanged clip is answered 304 without its bytes.
        reply.header('cache-control', 'private, no-cache').header('etag', clip.etag);
        if (request.headers['if-none-match'] === clip.etag) return reply.code(304).send();
        return reply.type('audio/ogg').send(clip.data);
      },
    );

    // Synthesis takes a core for about a second: a few a minute per person is plenty.
    add(
      'POST /api/announcements/speech-preview',
      { access: cityhall, rateLimit: { max: 30, timeWindow: '1 minute' } },
      async (request) => speech.preview(request.body),
    );
  };
}
