/** SQL for watcher alerts and every step of their escalation ladder. */
import type { AlertEventType, AlertKind, AlertOutcome, AlertState, PlanTestEndReason } from '@tsunagu/protocol';
import type { Db } from '../../db/database';
import { conditions, type Sql, sqliteSql } from '../../db/sql';

export interface AlertRecord {
  id: number;
  kind: AlertKind;
  householdId: number | null;
  householdName: string | null;
  districtId: number;
  day: string | null;
  sinceAt: number | null;
  state: AlertState;
  level: number;
  openedAt: number;
  nextStepAt: number | null;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  resolvedAt: number | null;
  resolvedBy: string | null;
  outcome: AlertOutcome | null;
  note: string;
  possibleOutage: boolean;
  announcementId: number | null;
  /** The plan test that raised it (city hall's shortened ladder); null for real alerts. */
  planTestId: number | null;
}

/** City hall's "test this plan now" on one household. */
export interface PlanTestRecord {
  id: number;
  householdId: number;
  startedBy: string;
  startedAt: number;
  stepMinutes: number;
  deadlineAt: number;
  deadlineDone: boolean;
  alertId: number | null;
  endedAt: number | null;
  endedBy: string | null;
  endReason: PlanTestEndReason | null;
}

export interface AlertEventRecord {
  id: number;
  alertId: number;
  at: number;
  type: AlertEventType;
  actor: string;
  level: number | null;
  detail: Record<string, unknown> | null;
}

export interface NewAlert {
  kind: AlertKind;
  householdId: number | null;
  districtId: number;
  day: string | null;
  sinceAt: number | null;
  level: number;
  openedAt: number;
  nextStepAt: number | null;
  possibleOutage: boolean;
  announcementId?: number | null;
}

/**
 * An alert opened at level 1 at `now` with no step planned (an outage, a terminal offline): what
 * differs is said in `a` (`sinceAt` is `now` unless given).
 */
export const levelOneAlert = (
  now: number,
  a: Pick<NewAlert, 'kind' | 'householdId' | 'districtId'> & Partial<NewAlert>,
): NewAlert => ({ day: null, sinceAt: now, level: 1, openedAt: now, nextStepAt: null, possibleOutage: false, ...a });

export interface AlertFilter {
  states: AlertState[];
  /** Only these households (and district alerts of `districtIds`); undefined: all. */
  householdIds?: number[];
  districtIds?: number[];
  householdId?: number;
  announcementId?: number;
  limit: number;
}

export interface WatchStore {
  /** Creates the alert and its `opened` event; null when a missed-check-in alert for that day exists. */
  create(a: NewAlert, detail?: Record<string, unknown>): Promise<number | null>;
  get(id: number): Promise<AlertRecord | undefined>;
  addEvent(
    alertId: number,
    e: {
      at: number;
      type: AlertEventType;
      actor: string;
      level?: number | null;
      detail?: Record<string, unknown> | null;
    },
  ): Promise<void>;
  events(alertId: number): Promise<AlertEventRecord[]>;
  escalate(id: number, level: number, nextStepAt: number | null): Promise<void>;
  acknowledge(id: number, at: number, by: string): Promise<boolean>;
  resolve(id: number, at: number, by: string, outcome: AlertOutcome, note: string): Promise<boolean>;
  markPossibleOutage(id: number): Promise<boolean>;
  /** Unresolved alerts of a household, optionally of one kind. */
  activeForHousehold(householdId: number, kind?: AlertKind): Promise<AlertRecord[]>;
  /**
   * Whether the household has an unresolved missed-check-in or missed-call alert that a sign of
   * life at `at` could close (one indexed look, for the check-in's path: nearly always none).
   */
  hasClosableMissed(householdId: number, at: number): Promise<boolean>;
  activeDistrictOutage(districtId: number): Promise<AlertRecord | undefined>;
  activeDistrictOutages(): Promise<AlertRecord[]>;
  /** Unresolved alerts whose next escalation is due at or before `now`. */
  dueEscalations(now: number): Promise<AlertRecord[]>;
  nextEscalationAt(): Promise<number | null>;
  list(filter: AlertFilter): Promise<AlertRecord[]>;
  /** Missed-check-in alerts of a household between two days (inclusive), for history. */
  missedByDay(householdId: number, fromDay: string, toDay: string): Promise<Map<string, AlertRecord>>;
  /** A safety check whose unanswered households are to be alerted at `dueAt` (once). */
  addSafetyFollowup(announcementId: number, dueAt: number): Promise<void>;
  /** Safety checks due at or before `now` and not done yet. */
  dueSafetyFollowups(now: number): Promise<number[]>;
  safetyFollowupDone(announcementId: number, at: number): Promise<void>;
  nextSafetyFollowupAt(): Promise<number | null>;
  startPlanTest(t: {
    householdId: number;
    startedBy: string;
    startedAt: number;
    stepMinutes: number;
    deadlineAt: number;
  }): Promise<number>;
  planTest(id: number): Promise<PlanTestRecord | undefined>;
  /** The household's running test, else its latest. */
  latestPlanTest(householdId: number): Promise<PlanTestRecord | undefined>;
  runningPlanTests(): Promise<PlanTestRecord[]>;
  /** The test's deadline step is done, with the alert it raised (null: a sign of life came first). */
  planTestDeadlineDone(id: number, alertId: number | null): Promise<void>;
  /** False when it had already ended. */
  endPlanTest(id: number, at: number, by: string, reason: PlanTestEndReason): Promise<boolean>;
}

