/** The announcements' hub voice: engine from the machine's speech programs, readings store, routes, old clips swept. */
import type { HubCore } from '../../../core';
import { createSpeechEngine, findSpeechTools, missingToolsMessage } from '../../../lib/speech/engine';
import { CLIP_ROUTE, fastClip } from './fast';
import { type SpeechRouteDeps, speechRoutes } from './routes';
import { type AnnouncementSpeech, CLIP_GRACE_MS, createAnnouncementSpeech } from './service';
import { createSqliteClipStampStore, createSqliteReadingsStore, createSqliteSpeakableStore } from './store';

export type { AnnouncementSpeech, SpeechContent } from './service';

/** How often clips nobody can ask for any more are deleted (the first sweep soon after start). */
export const CLIP_SWEEP_MS = 6 * 60 * 60 * 1000;
const FIRST_SWEEP_MS = 10 * 60 * 1000;

export async function registerSpeech(
  hub: HubCore,
  access: Omit<SpeechRouteDeps, 'speech' | 'stamp'>,
): Promise<AnnouncementSpeech> {
  const { ctx } = hub;
  const found = findSpeechTools(ctx.config.speechTools);
  const missing = missingToolsMessage(found.missing);
  if (missing) ctx.log.warn(missing);
  const speech = createAnnouncementSpeech(ctx, {
    readings: createSqliteReadingsStore(ctx.db),
    engine: createSpeechEngine(found),
  });
  const deps = { speech, stamp: createSqliteClipStampStore(ctx.db).stamp, ...access };
  await hub.app.register(speechRoutes(deps));
  const terminals = hub.services.terminals;
  hub.fast.add(
    fastClip({
      ...deps,
      authenticate: (credential) => terminals.remembered(credential),
      securityHeaders: hub.fast.securityHeaders,
      count: (status) => ctx.metrics.httpRequests.inc({ method: 'GET', route: CLIP_ROUTE, status: String(status) }),
    }),
  );

  if (ctx.backgroundJobs) {
    const live = createSqliteSpeakableStore(ctx.db);
    let timer = ctx.clock.setTimeout(function sweep() {
      try {
        const { removed, kept } = speech.prune(live.speakable(ctx.clock.now()), CLIP_GRACE_MS);
        if (removed > 0) ctx.log.info({ removed, kept }, 'old voice clips deleted');
      } catch (err) {
        ctx.log.error({ err }, 'sweeping old voice clips failed');
      }
      timer = ctx.clock.setTimeout(sweep, CLIP_SWEEP_MS);
    }, FIRST_SWEEP_MS);
    hub.app.addHook('preClose', async () => timer.cancel());
  }
  return speech;
}
