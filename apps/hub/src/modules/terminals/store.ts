/** SQL for terminals (device credentials, presence) and one-time enrollment codes. */
import type { FleetTerminal, TerminalStatus, VolumeTest } from '@tsunagu/protocol';
import type { Db } from '../../db/database';

export interface TerminalRecord extends TerminalStatus {
  districtId: number;
}

export interface EnrollmentCodeRecord {
  id: number;
  householdId: number;
  expiresAt: number;
  usedAt: number | null;
}

export interface TerminalsStore {
  createCode(c: { codeHash: string; householdId: number; createdBy: string; now: number; expiresAt: number }): number;
  codeByHash(codeHash: string): EnrollmentCodeRecord | undefined;
  /** Marks the code used and creates the terminal, revoking the household's previous one, atomically. */
  enroll(x: {
    codeId: number;
    householdId: number;
    credentialHash: string;
    deviceName: string | null;
    now: number;
  }): number;
  byCredentialHash(hash: string): TerminalRecord | undefined;
  get(id: number): TerminalRecord | undefined;
  list(): TerminalRecord[];
  revoke(id: number, now: number): boolean;
  /** Unused codes of a household expire now. */
  expireCodes(householdId: number, now: number): void;
  setPresence(id: number, online: boolean, now: number): void;
  /** Several presence changes in one transaction (one disk flush instead of one each). */
  setPresenceMany(changes: { id: number; online: boolean; at: number }[]): void;
  /** At start-up no terminal is connected yet, whatever the database says. */
  markAllOffline(): void;
  /** Enrolled terminals (not revoked). */
  countActive(): number;
  /** City hall's fleet view (online as stored; the caller knows who is connected now). */
  fleet(): FleetTerminal[];
  /** What terminals reported on connecting (one transaction, no flush of its own, like presence). */
  saveReports(
    reports: {
      terminalId: number;
      appVersion: string | null;
      protocolVersion: number;
      address: string | null;
      at: number;
    }[],
  ): void;
  createVolumeTest(terminalId: number, requestedBy: string, at: number): VolumeTest;
  /** The resident's answer; null when the test is not this terminal's or was answered already. */
  answerVolumeTest(testId: number, terminalId: number, heard: boolean, at: number): VolumeTest | null;
}

interface FleetRow {
  id: number;
  household_id: number;
  household_name: string;
  district_id: number;
  online: number;
  last_seen_at: number | null;
  revoked_at: number | null;
  app_version: string | null;
  protocol_version: number | null;
  address: string | null;
  last_checkin_at: number | null;
  vt_id: number | null;
  vt_requested_at: number | null;
  vt_heard: number | null;
  vt_answered_at: number | null;
}
const isoOrNull = (t: number | null) => (t == null ? null : new Date(t).toISOString());
interface VolumeRow {
  id: number;
  requested_at: number;
  heard: number | null;
  answered_at: number | null;
}
const toVolumeTest = (v: VolumeRow): VolumeTest => ({
  id: v.id,
  requestedAt: new Date(v.requested_at).toISOString(),
  heard: v.heard === null ? null : v.heard === 1,
  answeredAt: isoOrNull(v.answered_at),
});
const toFleet = (r: FleetRow): FleetTerminal => ({
  id: r.id,
  householdId: r.household_id,
  householdName: r.household_name,
  districtId: r.district_id,
  online: r.online === 1,
  lastSeenAt: isoOrNull(r.last_seen_at),
  revoked: r.revoked_at != null,
  appVersion: r.app_version,
  protocolVersion: r.protocol_version,
  address: r.address,
  lastCheckinAt: isoOrNull(r.last_checkin_at),
  volumeTest:
    r.vt_id === null
      ? null
      : toVolumeTest({
          id: r.vt_id,
          requested_at: r.vt_requested_at!,
          heard: r.vt_heard,
          answered_at: r.vt_answered_at,
        }),
});

interface Row {
  id: number;
  household_id: number;
  district_id: number;
  online: number;
  last_seen_at: number | null;
  revoked_at: number | null;
}
const toRecord = (r: Row): TerminalRecord => ({
  id: r.id,
  householdId: r.household_id,
  districtId: r.district_id,
  online: r.online === 1,
  lastSeenAt: r.last_seen_at == null ? null : new Date(r.last_seen_at).toISOString(),
  revoked: r.revoked_at != null,
});

