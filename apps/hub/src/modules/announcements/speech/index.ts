/** The announcements' hub voice: engine from the machine's speech programs, readings store, routes. */
import type { HubCore } from '../../../core';
import { createSpeechEngine, findSpeechTools, missingToolsMessage } from '../../../lib/speech/engine';
import { type SpeechRouteDeps, speechRoutes } from './routes';
import { type AnnouncementSpeech, createAnnouncementSpeech } from './service';
import { createSqliteReadingsStore } from './store';

export type { AnnouncementSpeech, SpeechContent } from './service';

export async function registerSpeech(
  hub: HubCore,
  access: Omit<SpeechRouteDeps, 'speech'>,
): Promise<AnnouncementSpeech> {
  const found = findSpeechTools(hub.ctx.config.speechTools);
  const missing = missingToolsMessage(found.missing);
  if (missing) hub.ctx.log.warn(missing);
  const speech = createAnnouncementSpeech(hub.ctx, {
    readings: createSqliteReadingsStore(hub.ctx.db),
    engine: createSpeechEngine(found),
  });
  await hub.app.register(speechRoutes({ speech, ...access }));
  return speech;
}
