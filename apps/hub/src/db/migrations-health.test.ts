/** Migrations 0060–0069 (the hub's own health: issue 20; 0061 the voice clips in the database: issue 18). */
import { migrated, tableSql } from '../testing/migrated';

describe('0060-health-probe', () => {
  const db = migrated(60);

  it('holds exactly one STRICT row', () => {
    const sql = tableSql(db, 'health_probe');
    expect(sql).toMatch(/STRICT$/);
    const ins = db.prepare('INSERT INTO health_probe (id, checked_at, filler) VALUES (?, ?, zeroblob(16))');
    ins.run(1, 1);
    expect(() => ins.run(2, 1)).toThrow(/CHECK constraint failed/);
    expect(() => ins.run(1, 2)).toThrow(/UNIQUE/);
    expect(() => ins.run(1, 'soon')).toThrow(/cannot store TEXT value in INTEGER column/);
  });
});

describe('0061-announcement-speech-clips', () => {
  const db = migrated(61);

  it('holds a clip per key, in Japanese or English, as bytes', () => {
    expect(tableSql(db, 'announcement_speech_clips')).toMatch(/STRICT$/);
    const ins = db.prepare('INSERT INTO announcement_speech_clips (key, language, ogg, made_at) VALUES (?, ?, ?, ?)');
    const key = 'a'.repeat(40);
    ins.run(key, 'ja', Buffer.from('OggS'), 1);
    expect(() => ins.run(key, 'ja', Buffer.from('OggS'), 2)).toThrow(/UNIQUE/);
    expect(() => ins.run('b'.repeat(40), 'fr', Buffer.from('OggS'), 1)).toThrow(/CHECK constraint failed/);
    expect(() => ins.run('short', 'ja', Buffer.from('OggS'), 1)).toThrow(/CHECK constraint failed/);
    expect(() => ins.run('c'.repeat(40), 'ja', 'OggS', 1)).toThrow(/cannot store TEXT value in BLOB column/);
  });
});
