/** SQL for city hall's readings (ふりがな) of an announcement's words. */
import type { SpeechReading } from '@tsunagu/protocol';
import type { Db } from '../../../db/database';

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
