/** SQL for check-in plans, check-ins, signs of life and the ledger of scheduled steps done. */
import type { ActivityKind, Mood } from '@tsunagu/protocol';
import type { Db } from '../../db/database';
import { type Sql, sqliteSql } from '../../db/sql';
import type { Plan } from './plan';

export interface CheckinInput {
  householdId: number;
  terminalId: number | null;
  idempotencyKey: string;
  /** The counted time (clamped). */
  at: number;
  pressedAt: number;
  receivedAt: number;
  mood: Mood | null;
}

export type CheckinOutcome =
  | { ok: true; checkinId: number; duplicate: boolean; at: number; mood: Mood | null; moodChanged: boolean }
  | { ok: false; error: unknown };

/** A new check-in's columns in the order both engines' INSERT names them. */
export const checkinValues = (c: CheckinInput) =>
  [c.householdId, c.terminalId, c.idempotencyKey, c.at, c.pressedAt, c.receivedAt, c.mood] as const;

/** The outcome of a check-in stored now. */
export const storedCheckin = (c: CheckinInput, checkinId: number): CheckinOutcome => ({
  ok: true,
  checkinId,
  duplicate: false,
  at: c.at,
  mood: c.mood,
  moodChanged: c.mood !== null,
});

/** A resend may carry the mood chosen after the first send; the first mood given stands. */
export const resendSetsMood = (c: CheckinInput, stored: { mood: Mood | null }) =>
  c.mood !== null && stored.mood === null;

/** The outcome of a resend: the stored check-in, with the resend's mood if `moodChanged` (it was set now). */
export const resentCheckin = (
  c: CheckinInput,
  stored: { id: number; at: number; mood: Mood | null },
  moodChanged: boolean,
): CheckinOutcome => ({
  ok: true,
  checkinId: stored.id,
  duplicate: true,
  at: stored.at,
  mood: moodChanged ? c.mood : stored.mood,
  moodChanged,
});

export interface SignOfLife {
  kind: ActivityKind;
  at: number;
  checkinId: number | null;
  mood: Mood | null;
}

/** A household that can be watched: it has an active (not revoked) terminal. */
export interface WatchedHousehold {
  householdId: number;
  name: string;
  districtId: number;
  terminalId: number;
  enrolledAt: number;
  online: boolean;
  lastSeenAt: number | null;
}

/**
 * The check-in write path (group commit, idempotency keys): async, on both engines (SQLite here,
 * PostgreSQL in store-postgres.ts), one suite for both (writer.test.ts).
 */
export interface CheckinLedger {
  /** Stores a batch of check-ins in ONE transaction (group commit); a bad item fails alone. */
  commitCheckins(batch: CheckinInput[]): Promise<CheckinOutcome[]>;
}

/**
 * Plans, signs of life and the schedule's ledger, on both engines: one implementation over `Sql`
 * (db/sql.ts); the watch scheduler reads them in one unit of work with the watch alerts.
 */
export interface CheckinsStore extends CheckinLedger {
  getPlan(householdId: number): Promise<Plan | undefined>;
  listPlans(): Promise<Plan[]>;
  savePlan(plan: Plan, updatedBy: string): Promise<void>;
  deletePlan(householdId: number): Promise<boolean>;
  recordSign(householdId: number, kind: ActivityKind, at: number): Promise<void>;
  /** The first sign of life of one of `kinds` in [from, to). */
  firstSign(
    householdId: number,
    from: number,
    to: number,
    kinds: readonly ActivityKind[],
  ): Promise<SignOfLife | undefined>;
  /** All signs of life in [from, to), oldest first, with the check-in's mood. */
  signs(householdId: number, from: number, to: number): Promise<SignOfLife[]>;
  /** Records a scheduled step for a household's day; false when it had been done already. */
  markStep(householdId: number, day: string, step: string, at: number): Promise<boolean>;
  watchedHouseholds(): Promise<WatchedHousehold[]>;
  watchedHousehold(householdId: number): Promise<WatchedHousehold | undefined>;
}

