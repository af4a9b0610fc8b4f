/**
 * SQL for the announcements' hub voice, one text for both engines (db/sql.ts): city hall's readings
 * (ふりがな) of an announcement's words, what an announcement says as far as its voice is concerned,
 * the clips themselves (in the database, so every hub serves the clip one hub made) and which clips
 * are still wanted. The clip's hot path does not read these per download: speech/spoken.ts keeps them.
 */
import type { SpeechLanguage, SpeechReading } from '@tsunagu/protocol';
import type { Changes } from '../../../db/changes';
import type { Sql } from '../../../db/sql';
import type { AnnouncementRecord } from '../store';
import { type Row, wordingOf } from '../store-rows';

/**
 * What an announcement says, as far as its voice is concerned (speech/service's SpeechContent);
 * `audioId`: city hall's own recording is played instead, and no clip is made.
 */
export type SpokenContent = Pick<
  AnnouncementRecord,
  'kind' | 'test' | 'titleJa' | 'bodyJa' | 'titleEn' | 'bodyEn' | 'audioId'
>;

/** An announcement as its clip is made: what it says now and city hall's readings of its words. */
export interface Spoken {
  content: SpokenContent;
  readings: SpeechReading[];
}

/** An announcement whose clip may still be asked for, and the content of a change awaiting approval. */
export interface Speakable extends Spoken {
  id: number;
  pending: SpokenContent | null;
}

/** Other hubs forget what they keep of an announcement's voice (its key: the announcement's id). */
export const READINGS_CHANNEL = 'announcement_readings_changed';

export interface SpeechStore {
  readings(announcementId: number): Promise<SpeechReading[]>;
  /**
   * Stores city hall's readings (none: removes them) and tells the other hubs, in one unit of work;
   * `tx`: the unit of work of the announcement's own change, to write inside it.
   */
  setReadings(announcementId: number, readings: readonly SpeechReading[], tx?: Sql): Promise<void>;
  /** What announcement `id` says now, with its readings (one statement), or undefined when there is none. */
  spoken(announcementId: number): Promise<Spoken | undefined>;
  /**
   * Announcements a terminal may still be given (published and not expired), or that will be sent
   * (awaiting approval, scheduled), with their readings.
   */
  speakable(now: number): Promise<Speakable[]>;
  clip(key: string): Promise<Buffer | undefined>;
  hasClip(key: string): Promise<boolean>;
  /** Stores a clip once (the same key from another hub stores nothing: the same words, the same clip). */
  addClip(key: string, language: SpeechLanguage, ogg: Buffer, at: number): Promise<void>;
  /** Every clip's key and when it was made. */
  clipKeys(): Promise<{ key: string; madeAt: number }[]>;
  removeClips(keys: readonly string[]): Promise<number>;
}

type ContentRow = Pick<Row, 'kind' | 'test' | 'title_ja' | 'body_ja' | 'title_en' | 'body_en' | 'audio_id'>;
const CONTENT = 'a.kind, a.test, a.title_ja, a.body_ja, a.title_en, a.body_en, a.audio_id';
const contentOf = (r: ContentRow): SpokenContent => ({ ...wordingOf(r), audioId: r.audio_id });
const readingsOf = (json: string | null): SpeechReading[] =>
  json === null ? [] : (JSON.parse(json) as SpeechReading[]);

export function createSpeechStore(sql: Sql, changes: Pick<Changes, 'notify'>): SpeechStore {
  return {
    readings: async (id) =>
      readingsOf(
        (
          await sql.get<{ readings: string }>('SELECT readings FROM announcement_readings WHERE announcement_id = ?', [
            id,
          ])
        )?.readings ?? null,
      ),
    setReadings: (id, readings, tx) =>
      (tx ?? sql).transaction(async (t) => {
        if (readings.length === 0) await t.run('DELETE FROM announcement_readings WHERE announcement_id = ?', [id]);
        else
          await t.run(
            `INSERT INTO announcement_readings (announcement_id, readings) VALUES (?, ?)
             ON CONFLICT (announcement_id) DO UPDATE SET readings = excluded.readings`,
            [id, JSON.stringify(readings)],
          );
        // Delivered only if it commits: the clip another hub keeps says these readings from then on.
        await changes.notify(t, READINGS_CHANNEL, id);
      }),
    async spoken(id) {
      const r = await sql.get<ContentRow & { readings: string | null }>(
        `SELECT ${CONTENT}, r.readings FROM announcements a
           LEFT JOIN announcement_readings r ON r.announcement_id = a.id WHERE a.id = ?`,
        [id],
      );
      return r && { content: contentOf(r), readings: readingsOf(r.readings) };
    },
    async speakable(now) {
      const rows = await sql.all<ContentRow & { id: number; change: string | null; readings: string | null }>(
        `SELECT a.id, ${CONTENT}, rv.change, r.readings
           FROM announcements a
           LEFT JOIN announcement_revisions rv ON rv.announcement_id = a.id
           LEFT JOIN announcement_readings r ON r.announcement_id = a.id
          WHERE a.status IN ('pending_approval', 'scheduled')
             OR (a.status = 'published' AND (a.expires_at IS NULL OR a.expires_at > ?))`,
        [now],
      );
      return rows.map((r) => {
        const content = contentOf(r);
        const patch = r.change === null ? null : (JSON.parse(r.change) as { patch?: Partial<SpokenContent> }).patch;
        return {
          id: r.id,
          content,
          readings: readingsOf(r.readings),
          pending: patch ? { ...content, ...patch } : null,
        };
      });
    },
    clip: async (key) =>
      (await sql.get<{ ogg: Buffer }>('SELECT ogg FROM announcement_speech_clips WHERE key = ?', [key]))?.ogg,
    hasClip: async (key) =>
      (await sql.get('SELECT 1 AS found FROM announcement_speech_clips WHERE key = ?', [key])) !== undefined,
    addClip: async (key, language, ogg, at) =>
      void (await sql.run(
        `INSERT INTO announcement_speech_clips (key, language, ogg, made_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (key) DO NOTHING`,
        [key, language, ogg, at],
      )),
    clipKeys: async () =>
      (await sql.all<{ key: string; made_at: number }>('SELECT key, made_at FROM announcement_speech_clips')).map(
        (r) => ({ key: r.key, madeAt: r.made_at }),
      ),
    async removeClips(keys) {
      if (keys.length === 0) return 0;
      const [inKeys, param] = sql.anyOf('key', keys);
      return sql.run(`DELETE FROM announcement_speech_clips WHERE ${inKeys}`, [param]);
    },
  };
}
