/** REST: an announcement's hub voice clip (staff and targeted terminals), and the compose dialog's listen-before-sending. */
import type { FastifyInstance } from 'fastify';
import { notFound } from '../../../lib/errors';
import { route } from '../../../lib/route';
import type { AnnouncementSpeech, SpeechContent } from './service';

const tags = ['announcements'];

export interface SpeechRouteDeps {
  speech: AnnouncementSpeech;
  /** The announcement's current content, or undefined when there is none. */
  content(id: number): SpeechContent | undefined;
  /** True when it was sent to this household (a terminal hears only its own). */
  isTargeted(id: number, householdId: number): boolean;
}

export function speechRoutes(deps: SpeechRouteDeps) {
  const { speech } = deps;
  return async function plugin(app: FastifyInstance): Promise<void> {
    route(
      app,
      'GET /api/announcements/:id/speech',
      { config: { access: { roles: ['cityhall'], terminals: true } }, tags },
      async (request, reply) => {
        const { id } = request.params;
        const { lang } = request.query;
        const p = request.principal;
        const content = deps.content(id);
        // The same answer for "not yours" and "not there": a terminal learns nothing about others.
        if (!content || (p?.kind === 'terminal' && !deps.isTargeted(id, p.householdId))) throw notFound('voice clip');
        const clip = speech.clip(content, speech.readings(id), lang ?? 'ja');
        if (!clip) throw notFound('voice clip');
        return reply.type('audio/ogg').header('cache-control', 'private, max-age=86400').send(clip);
      },
    );

    route(
      app,
      'POST /api/announcements/speech-preview',
      {
        // Synthesis takes a core for about a second: a few a minute per person is plenty.
        config: { access: { roles: ['cityhall'] }, rateLimit: { max: 30, timeWindow: '1 minute' } },
        tags,
      },
      async (request) => speech.preview(request.body),
    );
  };
}