interface PlanRow {
  household_id: number;
  enabled: number;
  opens_at: number;
  deadline: number;
  days: number;
  reminder_minutes: string;
  grace_minutes: number;
  ack_timeout_minutes: number;
  signs_of_life: string;
  offline_alert_minutes: number;
  updated_at: number;
}

const toPlan = (r: PlanRow): Plan => ({
  householdId: r.household_id,
  enabled: r.enabled === 1,
  opensAt: r.opens_at,
  deadline: r.deadline,
  days: r.days,
  reminderMinutes: JSON.parse(r.reminder_minutes) as number[],
  graceMinutes: r.grace_minutes,
  ackTimeoutMinutes: r.ack_timeout_minutes,
  signsOfLife: JSON.parse(r.signs_of_life) as ActivityKind[],
  offlineAlertMinutes: r.offline_alert_minutes,
  isDefault: false,
  updatedAt: r.updated_at,
});

interface WatchedRow {
  household_id: number;
  name: string;
  district_id: number;
  terminal_id: number;
  enrolled_at: number;
  online: number;
  last_seen_at: number | null;
}
const toWatched = (r: WatchedRow): WatchedHousehold => ({
  householdId: r.household_id,
  name: r.name,
  districtId: r.district_id,
  terminalId: r.terminal_id,
  enrolledAt: r.enrolled_at,
  online: r.online === 1,
  lastSeenAt: r.last_seen_at,
});

const WATCHED = `SELECT h.id AS household_id, h.name, h.district_id, t.id AS terminal_id, t.enrolled_at, t.online, t.last_seen_at
  FROM households h JOIN terminals t ON t.household_id = h.id AND t.revoked_at IS NULL`;
const SIGNS = `SELECT s.kind, s.at, s.checkin_id AS "checkinId", c.mood FROM signs_of_life s
  LEFT JOIN checkins c ON c.id = s.checkin_id WHERE s.household_id = ? AND s.at >= ? AND s.at < ?`;
const SAVE_PLAN = `INSERT INTO checkin_plans (household_id, enabled, opens_at, deadline, days, reminder_minutes, grace_minutes,
    ack_timeout_minutes, signs_of_life, offline_alert_minutes, updated_at, updated_by)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (household_id) DO UPDATE SET enabled = excluded.enabled, opens_at = excluded.opens_at,
    deadline = excluded.deadline, days = excluded.days, reminder_minutes = excluded.reminder_minutes,
    grace_minutes = excluded.grace_minutes, ack_timeout_minutes = excluded.ack_timeout_minutes,
    signs_of_life = excluded.signs_of_life, offline_alert_minutes = excluded.offline_alert_minutes,
    updated_at = excluded.updated_at, updated_by = excluded.updated_by`;

/** Plans, signs of life, the ledger and the watched households: everything but the check-in write path. */
export type CheckinReads = Omit<CheckinsStore, 'commitCheckins'>;

