/** Migrations 0050–0059 (issue 16: help requests, notifications, call notes, planned calls). */

import { addListeningShop, migratedWithHousehold, rowCount, running, tableSql } from '../testing/migrated';
import { migrate } from './migrate';

describe('0050-watch-help-requests', () => {
  it('keeps every alert and its ladder through the rebuild, and takes the new kinds', () => {
    const db = migratedWithHousehold(31);
    db.prepare(
      "INSERT INTO watch_alerts (kind, household_id, district_id, day, level, opened_at, next_step_at) VALUES ('missed_checkin', 1, 1, '2026-01-05', 1, 10, 20)",
    ).run();
    db.prepare(
      "INSERT INTO watch_alert_events (alert_id, at, type, actor, level) VALUES (1, 10, 'opened', 'system', 0)",
    ).run();
    migrate(db, { target: 50 });
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.prepare('SELECT id, kind, level, next_step_at, announcement_id FROM watch_alerts').all()).toEqual([
      { id: 1, kind: 'missed_checkin', level: 1, next_step_at: 20, announcement_id: null },
    ]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM watch_alert_events WHERE alert_id = 1').get()).toEqual({ n: 1 });
    const sql = tableSql(db, 'watch_alerts');
    expect(sql).toMatch(/STRICT$/);
    const insert = db.prepare(
      'INSERT INTO watch_alerts (kind, household_id, district_id, level, opened_at) VALUES (?, 1, 1, 1, 0)',
    );
    for (const kind of ['help_request', 'safety_unanswered', 'missed_call']) insert.run(kind);
    expect(() => insert.run('panic')).toThrow(/CHECK/);
    // Still one missed-check-in alert per household and day.
    expect(
      running(
        db,
        "INSERT INTO watch_alerts (kind, household_id, district_id, day, level, opened_at) VALUES ('missed_checkin', 1, 1, '2026-01-05', 0, 0)",
      ),
    ).toThrow(/UNIQUE/);
  });

  it('raises one alert of a kind per household and safety check, and keeps a ledger of safety follow-ups', () => {
    const db = migratedWithHousehold(50);
    db.prepare(
      "INSERT INTO announcements (kind, title_ja, body_ja, target, status, created_by, created_at, updated_at) VALUES ('emergency', 't', 'b', '{}', 'published', 'x', 0, 0)",
    ).run();
    const insert = db.prepare(
      'INSERT INTO watch_alerts (kind, household_id, district_id, level, opened_at, announcement_id) VALUES (?, 1, 1, 1, 0, 1) ON CONFLICT DO NOTHING',
    );
    expect(insert.run('help_request').changes).toBe(1);
    expect(insert.run('help_request').changes).toBe(0);
    expect(insert.run('safety_unanswered').changes).toBe(1);
    db.prepare('INSERT INTO safety_followups (announcement_id, due_at) VALUES (1, 100)').run();
    expect(running(db, 'INSERT INTO safety_followups (announcement_id, due_at) VALUES (1, 200)')).toThrow(
      /UNIQUE|PRIMARY/,
    );
    expect(running(db, 'INSERT INTO safety_followups (announcement_id, due_at) VALUES (9, 1)')).toThrow(/FOREIGN KEY/);
  });
});

describe('0051-notifications', () => {
  const db = migratedWithHousehold(51);
  db.prepare(
    "INSERT INTO users (username, display_name, password_hash, role, watcher_kind, created_at) VALUES ('w', 'W', 'x', 'watcher', 'welfare', 0)",
  ).run();
  db.prepare(
    "INSERT INTO watch_alerts (kind, household_id, district_id, level, opened_at) VALUES ('concern', 1, 1, 1, 0)",
  ).run();

  it('keeps a pending delivery with its next attempt, and refuses unknown statuses and channel names', () => {
    const insert = db.prepare(
      "INSERT INTO notification_deliveries (alert_id, user_id, channel, address, level, status, next_attempt_at, created_at) VALUES (1, 1, 'mail', 'w@example.city', 1, ?, ?, 0)",
    );
    insert.run('pending', 5);
    expect(() => insert.run('pending', null)).toThrow(/CHECK/);
    expect(() => insert.run('sent', 5)).toThrow(/CHECK/);
    expect(() => insert.run('lost', null)).toThrow(/CHECK/);
    const optIn = db.prepare(
      'INSERT INTO notification_channels (user_id, channel, enabled, address, updated_at) VALUES (1, ?, 1, NULL, 0)',
    );
    optIn.run('sms');
    expect(() => optIn.run('SMS!')).toThrow(/CHECK/);
  });

  it('one subscription per push endpoint, removed with its person', () => {
    const add = db.prepare(
      "INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth, created_at) VALUES (1, 'https://push.example/1', 'k', 'a', 0)",
    );
    add.run();
    expect(() => add.run()).toThrow(/UNIQUE/);
    db.prepare('DELETE FROM notification_deliveries').run();
    db.prepare('DELETE FROM users WHERE id = 1').run();
    expect(rowCount(db, 'push_subscriptions')).toBe(0);
  });
});

describe('0052-call-notes', () => {
  it('keeps one note per call, a concern only with words, and goes with its call', () => {
    const db = migratedWithHousehold(52);
    addListeningShop(db);
    db.prepare(
      "INSERT INTO calls (shop_id, household_id, direction, status, requested_at) VALUES (1, 1, 'inbound', 'ended', 0)",
    ).run();
    const insert = db.prepare(
      "INSERT INTO call_notes (call_id, household_id, author_name, note, concern, written_at) VALUES (1, 1, 'a', ?, ?, 5)",
    );
    expect(() => insert.run('  ', 'urgent')).toThrow(/CHECK/);
    expect(() => insert.run('x', 'panic')).toThrow(/CHECK/);
    insert.run('咳が続いている', 'visit');
    expect(() => insert.run('again', null)).toThrow(/UNIQUE/);
    const sql = tableSql(db, 'call_notes');
    expect(sql).toMatch(/STRICT$/);
    db.prepare('DELETE FROM calls').run();
    expect(rowCount(db, 'call_notes')).toBe(0);
  });
});

describe('0053-scheduled-calls', () => {
  it('holds weekly plans and one row per plan and due time', () => {
    const db = migratedWithHousehold(53);
    addListeningShop(db);
    const plan = db.prepare(
      "INSERT INTO call_schedules (household_id, shop_id, weekdays, minutes, created_by, created_at, updated_at) VALUES (1, 1, ?, ?, 'x', 0, 0)",
    );
    expect(() => plan.run(0, 600)).toThrow(/CHECK/);
    expect(() => plan.run(128, 600)).toThrow(/CHECK/);
    expect(() => plan.run(4, 1440)).toThrow(/CHECK/);
    plan.run(4, 600);
    const due = db.prepare(
      'INSERT INTO scheduled_calls (schedule_id, due_at, state, updated_at) VALUES (1, ?, ?, 0) ON CONFLICT DO NOTHING',
    );
    expect(due.run(1000, 'due').changes).toBe(1);
    expect(due.run(1000, 'due').changes).toBe(0);
    expect(() => due.run(2000, 'forgotten')).toThrow(/CHECK/);
    for (const table of ['call_schedules', 'scheduled_calls']) {
      const sql = (db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(table) as { sql: string }).sql;
      expect(sql).toMatch(/STRICT$/);
    }
    db.prepare('DELETE FROM call_schedules').run();
    expect(rowCount(db, 'scheduled_calls')).toBe(0);
  });
});
