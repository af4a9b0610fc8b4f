/** SQL for city hall's readings (ふりがな) of an announcement's words, and for which clips are still wanted. */
import type { SpeechReading } from '@tsunagu/protocol';
import type { Db } from '../../../db/database';
import type { AnnouncementRecord } from '../store';
import { type Row, wordingOf } from '../store-rows';

export interface ReadingsStore {
  readings(announcementId: number): SpeechReading[];
  setReadings(announcementId: number, readings: readonly SpeechReading[]): void;
}

export function createSqliteReadingsStore(db: Db): ReadingsStore {
  const get = db.prepare<[number], { readings: string }>(
    'SELECT readings FROM announcement_readings WHERE announcement_id = ?',
  );
  const put = db.prepare(
    `INSERT INTO announcement_readings (announcement_id, readings) VALUES (?, ?)
     ON CONFLICT (announcement_id) DO UPDATE SET readings = excluded.readings`,
  );
  const remove = db.prepare('DELETE FROM announcement_readings WHERE announcement_id = ?');
  return {
    readings: (id) => {
      const row = get.get(id);
      return row ? (JSON.parse(row.readings) as SpeechReading[]) : [];
    },
    setReadings: (id, readings) => {
      if (readings.length === 0) remove.run(id);
      else put.run(id, JSON.stringify(readings));
    },
  };
}

/**
 * What an announcement says, as far as its voice is concerned (speech/service's SpeechContent);
 * `audioId`: city hall's own recording is played instead, and no clip is made.
 */
export type SpokenContent = Pick<
  AnnouncementRecord,
  'kind' | 'test' | 'titleJa' | 'bodyJa' | 'titleEn' | 'bodyEn' | 'audioId'
>;

/** An announcement whose clip may still be asked for, and the content of a change awaiting approval. */
export interface Speakable {
  id: number;
  content: SpokenContent;
  pending: SpokenContent | null;
}

/**
 * What the clip route reads on every request, the row itself only when this changed: the content's
 * version (new words, a new version) and city hall's readings of its words.
 */
export function createSqliteClipStampStore(db: Db): { stamp(id: number): string | undefined } {
  const get = db.prepare<[number], { version: number; readings: string | null }>(
    `SELECT a.version, r.readings FROM announcements a
       LEFT JOIN announcement_readings r ON r.announcement_id = a.id WHERE a.id = ?`,
  );
  return {
    stamp: (id) => {
      const row = get.get(id);
      return row && `${row.version}\n${row.readings ?? ''}`;
    },
  };
}

/**
 * What an announcement says now, read synchronously for the clip paths (the fast path answers
 * before the router and cannot wait): SQLite only, like the clip stamps.
 */
export function createSqliteSpokenContentStore(db: Db): { content(id: number): SpokenContent | undefined } {
  const get = db.prepare<
    [number],
    Pick<Row, 'kind' | 'test' | 'title_ja' | 'body_ja' | 'title_en' | 'body_en' | 'audio_id'>
  >('SELECT kind, test, title_ja, body_ja, title_en, body_en, audio_id FROM announcements WHERE id = ?');
  return {
    content: (id) => {
      const r = get.get(id);
      return r && { ...wordingOf(r), audioId: r.audio_id };
    },
  };
}

export interface SpeakableStore {
  /**
   * Announcements a terminal may still be given (published and not expired), or that will be sent
   * (awaiting approval, scheduled).
   */
  speakable(now: number): Speakable[];
}

type SpeakableRow = Pick<Row, 'id' | 'kind' | 'test' | 'title_ja' | 'body_ja' | 'title_en' | 'body_en' | 'audio_id'> & {
  change: string | null;
};

export function createSqliteSpeakableStore(db: Db): SpeakableStore {
  const live = db.prepare<[number], SpeakableRow>(
    `SELECT a.id, a.kind, a.test, a.title_ja, a.body_ja, a.title_en, a.body_en, a.audio_id, rv.change
       FROM announcements a LEFT JOIN announcement_revisions rv ON rv.announcement_id = a.id
      WHERE a.status IN ('pending_approval', 'scheduled')
         OR (a.status = 'published' AND (a.expires_at IS NULL OR a.expires_at > ?))`,
  );
  return {
    speakable: (now) =>
      live.all(now).map((r) => {
        const content: SpokenContent = { ...wordingOf(r), audioId: r.audio_id };
        const patch = r.change === null ? null : (JSON.parse(r.change) as { patch?: Partial<SpokenContent> }).patch;
        return { id: r.id, content, pending: patch ? { ...content, ...patch } : null };
      }),
  };
}