export function createCheckinReads(sql: Sql): CheckinReads {
  return {
    getPlan: async (id) => {
      const r = await sql.get<PlanRow>('SELECT * FROM checkin_plans WHERE household_id = ?', [id]);
      return r && toPlan(r);
    },
    listPlans: async () => (await sql.all<PlanRow>('SELECT * FROM checkin_plans ORDER BY household_id')).map(toPlan),
    savePlan: async (p, updatedBy) =>
      void (await sql.run(SAVE_PLAN, [
        p.householdId,
        p.enabled ? 1 : 0,
        p.opensAt,
        p.deadline,
        p.days,
        JSON.stringify(p.reminderMinutes),
        p.graceMinutes,
        p.ackTimeoutMinutes,
        JSON.stringify(p.signsOfLife),
        p.offlineAlertMinutes,
        p.updatedAt ?? 0,
        updatedBy,
      ])),
    deletePlan: async (id) => (await sql.run('DELETE FROM checkin_plans WHERE household_id = ?', [id])) > 0,
    recordSign: async (h, kind, at) =>
      void (await sql.run('INSERT INTO signs_of_life (household_id, kind, at, checkin_id) VALUES (?, ?, ?, NULL)', [
        h,
        kind,
        at,
      ])),
    firstSign(h, from, to, kinds) {
      const [inKinds, param] = sql.anyOf('s.kind', kinds);
      return sql.get<SignOfLife>(`${SIGNS} AND ${inKinds} ORDER BY s.at LIMIT 1`, [h, from, to, param]);
    },
    signs: (h, from, to) => sql.all<SignOfLife>(`${SIGNS} ORDER BY s.at, s.id`, [h, from, to]),
    markStep: async (h, day, step, at) =>
      (await sql.run(
        'INSERT INTO checkin_steps (household_id, day, step, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
        [h, day, step, at],
      )) === 1,
    watchedHouseholds: async () => (await sql.all<WatchedRow>(`${WATCHED} ORDER BY h.id`)).map(toWatched),
    watchedHousehold: async (id) => {
      const r = await sql.get<WatchedRow>(`${WATCHED} WHERE h.id = ?`, [id]);
      return r && toWatched(r);
    },
  };
}

/** The check-in write path's statements, as both engines run them (PostgreSQL: numbered). */
export const CHECKIN_SQL = {
  insert: `INSERT INTO checkins (household_id, terminal_id, idempotency_key, at, pressed_at, received_at, mood)
    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (household_id, idempotency_key) DO NOTHING RETURNING id`,
  insertSign: "INSERT INTO signs_of_life (household_id, kind, at, checkin_id) VALUES (?, 'checkin', ?, ?)",
  existing: 'SELECT id, at, mood FROM checkins WHERE household_id = ? AND idempotency_key = ?',
  setMood: 'UPDATE checkins SET mood = ? WHERE id = ? AND mood IS NULL',
};

export function createSqliteCheckinsStore(db: Db): CheckinsStore {
  const s = {
    insertCheckin: db.prepare(CHECKIN_SQL.insert),
    existingCheckin: db.prepare(CHECKIN_SQL.existing),
    setMood: db.prepare(CHECKIN_SQL.setMood),
    insertSign: db.prepare(CHECKIN_SQL.insertSign),
  };

  const commitOne = db.transaction((c: CheckinInput): CheckinOutcome => {
    const inserted = s.insertCheckin.get(...checkinValues(c)) as { id: number } | undefined;
    if (inserted) {
      s.insertSign.run(c.householdId, c.at, inserted.id);
      return storedCheckin(c, inserted.id);
    }
    const existing = s.existingCheckin.get(c.householdId, c.idempotencyKey) as {
      id: number;
      at: number;
      mood: Mood | null;
    };
    const moodChanged = resendSetsMood(c, existing) && s.setMood.run(c.mood, existing.id).changes === 1;
    return resentCheckin(c, existing, moodChanged);
  });
  // Inside the unit of work's transaction (below): no savepoint of its own around the batch, whose
  // extra level made each item's savepoint several times dearer (measured: 4-7x on /dev/shm).
  const commitBatch = (batch: CheckinInput[]) =>
    batch.map((c): CheckinOutcome => {
      try {
        // Nested: a savepoint per item, so one failing item does not undo the others.
        return commitOne(c);
      } catch (error) {
        return { ok: false, error };
      }
    });

  const sql = sqliteSql(db);
  return {
    ...createCheckinReads(sql),
    // In the connection's line of units of work (db/sql.ts), so a batch never lands inside another
    // unit's transaction and is never rolled back with it after being acknowledged.
    commitCheckins: (batch) => sql.transaction(async () => commitBatch(batch)),
  };
}
