/** Migrations 0060–0069 (the hub's own health: issue 20). */
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
