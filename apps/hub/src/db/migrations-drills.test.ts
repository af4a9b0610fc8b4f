import { migratedWithHousehold, notStrict, running } from '../testing/migrated';
import { migrate } from './migrate';

describe('0030-emergency-drills', () => {
  const db = migratedWithHousehold(4);
  db.prepare("INSERT INTO terminals (household_id, credential_hash, enrolled_at) VALUES (1, 'x', 0)").run();
  const insert = (overrides: Record<string, unknown> = {}) =>
    Number(
      db
        .prepare(
          `INSERT INTO announcements (kind, test, title_ja, body_ja, target, status, created_by, created_at, updated_at)
           VALUES (@kind, @test, 't', 'b', '{"type":"all"}', 'published', 'x', 0, 0)`,
        )
        .run({ kind: 'routine', test: 0, ...overrides }).lastInsertRowid,
    );
  // Rows stored before the upgrade, with the rows that refer to them.
  const before = insert({ kind: 'emergency' });
  db.prepare('INSERT INTO announcement_targets (announcement_id, household_id) VALUES (?, 1)').run(before);
  db.prepare(
    'INSERT INTO announcement_receipts (announcement_id, terminal_id, household_id, delivered_at) VALUES (?, 1, 1, 5)',
  ).run(before);
  migrate(db, { target: 30 });

  it('keeps every announcement and every row that refers to one (no cascade while the table is rebuilt)', () => {
    expect(db.prepare('SELECT id, kind FROM announcements').all()).toEqual([{ id: before, kind: 'emergency' }]);
    expect(db.prepare('SELECT count(*) AS n FROM announcement_targets').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT delivered_at FROM announcement_receipts').get()).toEqual({ delivered_at: 5 });
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('accepts an emergency drill and keeps the other rules', () => {
    expect(insert({ kind: 'emergency', test: 1 })).toBeGreaterThan(before);
    expect(() => insert({ kind: 'panic' })).toThrow(/CHECK/);
    expect(() => insert({ test: 2 })).toThrow(/CHECK/);
    expect(notStrict(db, ['announcements'])).toEqual([]);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'announcements_status'").get()).toBeTruthy();
  });

  it('still refers and cascades to the rebuilt table', () => {
    expect(running(db, 'INSERT INTO announcement_targets (announcement_id, household_id) VALUES (999, 1)')).toThrow(
      /FOREIGN KEY/,
    );
    db.prepare('DELETE FROM announcements WHERE id = ?').run(before);
    expect(db.prepare('SELECT count(*) AS n FROM announcement_receipts').get()).toEqual({ n: 0 });
  });
});
