/** SQL for watcher alerts and every step of their escalation ladder. */
import type { AlertEventType, AlertKind, AlertOutcome, AlertState, PlanTestEndReason } from '@tsunagu/protocol';
import type { Db } from '../../db/database';

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
  create(a: NewAlert, detail?: Record<string, unknown>): number | null;
  get(id: number): AlertRecord | undefined;
  addEvent(
    alertId: number,
    e: {
      at: number;
      type: AlertEventType;
      actor: string;
      level?: number | null;
      detail?: Record<string, unknown> | null;
    },
  ): void;
  events(alertId: number): AlertEventRecord[];
  escalate(id: number, level: number, nextStepAt: number | null): void;
  acknowledge(id: number, at: number, by: string): boolean;
  resolve(id: number, at: number, by: string, outcome: AlertOutcome, note: string): boolean;
  markPossibleOutage(id: number): boolean;
  /** Unresolved alerts of a household, optionally of one kind. */
  activeForHousehold(householdId: number, kind?: AlertKind): AlertRecord[];
  activeDistrictOutage(districtId: number): AlertRecord | undefined;
  activeDistrictOutages(): AlertRecord[];
  /** Unresolved alerts whose next escalation is due at or before `now`. */
  dueEscalations(now: number): AlertRecord[];
  nextEscalationAt(): number | null;
  list(filter: AlertFilter): AlertRecord[];
  /** Missed-check-in alerts of a household between two days (inclusive), for history. */
  missedByDay(householdId: number, fromDay: string, toDay: string): Map<string, AlertRecord>;
  /** A safety check whose unanswered households are to be alerted at `dueAt` (once). */
  addSafetyFollowup(announcementId: number, dueAt: number): void;
  /** Safety checks due at or before `now` and not done yet. */
  dueSafetyFollowups(now: number): number[];
  safetyFollowupDone(announcementId: number, at: number): void;
  nextSafetyFollowupAt(): number | null;
  startPlanTest(t: {
    householdId: number;
    startedBy: string;
    startedAt: number;
    stepMinutes: number;
    deadlineAt: number;
  }): number;
  planTest(id: number): PlanTestRecord | undefined;
  /** The household's running test, else its latest. */
  latestPlanTest(householdId: number): PlanTestRecord | undefined;
  runningPlanTests(): PlanTestRecord[];
  /** The test's deadline step is done, with the alert it raised (null: a sign of life came first). */
  planTestDeadlineDone(id: number, alertId: number | null): void;
  /** False when it had already ended. */
  endPlanTest(id: number, at: number, by: string, reason: PlanTestEndReason): boolean;
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

