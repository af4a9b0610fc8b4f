/** SQL for terminals (device credentials, presence, reports, volume tests) and one-time enrollment codes, on both engines (db/sql.ts). */
import type { FleetTerminal, TerminalStatus, VolumeTest } from '@tsunagu/protocol';
import type { Sql } from '../../db/sql';

export interface TerminalRecord extends TerminalStatus {
  districtId: number;
}

export interface EnrollmentCodeRecord {
  id: number;
  householdId: number;
  expiresAt: number;
  usedAt: number | null;
}

export interface PresenceChange {
  id: number;
  online: boolean;
  at: number;
  /**
   * An offline change: the last `at` this hub stored for the terminal (null: none). It is stored only
   * while the row still holds that time, i.e. no other hub stored the terminal's presence since (it
   * reconnected there before this hub noticed it had gone); null stores it unless the row is newer.
   */
  after?: number | null;
}

/** How long a stored "online" holds without a heartbeat (three of them): a hub that died leaves its terminals' rows online. */
export const PRESENCE_HOLDS_MS = 90_000;

/** Online now by the shared store (any hub): stored online and seen within PRESENCE_HOLDS_MS. */
export const onlineNow = (t: { online: boolean; lastSeenAt: string | null }, now: number) =>
  t.online && t.lastSeenAt !== null && Date.parse(t.lastSeenAt) > now - PRESENCE_HOLDS_MS;

export interface TerminalReport {
  terminalId: number;
  appVersion: string | null;
  protocolVersion: number;
  address: string | null;
  at: number;
}

/** The enrollment code was used meanwhile (another installer, another hub): nothing was stored. */
export class EnrollmentCodeUsedError extends Error {
  constructor() {
    super('enrollment code already used');
    this.name = 'EnrollmentCodeUsedError';
  }
}

export interface TerminalsStore {
  /** The new code's id; null when its hash is taken already (the caller draws another). */
  createCode(c: {
    codeHash: string;
    householdId: number;
    createdBy: string;
    now: number;
    expiresAt: number;
  }): Promise<number | null>;
  codeByHash(codeHash: string): Promise<EnrollmentCodeRecord | undefined>;
  /**
   * Marks the code used and creates the terminal, revoking the household's previous one, in one
   * unit of work; rejects (nothing stored) when the code was used meanwhile.
   */
  enroll(x: {
    codeId: number;
    householdId: number;
    credentialHash: string;
    deviceName: string | null;
    now: number;
  }): Promise<number>;
  byCredentialHash(hash: string): Promise<TerminalRecord | undefined>;
  get(id: number): Promise<TerminalRecord | undefined>;
  list(): Promise<TerminalRecord[]>;
  /** False when the terminal was revoked already (or does not exist). */
  revoke(id: number, now: number): Promise<boolean>;
  /** Unused codes of a household expire now. */
  expireCodes(householdId: number, now: number): Promise<void>;
  setPresence(id: number, online: boolean, now: number): Promise<void>;
  /**
   * Several presence changes (one terminal at most once) in one unit of work that waits for no disk
   * flush; resolves to the changes that turned a terminal online or offline (for the notices to
   * staff, sent after the commit; an online terminal's heartbeat only moves its last-seen time).
   */
  setPresenceMany(changes: readonly PresenceChange[]): Promise<PresenceChange[]>;
  /** Terminals not seen since `before` are offline (at start-up: nobody is connected to this hub yet). */
  markOfflineSeenBefore(before: number): Promise<void>;
  /** Enrolled terminals (not revoked). */
  countActive(): Promise<number>;
  /** Terminals stored online (by any hub) and seen since `seenSince`. */
  countOnline(seenSince: number): Promise<number>;
  /** City hall's fleet view (online as stored; the caller knows who is connected now). */
  fleet(): Promise<FleetTerminal[]>;
  /** What terminals reported on connecting (one terminal at most once; one unit of work, no flush of its own, like presence). */
  saveReports(reports: readonly TerminalReport[]): Promise<void>;
  createVolumeTest(terminalId: number, requestedBy: string, at: number): Promise<VolumeTest>;
  /** The resident's answer; null when the test is not this terminal's or was answered already. */
  answerVolumeTest(testId: number, terminalId: number, heard: boolean, at: number): Promise<VolumeTest | null>;
}

const isoOrNull = (t: number | null) => (t == null ? null : new Date(t).toISOString());

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
  lastSeenAt: isoOrNull(r.last_seen_at),
  revoked: r.revoked_at != null,
});

interface FleetRow extends Row {
  household_name: string;
  app_version: string | null;
  protocol_version: number | null;
  address: string | null;
  last_checkin_at: number | null;
  vt_id: number | null;
  vt_requested_at: number | null;
  vt_heard: number | null;
  vt_answered_at: number | null;
}
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
  ...toRecord(r),
  householdName: r.household_name,
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

const SELECT = `SELECT t.id, t.household_id, h.district_id, t.online, t.last_seen_at, t.revoked_at
  FROM terminals t JOIN households h ON h.id = t.household_id`;
