/** Announcements as a terminal receives them, for the announcements feature's unit tests. */
import type { TerminalAnnouncement } from '@tsunagu/protocol';

/** Announcement `id`, published `id` minutes after 2026-01-01 00:00 UTC (so a higher id is newer). */
export const ann = (id: number, extra: Partial<TerminalAnnouncement> = {}): TerminalAnnouncement => ({
  id,
  version: 1,
  kind: 'routine',
  test: false,
  titleJa: `t${id}`,
  bodyJa: 'b',
  titleEn: null,
  bodyEn: null,
  hasAudio: false,
  safetyCheck: false,
  publishedAt: new Date(Date.UTC(2026, 0, 1, 0, id)).toISOString(),
  expiresAt: null,
  acknowledged: false,
  safetyAnswer: null,
  ...extra,
});
