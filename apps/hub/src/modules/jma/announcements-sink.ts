/** The AlertSink over the announcements module's service: every change goes through its API. */

import { AppError } from '../../lib/errors';
import type { AnnouncementsService } from '../announcements';
import type { Sender } from '../announcements/policy';
import { type AlertSink, JMA_ACTOR } from './sink';

/**
 * The feed as a machine sender under the announcements policy: JMA's official alerts go out as
 * they come (no person to confirm or approve them in seconds).
 */
const JMA_SENDER: Sender = { kind: 'machine', name: JMA_ACTOR, publish: 'auto' };

const LIVE = new Set(['published', 'scheduled', 'pending_approval']);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A closed announcement (409) or a vanished one (404) is "no longer live", not a failure. */
const notLive = (err: unknown) => err instanceof AppError && (err.statusCode === 409 || err.statusCode === 404);
async function whenLive(fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (err) {
    if (notLive(err)) return false;
    throw err;
  }
}

export function announcementsSink(announcements: AnnouncementsService): AlertSink {
  return {
    async publish(d) {
      const a = await announcements.create(
        {
          kind: d.kind,
          titleJa: d.titleJa,
          bodyJa: d.bodyJa,
          titleEn: d.titleEn,
          bodyEn: d.bodyEn,
          safetyCheck: d.safetyCheck,
          test: d.test,
          target: { type: 'all' },
          ...(d.expiresAt !== null ? { expiresAt: iso(d.expiresAt)! } : {}),
          confirmWholeCity: true,
          ...(d.tone ? { tone: d.tone } : {}),
        },
        JMA_SENDER,
        // Terminals sound JMA's alerts at the national level, above the city's own.
        'jma',
      );
      return a.id;
    },
    async update(id, d) {
      try {
        await announcements.update(
          id,
          {
            titleJa: d.titleJa,
            bodyJa: d.bodyJa,
            titleEn: d.titleEn,
            bodyEn: d.bodyEn,
            safetyCheck: d.safetyCheck,
            expiresAt: iso(d.expiresAt),
          },
          JMA_SENDER,
        );
        return true;
      } catch (err) {
        if (notLive(err)) return false;
        throw err;
      }
    },
    withdraw: (id) => whenLive(() => announcements.cancel(id)),
    async isLive(id) {
      try {
        return LIVE.has((await announcements.get(id)).status);
      } catch (err) {
        if (err instanceof AppError && err.statusCode === 404) return false;
        throw err;
      }
    },
  };
}
