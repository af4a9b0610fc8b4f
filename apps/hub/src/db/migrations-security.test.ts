/** Migrations 0010–0019 (security and privacy: issue 11). */
import { addWatcher, migrated, rowCount, running, tableSql } from '../testing/migrated';

describe('0010-login-failures', () => {
  const db = migrated(10);

  it('is a STRICT table keyed by the name hash', () => {
    const sql = tableSql(db, 'login_failures');
    expect(sql).toMatch(/STRICT$/);
    const ins = db.prepare(
      'INSERT INTO login_failures (name_hash, failed, locked_until, last_failed_at) VALUES (?, ?, ?, ?)',
    );
    ins.run('h', 1, null, 1);
    expect(() => ins.run('h', 2, null, 2)).toThrow(/UNIQUE/);
    expect(() => ins.run('g', 'many', null, 2)).toThrow(/cannot store TEXT value in INTEGER column/);
  });
});

describe('0011-two-factor', () => {
  const db = migrated(11, { foreignKeys: true });
  addWatcher(db, 'u');

  it('keeps one secret per user and recovery codes by hash, both gone with the user', () => {
    db.prepare("INSERT INTO two_factor (user_id, secret, created_at) VALUES (1, 'S', 0)").run();
    expect(running(db, "INSERT INTO two_factor (user_id, secret, created_at) VALUES (1, 'T', 0)")).toThrow(
      /UNIQUE|PRIMARY/,
    );
    const code = db.prepare('INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (1, ?, 0)');
    code.run('h1');
    expect(() => code.run('h1')).toThrow(/UNIQUE/);
    expect(running(db, "INSERT INTO two_factor (user_id, secret, created_at) VALUES (9, 'S', 0)")).toThrow(
      /FOREIGN KEY/,
    );
    db.prepare('DELETE FROM users WHERE id = 1').run();
    expect(rowCount(db, 'recovery_codes')).toBe(0);
    expect(rowCount(db, 'two_factor')).toBe(0);
  });
});

describe('0012-data-reads', () => {
  const db = migrated(12);
  const ins = db.prepare('INSERT INTO data_reads (at, actor, household_id, what, ip) VALUES (?, ?, ?, ?, ?)');

  it('keeps what was read as one of four kinds, and refuses changes', () => {
    ins.run(1, 'user:1:a', 7, 'record', '192.0.2.1');
    expect(() => ins.run(1, 'user:1:a', 7, 'everything', null)).toThrow(/CHECK/);
    expect(() => ins.run(1, 'user:1:a', 'seven', 'record', null)).toThrow(/cannot store TEXT value in INTEGER column/);
    expect(running(db, "UPDATE data_reads SET actor = 'b'")).toThrow(/append-only/);
    // The retention job deletes old rows.
    expect(db.prepare('DELETE FROM data_reads WHERE at < 2').run().changes).toBe(1);
  });
});

describe('0013-audit-retention', () => {
  const db = migrated(13);
  const insert = db.prepare("INSERT INTO audit_log (at, actor, action) VALUES (?, 'system', 'x')");
  const year = 365 * 86_400_000;

  it('lets only entries more than five years old be deleted, and none be changed', () => {
    const recent = insert.run(Date.now() - 4 * year).lastInsertRowid;
    const ancient = insert.run(Date.now() - 6 * year).lastInsertRowid;
    expect(() => db.prepare('DELETE FROM audit_log WHERE id = ?').run(recent)).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE audit_log SET actor = 'y' WHERE id = ?").run(ancient)).toThrow(/append-only/);
    expect(db.prepare('DELETE FROM audit_log WHERE id = ?').run(ancient).changes).toBe(1);
    expect(running(db, 'DELETE FROM audit_log')).toThrow(/append-only/);
  });
});
