import { migratedWithHousehold } from '../testing/migrated';

describe('0002-announcements', () => {
  const db = migratedWithHousehold(2);
  db.prepare("INSERT INTO terminals (household_id, credential_hash, enrolled_at) VALUES (1, 'x', 0)").run();
  const insert = (overrides: Record<string, unknown> = {}) =>
    db
      .prepare(
        `INSERT INTO announcements (kind, test, title_ja, body_ja, audio_id, target, status, created_by, created_at, updated_at)
         VALUES (@kind, @test, 't', 'b', @audio, @target, @status, 'x', 0, 0)`,
      )
      .run({ kind: 'routine', test: 0, audio: null, target: '{"type":"all"}', status: 'published', ...overrides });

  it('starts with the two-person rule switched off', () => {
    expect(
      db.prepare("SELECT value FROM announcement_settings WHERE key = 'require_emergency_approval'").get(),
    ).toEqual({ value: 'false' });
  });

  it('refuses unknown kinds and statuses, a drill marked emergency, bad JSON targets and non-hex audio ids', () => {
    expect(() => insert({ kind: 'panic' })).toThrow(/CHECK/);
    expect(() => insert({ status: 'sent' })).toThrow(/CHECK/);
    expect(() => insert({ kind: 'emergency', test: 1 })).toThrow(/CHECK/);
    expect(() => insert({ target: 'not json' })).toThrow(/CHECK/);
    expect(() => insert({ audio: '../../etc/passwd' })).toThrow(/CHECK/);
    expect(() => insert({ audio: 'A'.repeat(32) })).toThrow(/CHECK/);
    expect(insert({ audio: 'a'.repeat(32) }).changes).toBe(1);
  });

  it('keeps one receipt per announcement and terminal, with a valid safety answer', () => {
    const id = Number(insert().lastInsertRowid);
    db.prepare('INSERT INTO announcement_targets (announcement_id, household_id) VALUES (?, 1)').run(id);
    db.prepare(
      'INSERT INTO announcement_receipts (announcement_id, terminal_id, household_id, delivered_at) VALUES (?, 1, 1, 5)',
    ).run(id);
    expect(() =>
      db
        .prepare('INSERT INTO announcement_receipts (announcement_id, terminal_id, household_id) VALUES (?, 1, 1)')
        .run(id),
    ).toThrow(/UNIQUE|PRIMARY/);
    expect(() =>
      db.prepare("UPDATE announcement_receipts SET safety_answer = 'maybe' WHERE announcement_id = ?").run(id),
    ).toThrow(/CHECK/);
    expect(() =>
      db.prepare('INSERT INTO announcement_targets (announcement_id, household_id) VALUES (?, 99)').run(id),
    ).toThrow(/FOREIGN KEY/);
  });

  it('remembers a CAP message once per (sender, identifier)', () => {
    const add = () =>
      db
        .prepare(
          "INSERT INTO cap_messages (sender, identifier, sent, msg_type, status, outcome, received_at) VALUES ('s', 'i', 'x', 'Alert', 'Actual', 'ok', 0)",
        )
        .run();
    add();
    expect(add).toThrow(/UNIQUE|PRIMARY/);
  });
});
