/** REST: an announcement's hub voice clip (staff and targeted terminals), and the compose dialog's listen-before-sending. */
import fs from 'node:fs';
import { IdParams, SpeechPreview, SpeechPreviewBody, SpeechQuery } from '@tsunagu/protocol';
import type { FastifyInstance } from 'fastify';
import { notFound } from '../../../lib/errors';
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
    app.get(
      '/api/announcements/:id/speech',
      {
        config: { access: { roles: ['cityhall'], terminals: true } },
        schema: {
          tags,
          params: IdParams,
          querystring: SpeechQuery,
          description:
            'The hub-made voice clip (audio/ogg, Opus) of the announcement in `lang` (default ja), for city hall staff and API keys and for the terminals it was sent to. 404 when there is none (the terminal then uses its own speech).',
        },
      },
      async (request, reply) => {
        const { id } = request.params as IdParams;
        const { lang } = request.query as SpeechQuery;
        const p = request.principal;
        const content = deps.content(id);
        // The same answer for "not yours" and "not there": a terminal learns nothing about others.
        if (!content || (p?.kind === 'terminal' && !deps.isTargeted(id, p.householdId))) throw notFound('voice clip');
        const clip = speech.clipFile(content, speech.readings(id), lang ?? 'ja');
        if (!clip) throw notFound('voice clip');
        return reply
          .type('audio/ogg')
          .header('content-length', clip.bytes)
          .header('cache-control', 'private, max-age=86400')
          .send(fs.createReadStream(clip.file));
      },
    );

    app.post(
      '/api/announcements/speech-preview',
      {
        // Synthesis takes a core for about a second: a few a minute per person is plenty.
        config: { access: { roles: ['cityhall'] }, rateLimit: { max: 30, timeWindow: '1 minute' } },
        schema: {
          tags,
          body: SpeechPreviewBody,
          response: { 200: SpeechPreview },
          description:
            'Makes the voice clip of an announcement before it is sent, with what the engine will say in katakana, so city hall can listen and add readings (ふりがな).',
        },
      },
      async (request) => speech.preview(request.body as SpeechPreviewBody),
    );
  };
}
