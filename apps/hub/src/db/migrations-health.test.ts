/** Migrations 0060–0069 (the hub's own health: issue 20; 0061 the voice clips and 0062 city hall's recordings in the database,
 * 0063 a notification delivery stored once: issue 18). */
import { addWatcher, migrated, migratedWithHousehold, rowCount, running, tableSql } from '../testing/migrated';
import { createTestDatabase } from '../testing/postgres';
import { migrate } from './migrate';
import { migratePostgres } from './postgres';
import { numbered } from './sql';

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

describe('0063-deliveries-once-feed-failures: notification deliveries', () => {
  // Each delivery of a watch alert twice (one also sent), a later level and another device: the
  // copies go, the first of each is kept.
  const ROWS = [
    [1, 'mail', 'w@example.city', 'sent'],
    [1, 'mail', 'w@example.city', 'pending'],
    [1, 'push', '1', 'pending'],
    [1, 'push', '2', 'pending'],
    [1, 'push', '2', 'failed'],
    [2, 'mail', 'w@example.city', 'pending'],
  ] as const;
  const insertRows = async (run: (sql: string, params: unknown[]) => Promise<unknown>) => {
    for (const [level, channel, address, status] of ROWS)
      await run(
        `INSERT INTO notification_deliveries (alert_id, user_id, channel, address, level, status, next_attempt_at, created_at)
         VALUES (1, 1, ?, ?, ?, ?, ?, 0)`,
        [channel, address, level, status, status === 'pending' ? 5 : null],
      );
  };
  const KEPT = [
    { id: 1, level: 1, channel: 'mail', status: 'sent' },
    { id: 3, level: 1, channel: 'push', status: 'pending' },
    { id: 4, level: 1, channel: 'push', status: 'pending' },
    { id: 6, level: 2, channel: 'mail', status: 'pending' },
  ];
  const DUPLICATE =
    "INSERT INTO notification_deliveries (alert_id, user_id, channel, address, level, status, next_attempt_at, created_at) VALUES (1, 1, 'mail', 'w@example.city', 1, 'pending', 5, 0)";

  it('keeps the first of each delivery stored twice before it, then refuses a second (SQLite)', async () => {
    const db = migratedWithHousehold(62);
    addWatcher(db);
    db.prepare(
      "INSERT INTO watch_alerts (kind, household_id, district_id, level, opened_at) VALUES ('concern', 1, 1, 1, 0)",
    ).run();
    await insertRows(async (sql, params) => db.prepare(sql).run(...params));
    migrate(db, { target: 63 });
    expect(db.prepare('SELECT id, level, channel, status FROM notification_deliveries ORDER BY id').all()).toEqual(
      KEPT,
    );
    expect(running(db, DUPLICATE)).toThrow(/UNIQUE/);
    expect(rowCount(db, 'notification_deliveries')).toBe(4);
  });

  it('does the same on PostgreSQL', async () => {
    const t = await createTestDatabase();
    try {
      const q = (sql: string, params: unknown[] = []) => t.pg.query(numbered(sql), params);
      // The database as 0062 left it.
      await q('DROP INDEX notification_deliveries_once');
      await q('ALTER TABLE jma_feed_state DROP COLUMN failures');
      await q('DELETE FROM schema_migrations WHERE version = 63');
      await q("INSERT INTO districts (code, name, name_en) VALUES ('d', 'D', 'D')");
      await q("INSERT INTO households (name, address, district_id, created_at) VALUES ('h', 'a', 1, 0)");
      await q(
        "INSERT INTO users (username, display_name, password_hash, role, created_at) VALUES ('w', 'W', 'x', 'watcher', 0)",
      );
      await q(
        "INSERT INTO watch_alerts (kind, household_id, district_id, level, opened_at) VALUES ('concern', 1, 1, 1, 0)",
      );
      await q("INSERT INTO jma_feed_state (url, last_success_at) VALUES ('https://a.invalid/feed', 5)");
      await insertRows(q);
      expect(await migratePostgres(t.pg)).toEqual([63]);
      expect(
        (await q('SELECT id, level, channel, status FROM notification_deliveries ORDER BY id')).rows.map((r) => ({
          ...r,
          id: Number(r.id),
          level: Number(r.level),
        })),
      ).toEqual(KEPT);
      await expect(q(DUPLICATE)).rejects.toThrow(/duplicate key/);
      expect((await q('SELECT url, failures FROM jma_feed_state')).rows).toEqual([
        { url: 'https://a.invalid/feed', failures: expect.anything() },
      ]);
      expect(Number((await q('SELECT failures FROM jma_feed_state')).rows[0].failures)).toBe(0);
    } finally {
      await t.drop();
    }
  });
});

describe('0063-deliveries-once-feed-failures: JMA feed failures', () => {
  it('counts failed polls in a row per feed, 0 for feeds stored before it', () => {
    const db = migrated(62);
    db.prepare("INSERT INTO jma_feed_state (url, last_success_at) VALUES ('https://a.invalid/feed', 5)").run();
    migrate(db, { target: 63 });
    expect(db.prepare('SELECT url, failures FROM jma_feed_state').all()).toEqual([
      { url: 'https://a.invalid/feed', failures: 0 },
    ]);
    expect(running(db, 'UPDATE jma_feed_state SET failures = -1')).toThrow(/CHECK constraint failed/);
    expect(running(db, "UPDATE jma_feed_state SET failures = 'many'")).toThrow(/cannot store TEXT value/);
  });
});
