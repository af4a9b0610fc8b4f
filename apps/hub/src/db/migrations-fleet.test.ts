import { migratedWithHousehold, notStrict, rowCount, running } from '../testing/migrated';

describe('0043-terminal-fleet', () => {
  const db = migratedWithHousehold(43);
  db.prepare("INSERT INTO terminals (household_id, credential_hash, enrolled_at) VALUES (1, 'h', 0)").run();

  it('creates STRICT tables', () => {
    expect(notStrict(db, ['terminal_reports', 'terminal_volume_tests'])).toEqual([]);
  });

  it('keeps one report per terminal and an answer only with its time', () => {
    const report = db.prepare(
      "INSERT INTO terminal_reports (terminal_id, app_version, protocol_version, address, connected_at) VALUES (1, '0.1.0', 1, '127.0.0.1', 0)",
    );
    report.run();
    expect(() => report.run()).toThrow(/UNIQUE|PRIMARY KEY/);
    db.prepare("INSERT INTO terminal_volume_tests (terminal_id, requested_by, requested_at) VALUES (1, 'u', 0)").run();
    expect(running(db, 'UPDATE terminal_volume_tests SET heard = 1')).toThrow(/CHECK/);
    expect(running(db, 'UPDATE terminal_volume_tests SET heard = 2, answered_at = 1')).toThrow(/CHECK/);
    db.prepare('UPDATE terminal_volume_tests SET heard = 1, answered_at = 1').run();
  });

  it('goes with its terminal', () => {
    db.prepare('DELETE FROM terminals').run();
    expect(rowCount(db, 'terminal_volume_tests')).toBe(0);
    expect(rowCount(db, 'terminal_reports')).toBe(0);
  });
});