export function createSqliteWatchStore(db: Db): WatchStore {
  const select =
    'SELECT a.*, h.name AS household_name, t.id AS plan_test_id FROM watch_alerts a LEFT JOIN households h ON h.id = a.household_id LEFT JOIN watch_plan_tests t ON t.alert_id = a.id';
  const s = {
    insert: db.prepare(
      `INSERT INTO watch_alerts (kind, household_id, district_id, day, since_at, level, opened_at, next_step_at, possible_outage, announcement_id)
       VALUES (@kind, @householdId, @districtId, @day, @sinceAt, @level, @openedAt, @nextStepAt, @possibleOutage, @announcementId)
       ON CONFLICT DO NOTHING RETURNING id`,
    ),
    get: db.prepare(`${select} WHERE a.id = ?`),
    insertEvent: db.prepare(
      'INSERT INTO watch_alert_events (alert_id, at, type, actor, level, detail) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    events: db.prepare(
      'SELECT id, alert_id AS alertId, at, type, actor, level, detail FROM watch_alert_events WHERE alert_id = ? ORDER BY id',
    ),
    escalate: db.prepare("UPDATE watch_alerts SET level = ?, next_step_at = ? WHERE id = ? AND state = 'open'"),
    acknowledge: db.prepare(
      "UPDATE watch_alerts SET state = 'acknowledged', acknowledged_at = ?, acknowledged_by = ?, next_step_at = NULL WHERE id = ? AND state = 'open'",
    ),
    resolve: db.prepare(
      "UPDATE watch_alerts SET state = 'resolved', resolved_at = ?, resolved_by = ?, outcome = ?, note = ?, next_step_at = NULL WHERE id = ? AND state <> 'resolved'",
    ),
    possibleOutage: db.prepare('UPDATE watch_alerts SET possible_outage = 1 WHERE id = ? AND possible_outage = 0'),
    activeForHousehold: db.prepare(`${select} WHERE a.household_id = ? AND a.state <> 'resolved' ORDER BY a.id`),
    activeDistrict: db.prepare(
      `${select} WHERE a.kind = 'district_outage' AND a.district_id = ? AND a.state <> 'resolved' ORDER BY a.id LIMIT 1`,
    ),
    activeDistricts: db.prepare(`${select} WHERE a.kind = 'district_outage' AND a.state <> 'resolved' ORDER BY a.id`),
    due: db.prepare(
      `${select} WHERE a.next_step_at IS NOT NULL AND a.next_step_at <= ? AND a.state = 'open' ORDER BY a.next_step_at, a.id`,
    ),
    next: db.prepare(
      "SELECT MIN(next_step_at) AS t FROM watch_alerts WHERE next_step_at IS NOT NULL AND state = 'open'",
    ),
    missedByDay: db.prepare(
      `${select} WHERE a.household_id = ? AND a.kind = 'missed_checkin' AND a.day >= ? AND a.day <= ?`,
    ),
    addFollowup: db.prepare(
      'INSERT INTO safety_followups (announcement_id, due_at) VALUES (?, ?) ON CONFLICT DO NOTHING',
    ),
    dueFollowups: db.prepare(
      'SELECT announcement_id AS id FROM safety_followups WHERE done_at IS NULL AND due_at <= ? ORDER BY due_at',
    ),
    followupDone: db.prepare('UPDATE safety_followups SET done_at = ? WHERE announcement_id = ?'),
    nextFollowup: db.prepare('SELECT MIN(due_at) AS t FROM safety_followups WHERE done_at IS NULL'),
    startTest: db.prepare(
      `INSERT INTO watch_plan_tests (household_id, started_by, started_at, step_minutes, deadline_at)
       VALUES (@householdId, @startedBy, @startedAt, @stepMinutes, @deadlineAt) RETURNING id`,
    ),
    test: db.prepare('SELECT * FROM watch_plan_tests WHERE id = ?'),
    latestTest: db.prepare(
      'SELECT * FROM watch_plan_tests WHERE household_id = ? ORDER BY ended_at IS NULL DESC, id DESC LIMIT 1',
    ),
    runningTests: db.prepare('SELECT * FROM watch_plan_tests WHERE ended_at IS NULL ORDER BY id'),
    testDeadline: db.prepare('UPDATE watch_plan_tests SET deadline_done = 1, alert_id = ? WHERE id = ?'),
    endTest: db.prepare(
      'UPDATE watch_plan_tests SET ended_at = ?, ended_by = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL',
    ),
  };

  const create = db.transaction((a: NewAlert, detail: Record<string, unknown> | undefined): number | null => {
    const row = s.insert.get({
      ...a,
      possibleOutage: a.possibleOutage ? 1 : 0,
      announcementId: a.announcementId ?? null,
    }) as { id: number } | undefined;
    if (!row) return null;
    s.insertEvent.run(
      row.id,
      a.openedAt,
      'opened',
      'system',
      a.level,
      JSON.stringify({ kind: a.kind, ...(detail ?? {}) }),
    );
    return row.id;
  });

  return {
    create: (a, detail) => create(a, detail),
    get(id) {
      const r = s.get.get(id) as Row | undefined;
      return r && toRecord(r);
    },
    addEvent: (alertId, e) =>
      void s.insertEvent.run(
        alertId,
        e.at,
        e.type,
        e.actor,
        e.level ?? null,
        e.detail ? JSON.stringify(e.detail) : null,
      ),
    events: (alertId) =>
      (s.events.all(alertId) as (Omit<AlertEventRecord, 'detail'> & { detail: string | null })[]).map((e) => ({
        ...e,
        detail: e.detail ? (JSON.parse(e.detail) as Record<string, unknown>) : null,
      })),
    escalate: (id, level, next) => void s.escalate.run(level, next, id),
    acknowledge: (id, at, by) => s.acknowledge.run(at, by, id).changes === 1,
    resolve: (id, at, by, outcome, note) => s.resolve.run(at, by, outcome, note, id).changes === 1,
    markPossibleOutage: (id) => s.possibleOutage.run(id).changes === 1,
    activeForHousehold: (h, kind) =>
      (s.activeForHousehold.all(h) as Row[]).map(toRecord).filter((a) => !kind || a.kind === kind),
    activeDistrictOutage(d) {
      const r = s.activeDistrict.get(d) as Row | undefined;
      return r && toRecord(r);
    },
    activeDistrictOutages: () => (s.activeDistricts.all() as Row[]).map(toRecord),
    dueEscalations: (now) => (s.due.all(now) as Row[]).map(toRecord),
    nextEscalationAt: () => (s.next.get() as { t: number | null }).t,
    list(f) {
      const where: string[] = [];
      const params: (string | number)[] = [];
      const states = f.states.length ? f.states : ['open', 'acknowledged', 'resolved'];
      where.push(`a.state IN (${states.map(() => '?').join(',')})`);
      params.push(...states);
      if (f.householdId !== undefined) {
        where.push('a.household_id = ?');
        params.push(f.householdId);
      }
      if (f.announcementId !== undefined) {
        where.push('a.announcement_id = ?');
        params.push(f.announcementId);
      }
      if (f.householdIds !== undefined) {
        // Household alerts of these households, and district alerts of their districts.
        const hh = f.householdIds.length ? f.householdIds.join(',') : 'NULL';
        const dd = (f.districtIds ?? []).length ? (f.districtIds ?? []).join(',') : 'NULL';
        where.push(`(a.household_id IN (${hh}) OR (a.household_id IS NULL AND a.district_id IN (${dd})))`);
      }
      const sql = `${select} WHERE ${where.join(' AND ')} ORDER BY CASE a.state WHEN 'resolved' THEN 1 ELSE 0 END, COALESCE(a.resolved_at, a.opened_at) DESC, a.id DESC LIMIT ?`;
      return (db.prepare(sql).all(...params, f.limit) as Row[]).map(toRecord);
    },
    missedByDay(h, from, to) {
      const m = new Map<string, AlertRecord>();
      for (const r of s.missedByDay.all(h, from, to) as Row[]) m.set(r.day!, toRecord(r));
      return m;
    },
    addSafetyFollowup: (id, dueAt) => void s.addFollowup.run(id, dueAt),
    dueSafetyFollowups: (now) => (s.dueFollowups.all(now) as { id: number }[]).map((r) => r.id),
    safetyFollowupDone: (id, at) => void s.followupDone.run(at, id),
    nextSafetyFollowupAt: () => (s.nextFollowup.get() as { t: number | null }).t,
    startPlanTest: (t) => (s.startTest.get(t) as { id: number }).id,
    planTest(id) {
      const r = s.test.get(id) as PlanTestRow | undefined;
      return r && toPlanTest(r);
    },
    latestPlanTest(householdId) {
      const r = s.latestTest.get(householdId) as PlanTestRow | undefined;
      return r && toPlanTest(r);
    },
    runningPlanTests: () => (s.runningTests.all() as PlanTestRow[]).map(toPlanTest),
    planTestDeadlineDone: (id, alertId) => void s.testDeadline.run(alertId, id),
    endPlanTest: (id, at, by, reason) => s.endTest.run(at, by, reason, id).changes === 1,
  };
}
