/** The announcements' hub voice: engine from the machine's speech programs, its store, routes, old clips swept. */
import type { HubCore } from '../../../core';
import type { TimerHandle } from '../../../lib/clock';
import { createSpeechEngine, findSpeechTools, missingToolsMessage } from '../../../lib/speech/engine';
import { ANNOUNCEMENTS_CHANNEL } from '../delivery';
import { CLIP_ROUTE, type FastClipDeps, fastClip } from './fast';
import { type SpeechRouteDeps, speechRoutes } from './routes';
import { type AnnouncementSpeech, CLIP_GRACE_MS, createAnnouncementSpeech } from './service';
import { createSpeechStore, READINGS_CHANNEL } from './store';

export type { AnnouncementSpeech, SpeechContent } from './service';

/** How often clips nobody can ask for any more are deleted (the first sweep soon after start). */
export const CLIP_SWEEP_MS = 6 * 60 * 60 * 1000;
export const FIRST_SWEEP_MS = 10 * 60 * 1000;

export async function registerSpeech(
  hub: HubCore,
  access: Omit<SpeechRouteDeps, 'speech'> & Pick<FastClipDeps, 'targetedNow'>,
): Promise<AnnouncementSpeech> {
  const { ctx } = hub;
  const found = findSpeechTools(ctx.config.speechTools);
  const missing = missingToolsMessage(found.missing);
  if (missing) ctx.log.warn(missing);
  const store = createSpeechStore(ctx.sql, ctx.changes);
  const engine = createSpeechEngine(found);
  const speech = createAnnouncementSpeech(ctx, { store, engine });
  // A clip still being made when the hub stops: its program is killed, not left running without it.
  hub.app.addHook('onClose', async () => engine.stop());
  await hub.app.register(speechRoutes({ speech, isTargeted: access.isTargeted }));
  const terminals = hub.services.terminals;
  hub.fast.add(
    fastClip({
      speech,
      targetedNow: access.targetedNow,
      authenticate: (credential) => terminals.remembered(credential),
      securityHeaders: hub.fast.securityHeaders,
      count: (status) => ctx.metrics.httpRequests.inc({ method: 'GET', route: CLIP_ROUTE, status: String(status) }),
    }),
  );

  // The clip of a new alert is read before the city's terminals ask for it: here once it is
  // published, on the other hubs once they hear of it (which also forgets a changed one's).
  const warm = (id: number) => {
    void speech.clip(id, 'ja').catch((err: unknown) => ctx.log.warn({ err }, 'reading a voice clip ahead failed'));
    // Asking starts the read of the kept targets when they are not read since the change: once
    // every listener of this change has run (the catch-up list drops them when it hears it).
    setImmediate(() => access.targetedNow(id, 0));
  };
  // Once the publish is answered: it does not wait for this read.
  ctx.events.on('announcement.published', ({ announcementId }) => void setImmediate(() => warm(announcementId)));
  for (const channel of [ANNOUNCEMENTS_CHANNEL, READINGS_CHANNEL])
    ctx.changes.subscribe(channel, {
      onChange(key) {
        speech.forget(Number(key));
        warm(Number(key));
      },
      onReset: () => speech.forget(),
    });

  // Old clips are rows shared by every hub: one hub sweeps them (a job of ctx.jobs); deleting is by
  // key, so a sweep run twice deletes nothing the second time.
  let timer: TimerHandle | null = null;
  ctx.jobs.add('voice clip sweep', {
    start() {
      timer = ctx.clock.setTimeout(function sweep() {
        store
          .speakable(ctx.clock.now())
          .then((live) => speech.prune(live, CLIP_GRACE_MS))
          .then(({ removed, kept }) => {
            if (removed > 0) ctx.log.info({ removed, kept }, 'old voice clips deleted');
          })
          .catch((err: unknown) => ctx.log.error({ err }, 'sweeping old voice clips failed'));
        timer = ctx.clock.setTimeout(sweep, CLIP_SWEEP_MS);
      }, FIRST_SWEEP_MS);
    },
    stop: () => timer?.cancel(),
  });
  return speech;
}
