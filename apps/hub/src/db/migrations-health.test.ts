/** Migrations 0060–0069 (the hub's own health: issue 20; 0061 the voice clips and 0062 city hall's recordings in the database: issue 18). */
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

describe('0062-announcement-recordings', () => {
  const db = migrated(62);

  it('holds a recording per id, of an audio type, as bytes', () => {
    expect(tableSql(db, 'announcement_recordings')).toMatch(/STRICT$/);
    const ins = db.prepare(
      'INSERT INTO announcement_recordings (audio_id, mime_type, data, uploaded_at) VALUES (?, ?, ?, ?)',
    );
    const id = 'a'.repeat(32);
    ins.run(id, 'audio/wav', Buffer.from('RIFF'), 1);
    expect(() => ins.run(id, 'audio/wav', Buffer.from('RIFF'), 2)).toThrow(/UNIQUE/);
    expect(() => ins.run('b'.repeat(32), 'text/html', Buffer.from('<p>'), 1)).toThrow(/CHECK constraint failed/);
    expect(() => ins.run('short', 'audio/wav', Buffer.from('RIFF'), 1)).toThrow(/CHECK constraint failed/);
    expect(() => ins.run('c'.repeat(32), 'audio/wav', 'RIFF', 1)).toThrow(/cannot store TEXT value in BLOB column/);
  });
});