interface Row {
  id: number;
  kind: AlertKind;
  household_id: number | null;
  household_name: string | null;
  district_id: number;
  day: string | null;
  since_at: number | null;
  state: AlertState;
  level: number;
  opened_at: number;
  next_step_at: number | null;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  resolved_at: number | null;
  resolved_by: string | null;
  outcome: AlertOutcome | null;
  note: string;
  possible_outage: number;
  announcement_id: number | null;
  plan_test_id: number | null;
}
const toRecord = (r: Row): AlertRecord => ({
  id: r.id,
  kind: r.kind,
  householdId: r.household_id,
  householdName: r.household_name,
  districtId: r.district_id,
  day: r.day,
  sinceAt: r.since_at,
  state: r.state,
  level: r.level,
  openedAt: r.opened_at,
  nextStepAt: r.next_step_at,
  acknowledgedAt: r.acknowledged_at,
  acknowledgedBy: r.acknowledged_by,
  resolvedAt: r.resolved_at,
  resolvedBy: r.resolved_by,
  outcome: r.outcome,
  note: r.note,
  possibleOutage: r.possible_outage === 1,
  announcementId: r.announcement_id,
  planTestId: r.plan_test_id,
});

interface PlanTestRow {
  id: number;
  household_id: number;
  started_by: string;
  started_at: number;
  step_minutes: number;
  deadline_at: number;
  deadline_done: number;
  alert_id: number | null;
  ended_at: number | null;
  ended_by: string | null;
  end_reason: PlanTestEndReason | null;
}
const toPlanTest = (r: PlanTestRow): PlanTestRecord => ({
  id: r.id,
  householdId: r.household_id,
  startedBy: r.started_by,
  startedAt: r.started_at,
  stepMinutes: r.step_minutes,
  deadlineAt: r.deadline_at,
  deadlineDone: r.deadline_done === 1,
  alertId: r.alert_id,
  endedAt: r.ended_at,
  endedBy: r.ended_by,
  endReason: r.end_reason,
});

const SELECT = `SELECT a.*, h.name AS household_name, t.id AS plan_test_id FROM watch_alerts a
  LEFT JOIN households h ON h.id = a.household_id LEFT JOIN watch_plan_tests t ON t.alert_id = a.id`;
const INSERT_EVENT =
  'INSERT INTO watch_alert_events (alert_id, at, type, actor, level, detail) VALUES (?, ?, ?, ?, ?, ?)';

