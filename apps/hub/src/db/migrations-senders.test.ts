import Database from 'better-sqlite3';
import { migrated, notStrict, rowCount } from '../testing/migrated';
import { migrate } from './migrate';

describe('0005-announcement-senders', () => {
  const db = migrated(5, { foreignKeys: true });
  db.prepare(
    "INSERT INTO api_keys (name, role, prefix, key_hash, created_at) VALUES ('feed', 'cityhall', 'tsk_', 'h', 0)",
  ).run();
  db.prepare(
    `INSERT INTO announcements (kind, title_ja, body_ja, target, status, created_by, created_at, updated_at)
     VALUES ('emergency', 't', 'b', '{"type":"all"}', 'published', 'x', 0, 0)`,
  ).run();
  const policy = (o: Record<string, unknown>) =>
    db
      .prepare(
        `INSERT OR REPLACE INTO announcement_sender_policies (api_key_id, cap_sender, publish, updated_by, updated_at)
         VALUES (@key, @sender, @publish, 'admin', 0)`,
      )
      .run({ key: 1, sender: 'jma@example.jp', publish: 'auto', ...o });

  it('creates STRICT tables for sender policies and revisions', () => {
    expect(notStrict(db, ['announcement_sender_policies', 'announcement_revisions'])).toEqual([]);
  });

  it('refuses an unknown key, an unknown publish policy and a sender CAP would not allow', () => {
    expect(() => policy({ key: 99 })).toThrow(/FOREIGN KEY/);
    expect(() => policy({ publish: 'sometimes' })).toThrow(/CHECK/);
    expect(() => policy({ sender: 'two words' })).toThrow(/CHECK/);
    expect(() => policy({ sender: 'a,b' })).toThrow(/CHECK/);
    expect(policy({ sender: null, publish: 'hold' }).changes).toBe(1);
    expect(policy({}).changes).toBe(1);
  });

  it('keeps a revision only for an announcement that exists, with a JSON change', () => {
    const revise = (id: number, change: string | null) =>
      db
        .prepare(
          'INSERT OR REPLACE INTO announcement_revisions (announcement_id, change, revised_by, revised_at) VALUES (?, ?, ?, 0)',
        )
        .run(id, change, 'user:1:a');
    expect(() => revise(99, null)).toThrow(/FOREIGN KEY/);
    expect(() => revise(1, 'not json')).toThrow(/CHECK/);
    expect(revise(1, '{"patch":{"bodyJa":"b2"},"widenTo":null}').changes).toBe(1);
    db.prepare('DELETE FROM announcements WHERE id = 1').run();
    expect(rowCount(db, 'announcement_revisions')).toBe(0);
  });

  it('survives the later rebuild of the announcements table', () => {
    const full = new Database(':memory:');
    full.pragma('foreign_keys = ON');
    migrate(full);
    expect(full.pragma('foreign_key_list(announcement_revisions)')).toMatchObject([{ table: 'announcements' }]);
    full.close();
  });
});
