/** Migrations 0060–0069 (the hub's own health: issue 20). */
import Database from 'better-sqlite3';
import { migrate } from './migrate';

describe('0060-health-probe', () => {
  const db = new Database(':memory:');
  migrate(db, { target: 60 });

  it('holds exactly one STRICT row', () => {
    const sql = (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'health_probe'").get() as { sql: string }).sql;
    expect(sql).toMatch(/STRICT$/);
    const ins = db.prepare('INSERT INTO health_probe (id, checked_at, filler) VALUES (?, ?, zeroblob(16))');
    ins.run(1, 1);
    expect(() => ins.run(2, 1)).toThrow(/CHECK constraint failed/);
    expect(() => ins.run(1, 2)).toThrow(/UNIQUE/);
    expect(() => ins.run(1, 'soon')).toThrow(/cannot store TEXT value in INTEGER column/);
  });
});
