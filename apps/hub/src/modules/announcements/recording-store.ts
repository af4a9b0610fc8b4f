/**
 * SQL for city hall's own recordings (uploaded voice clips), one text for both engines (db/sql.ts).
 * In the database, so a recording uploaded to one hub is served by every hub (issue 18). The
 * download path does not read them per request: audio.ts keeps the newest in memory.
 */
import type { Sql } from '../../db/sql';

export interface Recording {
  mimeType: string;
  data: Buffer;
}

export interface RecordingsStore {
  /** Stores a recording once: false when that id is already stored (nothing is changed). */
  add(audioId: string, recording: Recording, at: number): Promise<boolean>;
  mimeType(audioId: string): Promise<string | undefined>;
  get(audioId: string): Promise<Recording | undefined>;
}

export function createRecordingsStore(sql: Sql): RecordingsStore {
  return {
    add: async (audioId, { mimeType, data }, at) =>
      (await sql.run(
        `INSERT INTO announcement_recordings (audio_id, mime_type, data, uploaded_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (audio_id) DO NOTHING`,
        [audioId, mimeType, data, at],
      )) === 1,
    mimeType: async (audioId) =>
      (
        await sql.get<{ mime_type: string }>('SELECT mime_type FROM announcement_recordings WHERE audio_id = ?', [
          audioId,
        ])
      )?.mime_type,
    async get(audioId) {
      const r = await sql.get<{ mime_type: string; data: Buffer }>(
        'SELECT mime_type, data FROM announcement_recordings WHERE audio_id = ?',
        [audioId],
      );
      return r && { mimeType: r.mime_type, data: r.data };
    },
  };
}