const VOLUME_COLUMNS = 'id, requested_at, heard, answered_at';
const PRESENCE = 'UPDATE terminals SET online = ?, last_seen_at = ? WHERE id = ?';
// Presence in a batch, from `u` (turn_online, seen_at, terminal_id, after): a row per change on
// SQLite, unnest on PostgreSQL (its names differ from the table's: RETURNING names columns unqualified).
// A flip (online ↔ offline); an offline one only while no other hub has stored the terminal since.
const flip = (u: string) => `UPDATE terminals AS t SET online = u.turn_online, last_seen_at = u.seen_at FROM ${u} AS u
  WHERE t.id = u.terminal_id AND t.online <> u.turn_online AND (u.turn_online = 1 OR t.last_seen_at = u.after
    OR (u.after IS NULL AND (t.last_seen_at IS NULL OR t.last_seen_at <= u.seen_at)))
  RETURNING id, online, last_seen_at AS at`;
// A heartbeat of a terminal online already: its last-seen time.
const seen = (u: string) => `UPDATE terminals AS t SET last_seen_at = u.seen_at FROM ${u} AS u
  WHERE t.id = u.terminal_id AND u.turn_online = 1 AND t.online = 1`;
const ONE_CHANGE = '(SELECT ? AS turn_online, ? AS seen_at, ? AS terminal_id, ? AS after)';
const CHANGES_PG =
  '(SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[]) AS c(turn_online, seen_at, terminal_id, after))';
const REPORT_SET = `ON CONFLICT (terminal_id) DO UPDATE SET app_version = excluded.app_version,
  protocol_version = excluded.protocol_version, address = excluded.address, connected_at = excluded.connected_at`;
const REPORT = `INSERT INTO terminal_reports (terminal_id, app_version, protocol_version, address, connected_at)
  VALUES (?, ?, ?, ?, ?) ${REPORT_SET}`;
// PostgreSQL: a batch is one statement (one round trip however many terminals a storm brings).
const REPORTS_MANY_PG = `INSERT INTO terminal_reports (terminal_id, app_version, protocol_version, address, connected_at)
  SELECT * FROM unnest(?::bigint[], ?::text[], ?::bigint[], ?::text[], ?::bigint[]) ${REPORT_SET}`;
// The last check-in from the signs of life (written with every check-in; their index by household
// and time answers it with one step back from the end).
const FLEET = `SELECT t.id, t.household_id, h.name AS household_name, h.district_id, t.online, t.last_seen_at, t.revoked_at,
    r.app_version, r.protocol_version, r.address,
    (SELECT s.at FROM signs_of_life s WHERE s.household_id = t.household_id AND s.kind = 'checkin'
      ORDER BY s.at DESC LIMIT 1) AS last_checkin_at,
    v.id AS vt_id, v.requested_at AS vt_requested_at, v.heard AS vt_heard, v.answered_at AS vt_answered_at
  FROM terminals t JOIN households h ON h.id = t.household_id
  LEFT JOIN terminal_reports r ON r.terminal_id = t.id
  LEFT JOIN terminal_volume_tests v ON v.id = (SELECT MAX(id) FROM terminal_volume_tests WHERE terminal_id = t.id)
  ORDER BY t.id`;