/** Watch alerts, their events, safety follow-ups and plan tests on either engine (db/sql.ts). */
export function createWatchStore(sql: Sql): WatchStore {
  const records = async (text: string, params: readonly unknown[] = []) =>
    (await sql.all<Row>(`${SELECT} ${text}`, params)).map(toRecord);
  const record = async (text: string, params: readonly unknown[]) => (await records(text, params))[0];
  const planTests = async (text: string, params: readonly unknown[] = []) =>
    (await sql.all<PlanTestRow>(`SELECT * FROM watch_plan_tests ${text}`, params)).map(toPlanTest);
  const earliest = async (text: string) => (await sql.get<{ t: number | null }>(text))?.t ?? null;
  const changed = async (text: string, params: readonly unknown[]) => (await sql.run(text, params)) === 1;

  return {
    create: (a, detail) =>
      sql.transaction(async (tx) => {
        const row = await tx.get<{ id: number }>(
          `INSERT INTO watch_alerts (kind, household_id, district_id, day, since_at, level, opened_at, next_step_at, possible_outage, announcement_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
          [
            a.kind,
            a.householdId,
            a.districtId,
            a.day,
            a.sinceAt,
            a.level,
            a.openedAt,
            a.nextStepAt,
            a.possibleOutage ? 1 : 0,
            a.announcementId ?? null,
          ],
        );
        if (!row) return null;
        const opened = JSON.stringify({ kind: a.kind, ...(detail ?? {}) });
        await tx.run(INSERT_EVENT, [row.id, a.openedAt, 'opened', 'system', a.level, opened]);
        return row.id;
      }),
    get: (id) => record('WHERE a.id = ?', [id]),
    addEvent: async (alertId, e) =>
      void (await sql.run(INSERT_EVENT, [
        alertId,
        e.at,
        e.type,
        e.actor,
        e.level ?? null,
        e.detail ? JSON.stringify(e.detail) : null,
      ])),
    events: async (alertId) =>
      (
        await sql.all<Omit<AlertEventRecord, 'detail'> & { detail: string | null }>(
          'SELECT id, alert_id AS "alertId", at, type, actor, level, detail FROM watch_alert_events WHERE alert_id = ? ORDER BY id',
          [alertId],
        )
      ).map((e) => ({ ...e, detail: e.detail ? (JSON.parse(e.detail) as Record<string, unknown>) : null })),
    escalate: async (id, level, next) =>
      void (await sql.run("UPDATE watch_alerts SET level = ?, next_step_at = ? WHERE id = ? AND state = 'open'", [
        level,
        next,
        id,
      ])),
    acknowledge: (id, at, by) =>
      changed(
        "UPDATE watch_alerts SET state = 'acknowledged', acknowledged_at = ?, acknowledged_by = ?, next_step_at = NULL WHERE id = ? AND state = 'open'",
        [at, by, id],
      ),
    resolve: (id, at, by, outcome, note) =>
      changed(
        "UPDATE watch_alerts SET state = 'resolved', resolved_at = ?, resolved_by = ?, outcome = ?, note = ?, next_step_at = NULL WHERE id = ? AND state <> 'resolved'",
        [at, by, outcome, note, id],
      ),
    markPossibleOutage: (id) =>
      changed('UPDATE watch_alerts SET possible_outage = 1 WHERE id = ? AND possible_outage = 0', [id]),
    activeForHousehold: async (h, kind) =>
      (await records("WHERE a.household_id = ? AND a.state <> 'resolved' ORDER BY a.id", [h])).filter(
        (a) => !kind || a.kind === kind,
      ),
    hasClosableMissed: async (h, at) =>
      (await sql.get(
        `SELECT 1 AS found FROM watch_alerts WHERE household_id = ? AND state <> 'resolved'
           AND kind IN ('missed_checkin', 'missed_call') AND (since_at IS NULL OR since_at <= ?) LIMIT 1`,
        [h, at],
      )) !== undefined,
    activeDistrictOutage: (d) =>
      record("WHERE a.kind = 'district_outage' AND a.district_id = ? AND a.state <> 'resolved' ORDER BY a.id LIMIT 1", [
        d,
      ]),
    activeDistrictOutages: () => records("WHERE a.kind = 'district_outage' AND a.state <> 'resolved' ORDER BY a.id"),
    dueEscalations: (now) =>
      records(
        "WHERE a.next_step_at IS NOT NULL AND a.next_step_at <= ? AND a.state = 'open' ORDER BY a.next_step_at, a.id",
        [now],
      ),
    nextEscalationAt: () =>
      earliest("SELECT MIN(next_step_at) AS t FROM watch_alerts WHERE next_step_at IS NOT NULL AND state = 'open'"),
    list(f) {
      const states = f.states.length ? f.states : ['open', 'acknowledged', 'resolved'];
      const c = conditions()
        .add(...sql.anyOf('a.state', states))
        .equals('a.household_id', f.householdId)
        .equals('a.announcement_id', f.announcementId);
      if (f.householdIds !== undefined) {
        // Household alerts of these households, and district alerts of their districts.
        const hh = f.householdIds.length ? f.householdIds.join(',') : 'NULL';
        const dd = (f.districtIds ?? []).length ? (f.districtIds ?? []).join(',') : 'NULL';
        c.add(`(a.household_id IN (${hh}) OR (a.household_id IS NULL AND a.district_id IN (${dd})))`);
      }
      return records(
        `${c.where} ORDER BY CASE a.state WHEN 'resolved' THEN 1 ELSE 0 END, COALESCE(a.resolved_at, a.opened_at) DESC, a.id DESC LIMIT ?`,
        [...c.args, f.limit],
      );
    },
    async missedByDay(h, from, to) {
      const m = new Map<string, AlertRecord>();
      for (const r of await records(
        "WHERE a.household_id = ? AND a.kind = 'missed_checkin' AND a.day >= ? AND a.day <= ?",
        [h, from, to],
      ))
        m.set(r.day!, r);
      return m;
    },
    addSafetyFollowup: async (id, dueAt) =>
      void (await sql.run(
        'INSERT INTO safety_followups (announcement_id, due_at) VALUES (?, ?) ON CONFLICT DO NOTHING',
        [id, dueAt],
      )),
    dueSafetyFollowups: async (now) =>
      (
        await sql.all<{ id: number }>(
          'SELECT announcement_id AS id FROM safety_followups WHERE done_at IS NULL AND due_at <= ? ORDER BY due_at',
          [now],
        )
      ).map((r) => r.id),
    safetyFollowupDone: async (id, at) =>
      void (await sql.run('UPDATE safety_followups SET done_at = ? WHERE announcement_id = ?', [at, id])),
    nextSafetyFollowupAt: () => earliest('SELECT MIN(due_at) AS t FROM safety_followups WHERE done_at IS NULL'),
    startPlanTest: async (t) =>
      (await sql.get<{ id: number }>(
        `INSERT INTO watch_plan_tests (household_id, started_by, started_at, step_minutes, deadline_at)
         VALUES (?, ?, ?, ?, ?) RETURNING id`,
        [t.householdId, t.startedBy, t.startedAt, t.stepMinutes, t.deadlineAt],
      ))!.id,
    planTest: async (id) => (await planTests('WHERE id = ?', [id]))[0],
    latestPlanTest: async (householdId) =>
      (await planTests('WHERE household_id = ? ORDER BY ended_at IS NULL DESC, id DESC LIMIT 1', [householdId]))[0],
    runningPlanTests: () => planTests('WHERE ended_at IS NULL ORDER BY id'),
    planTestDeadlineDone: async (id, alertId) =>
      void (await sql.run('UPDATE watch_plan_tests SET deadline_done = 1, alert_id = ? WHERE id = ?', [alertId, id])),
    endPlanTest: (id, at, by, reason) =>
      changed(
        'UPDATE watch_plan_tests SET ended_at = ?, ended_by = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL',
        [at, by, reason, id],
      ),
  };
}

export const createSqliteWatchStore = (db: Db): WatchStore => createWatchStore(sqliteSql(db));
