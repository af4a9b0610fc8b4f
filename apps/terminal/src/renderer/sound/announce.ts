/** The job behind `announce`: a tone, a short breath, then the sentence. */
import type { UiLanguage } from '@tsunagu/ui';
import type { SoundJob, SoundLevel } from './arbiter';
import { pause, say, tone } from './players';
import type { Announcement } from './SoundContext';

export function announcementJob(a: Announcement, language: UiLanguage, level: SoundLevel = 'ui'): SoundJob {
  return {
    level,
    play: async (signal) => {
      await tone(a.tone, signal);
      await pause(50, signal);
      await say(a.text, language, signal);
    },
  };
}
