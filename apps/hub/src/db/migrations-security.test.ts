/** Migrations 0010–0019 (security and privacy: issue 11). */
import Database from 'better-sqlite3';
import { migrate } from './migrate';

describe('0010-login-failures', () => {
  const db = new Database(':memory:');
  migrate(db, { target: 10 });

  it('is a STRICT table keyed by the name hash', () => {
    const sql = (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'login_failures'").get() as { sql: string })
      .sql;
    expect(sql).toMatch(/STRICT$/);
    const ins = db.prepare(
      'INSERT INTO login_failures (name_hash, failed, locked_until, last_failed_at) VALUES (?, ?, ?, ?)',
    );
    ins.run('h', 1, null, 1);
    expect(() => ins.run('h', 2, null, 2)).toThrow(/UNIQUE/);
    expect(() => ins.run('g', 'many', null, 2)).toThrow(/cannot store TEXT value in INTEGER column/);
  });
});
