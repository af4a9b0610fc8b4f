import { migratedWithHousehold, notStrict, running } from '../testing/migrated';

describe('0004-checkins-watch', () => {
  const db = migratedWithHousehold(4);

  it('creates the watch tables as STRICT tables', () => {
    const tables = [
      'checkin_plans',
      'checkins',
      'signs_of_life',
      'checkin_steps',
      'watch_alerts',
      'watch_alert_events',
    ];
    const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
      (r) => r.name,
    );
    expect(names).toEqual(expect.arrayContaining(tables));
    expect(notStrict(db, tables)).toEqual([]);
  });

  it('counts a check-in once per household and idempotency key', () => {
    const insert = db.prepare(
      "INSERT INTO checkins (household_id, idempotency_key, at, pressed_at, received_at) VALUES (1, 'k', 1, 1, 1)",
    );
    insert.run();
    expect(() => insert.run()).toThrow(/UNIQUE/);
    expect(
      running(
        db,
        "INSERT INTO checkins (household_id, idempotency_key, at, pressed_at, received_at, mood) VALUES (1, 'k2', 1, 1, 1, 'great')",
      ),
    ).toThrow(/CHECK/);
  });

  it('refuses plans out of range and unknown sign-of-life kinds', () => {
    const plan = db.prepare(
      "INSERT INTO checkin_plans (household_id, enabled, opens_at, deadline, days, grace_minutes, ack_timeout_minutes, signs_of_life, offline_alert_minutes, updated_at, updated_by) VALUES (1, 1, 0, ?, 127, 60, 60, '[]', 180, 0, 't')",
    );
    expect(() => plan.run(1440)).toThrow(/CHECK/);
    plan.run(600);
    expect(running(db, "INSERT INTO signs_of_life (household_id, kind, at) VALUES (1, 'dance', 0)")).toThrow(/CHECK/);
  });

  it('keeps one missed-check-in alert per household and day, and district alerts without a household', () => {
    const missed = db.prepare(
      "INSERT INTO watch_alerts (kind, household_id, district_id, day, opened_at) VALUES ('missed_checkin', 1, 1, '2026-01-05', 0) ON CONFLICT DO NOTHING",
    );
    expect(missed.run().changes).toBe(1);
    expect(missed.run().changes).toBe(0);
    expect(
      running(
        db,
        "INSERT INTO watch_alerts (kind, household_id, district_id, opened_at) VALUES ('district_outage', 1, 1, 0)",
      ),
    ).toThrow(/CHECK/);
    db.prepare("INSERT INTO watch_alerts (kind, district_id, opened_at) VALUES ('district_outage', 1, 0)").run();
    expect(running(db, "UPDATE watch_alerts SET state = 'resolved' WHERE id = 1")).toThrow(/CHECK/);
  });
});