export function createTerminalsStore(sql: Sql): TerminalsStore {
  const one = async (where: string, param: unknown) => {
    const r = await sql.get<Row>(`${SELECT} WHERE ${where}`, [param]);
    return r && toRecord(r);
  };
  const pg = sql.engine === 'postgres';
  /**
   * Rows (one terminal at most once) in a unit of work that waits for no disk flush: row by row on
   * SQLite (a prepared statement), one statement of a column per parameter on PostgreSQL.
   */
  const writeRows = (rowText: string, unnestText: string, rows: readonly unknown[][]) =>
    sql.transaction(
      async (tx) => {
        if (rows.length === 0) return;
        if (pg)
          await tx.run(
            unnestText,
            rows[0]!.map((_, i) => rows.map((r) => r[i])),
          );
        else for (const r of rows) await tx.run(rowText, r);
      },
      { flush: false },
    );
  return {
    async createCode(c) {
      const r = await sql.get<{ id: number }>(
        `INSERT INTO enrollment_codes (code_hash, household_id, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (code_hash) DO NOTHING RETURNING id`,
        [c.codeHash, c.householdId, c.createdBy, c.now, c.expiresAt],
      );
      return r ? r.id : null;
    },
    codeByHash: (h) =>
      sql.get<EnrollmentCodeRecord>(
        'SELECT id, household_id AS "householdId", expires_at AS "expiresAt", used_at AS "usedAt" FROM enrollment_codes WHERE code_hash = ?',
        [h],
      ),
    enroll: (x) =>
      sql.transaction(async (tx) => {
        // Two enrollments of one household on two hubs take turns (SQLite's units of work already do):
        // otherwise neither sees the other's new terminal and the second breaks "one active terminal".
        // NO KEY UPDATE, not UPDATE: a row written meanwhile that names the household checks its key
        // (FOR KEY SHARE) without waiting for this, and so cannot deadlock with it.
        if (pg) await tx.get('SELECT id FROM households WHERE id = ? FOR NO KEY UPDATE', [x.householdId]);
        await tx.run('UPDATE terminals SET revoked_at = ?, online = 0 WHERE household_id = ? AND revoked_at IS NULL', [
          x.now,
          x.householdId,
        ]);
        const t = await tx.get<{ id: number }>(
          'INSERT INTO terminals (household_id, credential_hash, device_name, enrolled_at) VALUES (?, ?, ?, ?) RETURNING id',
          [x.householdId, x.credentialHash, x.deviceName, x.now],
        );
        const used = await tx.run(
          'UPDATE enrollment_codes SET used_at = ?, terminal_id = ? WHERE id = ? AND used_at IS NULL',
          [x.now, t!.id, x.codeId],
        );
        if (used !== 1) throw new EnrollmentCodeUsedError();
        return t!.id;
      }),
    byCredentialHash: (h) => one('t.credential_hash = ?', h),
    get: (id) => one('t.id = ?', id),
    list: async () => (await sql.all<Row>(`${SELECT} ORDER BY t.id`)).map(toRecord),
    revoke: async (id, now) =>
      (await sql.run('UPDATE terminals SET revoked_at = ?, online = 0 WHERE id = ? AND revoked_at IS NULL', [
        now,
        id,
      ])) > 0,
    expireCodes: async (householdId, now) =>
      void (await sql.run(
        'UPDATE enrollment_codes SET expires_at = ? WHERE household_id = ? AND used_at IS NULL AND expires_at > ?',
        [now, householdId, now],
      )),
    setPresence: async (id, online, now) => void (await sql.run(PRESENCE, [online ? 1 : 0, now, id])),
    // Presence needs no disk flush of its own (the hub marks terminals offline at start-up): the
    // commit is still atomic and survives a crash of the hub, and the next flushed commit flushes it
    // anyway. Under a reconnect storm this was the hub's main disk wait.
    setPresenceMany: (changes) =>
      sql.transaction(
        async (tx) => {
          const rows = changes.map((c) => [c.online ? 1 : 0, c.at, c.id, c.after ?? null]);
          if (rows.length === 0) return [];
          // Heartbeats first, then flips: no row is written twice in the transaction. (PostgreSQL checks
          // a row's household again when it is written a second time by the transaction that wrote it,
          // FOR KEY SHARE: that waited for an enrolment of the household, which waited for this row.)
          const flipped: { id: number; online: number; at: number }[] = [];
          if (pg) {
            const columns = rows[0]!.map((_, i) => rows.map((r) => r[i]));
            await tx.run(seen(CHANGES_PG), columns);
            flipped.push(...(await tx.all<(typeof flipped)[number]>(flip(CHANGES_PG), columns)));
          } else
            for (const r of rows) {
              await tx.run(seen(ONE_CHANGE), r);
              flipped.push(...(await tx.all<(typeof flipped)[number]>(flip(ONE_CHANGE), r)));
            }
          return flipped.map((f) => ({ id: Number(f.id), online: Number(f.online) === 1, at: Number(f.at) }));
        },
        { flush: false },
      ),
    markOfflineSeenBefore: async (before) =>
      void (await sql.run(
        'UPDATE terminals SET online = 0 WHERE online = 1 AND (last_seen_at IS NULL OR last_seen_at < ?)',
        [before],
      )),
    countActive: async () =>
      Number((await sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM terminals WHERE revoked_at IS NULL'))!.n),
    countOnline: async (seenSince) =>
      Number(
        (await sql.get<{ n: number }>(
          'SELECT COUNT(*) AS n FROM terminals WHERE revoked_at IS NULL AND online = 1 AND last_seen_at > ?',
          [seenSince],
        ))!.n,
      ),
    fleet: async () => (await sql.all<FleetRow>(FLEET)).map(toFleet),
    saveReports: (reports) =>
      writeRows(
        REPORT,
        REPORTS_MANY_PG,
        reports.map((r) => [r.terminalId, r.appVersion, r.protocolVersion, r.address, r.at]),
      ),
    createVolumeTest: async (terminalId, by, at) =>
      toVolumeTest(
        (await sql.get<VolumeRow>(
          `INSERT INTO terminal_volume_tests (terminal_id, requested_by, requested_at) VALUES (?, ?, ?) RETURNING ${VOLUME_COLUMNS}`,
          [terminalId, by, at],
        ))!,
      ),
    async answerVolumeTest(testId, terminalId, heard, at) {
      const r = await sql.get<VolumeRow>(
        `UPDATE terminal_volume_tests SET heard = ?, answered_at = ? WHERE id = ? AND terminal_id = ? AND heard IS NULL
         RETURNING ${VOLUME_COLUMNS}`,
        [heard ? 1 : 0, at, testId, terminalId],
      );
      return r ? toVolumeTest(r) : null;
    },
  };
}
