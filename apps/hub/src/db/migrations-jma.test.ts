import Database from 'better-sqlite3';
import { migrated, notStrict, running } from '../testing/migrated';
import { migrate } from './migrate';

describe('0020-jma', () => {
  const db = migrated(20, { foreignKeys: true });
  const announcement = Number(
    db
      .prepare(
        `INSERT INTO announcements (kind, title_ja, body_ja, target, status, created_by, created_at, updated_at)
         VALUES ('emergency', 't', 'b', '{"type":"all"}', 'published', 'system:jma', 0, 0)`,
      )
      .run().lastInsertRowid,
  );
  const telegram = (overrides: Record<string, unknown> = {}) =>
    db
      .prepare(
        `INSERT INTO jma_telegrams (received_at, source, received_from, sha256, dedupe_key, title, kind, mode, info_type,
           event_id, serial, sent_at, report_at, headline, chain, decision, reason_code, reason_ja, reason_en,
           announcement_id, withdrawn_ids, body)
         VALUES (0, @source, 'k', @sha256, @dedupeKey, '緊急地震速報（警報）', @kind, 'live', 'issue', '1', 1, 0, 0, '',
           'eew:live:1', @decision, 'X', 'x', 'x', @announcementId, @withdrawnIds, '<Report/>')`,
      )
      .run({
        source: 'api',
        sha256: 'a'.repeat(64),
        dedupeKey: 'k1',
        kind: 'eew',
        decision: 'announced',
        announcementId: announcement,
        withdrawnIds: '[]',
        ...overrides,
      });
  telegram();
  // Later migrations (0030 rebuilds the announcements table) keep the link.
  migrate(db);

  it('creates STRICT tables for telegrams, settings and the feed state', () => {
    expect(notStrict(db, ['jma_telegrams', 'jma_settings', 'jma_feed_state', 'jma_feed_entries'])).toEqual([]);
  });

  it('keeps the link to the announcement through later rebuilds, and forgets it if the announcement goes', () => {
    expect(db.prepare('SELECT announcement_id AS a FROM jma_telegrams').get()).toEqual({ a: announcement });
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.prepare('DELETE FROM announcements WHERE id = ?').run(announcement);
    expect(db.prepare('SELECT announcement_id AS a FROM jma_telegrams').get()).toEqual({ a: null });
  });

  it('records a telegram once (by hash and by type, event and serial), with known values only', () => {
    expect(() => telegram({ dedupeKey: 'k2' })).toThrow(/UNIQUE/);
    expect(() => telegram({ sha256: 'b'.repeat(64) })).toThrow(/UNIQUE/);
    expect(() => telegram({ sha256: 'B'.repeat(64), dedupeKey: 'k3' })).toThrow(/CHECK/);
    expect(() => telegram({ sha256: 'c'.repeat(64), dedupeKey: 'k4', decision: 'maybe' })).toThrow(/CHECK/);
    expect(() => telegram({ sha256: 'd'.repeat(64), dedupeKey: 'k5', source: 'fax' })).toThrow(/CHECK/);
    expect(() => telegram({ sha256: 'e'.repeat(64), dedupeKey: 'k6', withdrawnIds: 'nope' })).toThrow(/CHECK/);
    expect(running(db, "INSERT INTO jma_settings (key, value) VALUES ('other', '{}')")).toThrow(/CHECK/);
  });
});

/** A fully migrated database with one JMA announcement, for the tables beside announcements. */
function migratedWithAnnouncement() {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db);
  const id = Number(
    db
      .prepare(
        `INSERT INTO announcements (kind, title_ja, body_ja, target, status, created_by, created_at, updated_at)
         VALUES ('emergency', 't', 'b', '{"type":"all"}', 'published', 'system:jma', 0, 0)`,
      )
      .run().lastInsertRowid,
  );
  return { db, id };
}

// One known value per announcement, going with it: its tone (0021), its source (0022; also after
// 0030 rebuilt announcements).
describe.each([
  {
    migration: '0021-announcement-tones',
    table: 'announcement_tones',
    column: 'tone',
    value: 'eew',
    other: 'siren',
    otherRefused: /CHECK/,
  },
  {
    migration: '0022-announcement-sources',
    table: 'announcement_sources',
    column: 'source',
    value: 'jma',
    other: 'console',
    otherRefused: /CHECK|UNIQUE|PRIMARY/,
  },
])('$migration', ({ table, column, value, other, otherRefused }) => {
  const { db, id } = migratedWithAnnouncement();

  it(`keeps one known ${column} per announcement, '${value}' only, and goes with it`, () => {
    const insert = db.prepare(`INSERT INTO ${table} (announcement_id, ${column}) VALUES (?, ?)`);
    insert.run(id, value);
    expect(() => insert.run(id, value)).toThrow(/UNIQUE|PRIMARY/);
    expect(() => insert.run(id, other)).toThrow(otherRefused);
    expect(running(db, `INSERT INTO ${table} (announcement_id, ${column}) VALUES (999, '${value}')`)).toThrow(
      /FOREIGN KEY/,
    );
    db.prepare('DELETE FROM announcements WHERE id = ?').run(id);
    expect(db.prepare(`SELECT count(*) AS n FROM ${table}`).get()).toEqual({ n: 0 });
  });
});

describe('0023-cap-signatures', () => {
  const db = migrated(5, { foreignKeys: true });
  const insert = (identifier: string, extra = '', values = '') =>
    db
      .prepare(
        `INSERT INTO cap_messages (sender, identifier, sent, msg_type, status, outcome, received_at${extra})
         VALUES ('s', ?, '2026-01-01T00:00:00+09:00', 'Alert', 'Actual', 'announced', 0${values})`,
      )
      .run(identifier);
  insert('before');
  migrate(db);

  it('keeps messages received before (signature unknown: NULL) and records known states only', () => {
    expect(
      db.prepare("SELECT signature, signed_by AS signedBy FROM cap_messages WHERE identifier = 'before'").get(),
    ).toEqual({ signature: null, signedBy: null });
    insert('v', ', signature, signed_by', ", 'verified', 'CN=pref'");
    insert('u', ', signature', ", 'unsigned'");
    expect(() => insert('x', ', signature', ", 'maybe'")).toThrow(/CHECK/);
    // Only a verified signature names whose certificate it was.
    expect(() => insert('y', ', signature, signed_by', ", 'unverified', 'CN=someone'")).toThrow(/CHECK/);
  });
});
