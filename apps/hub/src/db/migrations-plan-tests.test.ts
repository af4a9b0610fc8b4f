import { migratedWithHousehold, notStrict, running } from '../testing/migrated';
import { migrate } from './migrate';

describe('0042-plan-tests', () => {
  const db = migratedWithHousehold(42);
  const start = db.prepare(
    "INSERT INTO watch_plan_tests (household_id, started_by, started_at, step_minutes, deadline_at) VALUES (1, 'user:1:a', 0, ?, 60000)",
  );

  it('is a STRICT table with one running test per household', () => {
    expect(notStrict(db, ['watch_plan_tests'])).toEqual([]);
    start.run(1);
    expect(() => start.run(1)).toThrow(/UNIQUE/);
    db.prepare("UPDATE watch_plan_tests SET ended_at = 1, ended_by = 'x', end_reason = 'cancelled' WHERE id = 1").run();
    start.run(1);
  });

  it('refuses steps out of range, unknown end reasons and an end without a reason', () => {
    expect(() => start.run(0)).toThrow(/CHECK/);
    expect(running(db, "UPDATE watch_plan_tests SET ended_at = 1, end_reason = 'bored' WHERE id = 2")).toThrow(/CHECK/);
    expect(running(db, 'UPDATE watch_plan_tests SET ended_at = 1 WHERE id = 2')).toThrow(/CHECK/);
  });

  it('keeps its link to the alert through the later rebuild of watch_alerts (0050)', () => {
    const alert = db
      .prepare(
        "INSERT INTO watch_alerts (kind, household_id, district_id, since_at, opened_at) VALUES ('missed_checkin', 1, 1, 0, 0) RETURNING id",
      )
      .get() as { id: number };
    db.prepare('UPDATE watch_plan_tests SET alert_id = ? WHERE id = 2').run(alert.id);
    migrate(db);
    expect(db.prepare('SELECT a.kind FROM watch_plan_tests t JOIN watch_alerts a ON a.id = t.alert_id').get()).toEqual({
      kind: 'missed_checkin',
    });
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.prepare('DELETE FROM watch_alerts WHERE id = ?').run(alert.id);
    expect(db.prepare('SELECT alert_id FROM watch_plan_tests WHERE id = 2').get()).toEqual({ alert_id: null });
  });
});