export function createSqliteTerminalsStore(db: Db): TerminalsStore {
  const select = 'SELECT t.*, h.district_id FROM terminals t JOIN households h ON h.id = t.household_id';
  const s = {
    insertCode: db.prepare(
      'INSERT INTO enrollment_codes (code_hash, household_id, created_by, created_at, expires_at) VALUES (@codeHash, @householdId, @createdBy, @now, @expiresAt)',
    ),
    codeByHash: db.prepare(
      'SELECT id, household_id AS householdId, expires_at AS expiresAt, used_at AS usedAt FROM enrollment_codes WHERE code_hash = ?',
    ),
    useCode: db.prepare('UPDATE enrollment_codes SET used_at = ?, terminal_id = ? WHERE id = ? AND used_at IS NULL'),
    revokeActive: db.prepare(
      'UPDATE terminals SET revoked_at = ?, online = 0 WHERE household_id = ? AND revoked_at IS NULL',
    ),
    insertTerminal: db.prepare(
      'INSERT INTO terminals (household_id, credential_hash, device_name, enrolled_at) VALUES (?, ?, ?, ?)',
    ),
    byHash: db.prepare(`${select} WHERE t.credential_hash = ?`),
    get: db.prepare(`${select} WHERE t.id = ?`),
    list: db.prepare(`${select} ORDER BY t.id`),
    revoke: db.prepare('UPDATE terminals SET revoked_at = ?, online = 0 WHERE id = ? AND revoked_at IS NULL'),
    expireCodes: db.prepare(
      'UPDATE enrollment_codes SET expires_at = ? WHERE household_id = ? AND used_at IS NULL AND expires_at > ?',
    ),
    presence: db.prepare('UPDATE terminals SET online = ?, last_seen_at = ? WHERE id = ?'),
    allOffline: db.prepare('UPDATE terminals SET online = 0 WHERE online = 1'),
    countActive: db.prepare('SELECT COUNT(*) FROM terminals WHERE revoked_at IS NULL').pluck(),
    fleet: db.prepare(
      `SELECT t.id, t.household_id, h.name AS household_name, h.district_id, t.online, t.last_seen_at, t.revoked_at,
         r.app_version, r.protocol_version, r.address,
         (SELECT MAX(c.at) FROM checkins c WHERE c.household_id = t.household_id) AS last_checkin_at,
         v.id AS vt_id, v.requested_at AS vt_requested_at, v.heard AS vt_heard, v.answered_at AS vt_answered_at
       FROM terminals t JOIN households h ON h.id = t.household_id
       LEFT JOIN terminal_reports r ON r.terminal_id = t.id
       LEFT JOIN terminal_volume_tests v ON v.id = (SELECT MAX(id) FROM terminal_volume_tests WHERE terminal_id = t.id)
       ORDER BY t.id`,
    ),
    report: db.prepare(
      `INSERT INTO terminal_reports (terminal_id, app_version, protocol_version, address, connected_at)
       VALUES (@terminalId, @appVersion, @protocolVersion, @address, @at)
       ON CONFLICT (terminal_id) DO UPDATE SET app_version = excluded.app_version,
         protocol_version = excluded.protocol_version, address = excluded.address, connected_at = excluded.connected_at`,
    ),
    volumeTest: db.prepare(
      'INSERT INTO terminal_volume_tests (terminal_id, requested_by, requested_at) VALUES (?, ?, ?) RETURNING id, requested_at, heard, answered_at',
    ),
    answerVolume: db.prepare(
      'UPDATE terminal_volume_tests SET heard = ?, answered_at = ? WHERE id = ? AND terminal_id = ? AND heard IS NULL RETURNING id, requested_at, heard, answered_at',
    ),
  };
  const writeReports = db.transaction((reports: Parameters<TerminalsStore['saveReports']>[0]) => {
    for (const r of reports) s.report.run(r);
  });
  /** Presence-like writes need no disk flush of their own (see setPresenceMany). */
  const unflushed = (write: () => void) => {
    const previous = db.pragma('synchronous', { simple: true }) as number;
    db.pragma('synchronous = NORMAL');
    try {
      write();
    } finally {
      db.pragma(`synchronous = ${Number(previous)}`);
    }
  };
  const writePresence = db.transaction((changes: { id: number; online: boolean; at: number }[]) => {
    for (const c of changes) s.presence.run(c.online ? 1 : 0, c.at, c.id);
  });
  return {
    createCode: (c) => Number(s.insertCode.run(c).lastInsertRowid),
    codeByHash: (h) => s.codeByHash.get(h) as EnrollmentCodeRecord | undefined,
    enroll: (x) =>
      db.transaction(() => {
        s.revokeActive.run(x.now, x.householdId);
        const id = Number(s.insertTerminal.run(x.householdId, x.credentialHash, x.deviceName, x.now).lastInsertRowid);
        if (s.useCode.run(x.now, id, x.codeId).changes !== 1) throw new Error('enrollment code already used');
        return id;
      })(),
    byCredentialHash(h) {
      const r = s.byHash.get(h) as Row | undefined;
      return r && toRecord(r);
    },
    get(id) {
      const r = s.get.get(id) as Row | undefined;
      return r && toRecord(r);
    },
    list: () => (s.list.all() as Row[]).map(toRecord),
    revoke: (id, now) => s.revoke.run(now, id).changes > 0,
    expireCodes: (householdId, now) => void s.expireCodes.run(now, householdId, now),
    setPresence: (id, online, now) => void s.presence.run(online ? 1 : 0, now, id),
    setPresenceMany(changes) {
      // Presence needs no disk flush of its own (the hub marks every terminal offline at start-up):
      // in WAL mode a NORMAL commit is still atomic and survives a crash of the hub, and the next
      // FULL commit flushes it anyway. Under a reconnect storm this was the hub's main disk wait.
      unflushed(() => writePresence(changes));
    },
    markAllOffline: () => void s.allOffline.run(),
    countActive: () => s.countActive.get() as number,
    fleet: () => (s.fleet.all() as FleetRow[]).map(toFleet),
    saveReports: (reports) => unflushed(() => writeReports(reports)),
    createVolumeTest: (terminalId, by, at) => toVolumeTest(s.volumeTest.get(terminalId, by, at) as VolumeRow),
    answerVolumeTest(testId, terminalId, heard, at) {
      const r = s.answerVolume.get(heard ? 1 : 0, at, testId, terminalId) as VolumeRow | undefined;
      return r ? toVolumeTest(r) : null;
    },
  };
}
