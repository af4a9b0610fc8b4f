/** SQL for planned listening calls: the weekly plans and each planned call as it fell due. */
import type { ScheduledCallState } from '@tsunagu/protocol';
import type { Db } from '../../db/database';
import { list, one } from '../../db/rows';

export interface ScheduleRecord {
  id: number;
  householdId: number;
  householdName: string;
  shopId: number;
  shopName: string;
  weekdays: number;
  minutes: number;
  note: string;
  createdBy: string;
  updatedAt: number;
}

export interface ScheduledCallRecord {
  id: number;
  scheduleId: number;
  householdId: number;
  householdName: string;
  shopId: number;
  dueAt: number;
  state: ScheduledCallState;
  callId: number | null;
  note: string;
}

export interface ScheduledCallsStore {
  /** Plans of these lines (null: all) for open households, optionally of one household. */
  list(filter: { shopIds: number[] | null; householdId?: number }): ScheduleRecord[];
  get(id: number): ScheduleRecord | undefined;
  create(s: {
    householdId: number;
    shopId: number;
    weekdays: number;
    minutes: number;
    note: string;
    createdBy: string;
    now: number;
  }): number;
  update(id: number, s: { weekdays: number; minutes: number; note: string; now: number }): void;
  remove(id: number): boolean;
  /** The planned call of `scheduleId` due at `dueAt`, once: null when it exists already. */
  addCall(scheduleId: number, dueAt: number, state: ScheduledCallState, now: number): number | null;
  call(id: number): ScheduledCallRecord | undefined;
  byCallId(callId: number): ScheduledCallRecord | undefined;
  latestOf(scheduleId: number): ScheduledCallRecord | undefined;
  setState(id: number, state: ScheduledCallState, now: number, callId?: number): void;
  /** Planned calls waiting to be made or ringing, of these lines (null: all). */
  open(shopIds: number[] | null): ScheduledCallRecord[];
}

interface ScheduleRow {
  id: number;
  household_id: number;
  household_name: string;
  shop_id: number;
  shop_name: string;
  weekdays: number;
  minutes: number;
  note: string;
  created_by: string;
  updated_at: number;
}
interface CallRow {
  id: number;
  schedule_id: number;
  household_id: number;
  household_name: string;
  shop_id: number;
  due_at: number;
  state: ScheduledCallState;
  call_id: number | null;
  note: string;
}
const toSchedule = (r: ScheduleRow): ScheduleRecord => ({
  id: r.id,
  householdId: r.household_id,
  householdName: r.household_name,
  shopId: r.shop_id,
  shopName: r.shop_name,
  weekdays: r.weekdays,
  minutes: r.minutes,
  note: r.note,
  createdBy: r.created_by,
  updatedAt: r.updated_at,
});
const toCall = (r: CallRow): ScheduledCallRecord => ({
  id: r.id,
  scheduleId: r.schedule_id,
  householdId: r.household_id,
  householdName: r.household_name,
  shopId: r.shop_id,
  dueAt: r.due_at,
  state: r.state,
  callId: r.call_id,
  note: r.note,
});

const SCHEDULES = `SELECT p.id, p.household_id, h.name AS household_name, p.shop_id, s.name AS shop_name, p.weekdays,
  p.minutes, p.note, p.created_by, p.updated_at
  FROM call_schedules p JOIN households h ON h.id = p.household_id JOIN shops s ON s.id = p.shop_id`;
const CALLS = `SELECT c.id, c.schedule_id, p.household_id, h.name AS household_name, p.shop_id, c.due_at, c.state,
  c.call_id, p.note
  FROM scheduled_calls c JOIN call_schedules p ON p.id = c.schedule_id JOIN households h ON h.id = p.household_id`;
const inList = (ids: number[]) => `(${ids.map(() => '?').join(', ') || 'NULL'})`;

export function createSqliteScheduledCallsStore(db: Db): ScheduledCallsStore {
  const s = {
    get: db.prepare(`${SCHEDULES} WHERE p.id = ?`),
    insert: db.prepare(
      `INSERT INTO call_schedules (household_id, shop_id, weekdays, minutes, note, created_by, created_at, updated_at)
       VALUES (@householdId, @shopId, @weekdays, @minutes, @note, @createdBy, @now, @now)`,
    ),
    update: db.prepare(
      'UPDATE call_schedules SET weekdays = @weekdays, minutes = @minutes, note = @note, updated_at = @now WHERE id = @id',
    ),
    remove: db.prepare('DELETE FROM call_schedules WHERE id = ?'),
    addCall: db.prepare(
      `INSERT INTO scheduled_calls (schedule_id, due_at, state, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (schedule_id, due_at) DO NOTHING`,
    ),
    call: db.prepare(`${CALLS} WHERE c.id = ?`),
    byCallId: db.prepare(`${CALLS} WHERE c.call_id = ?`),
    latestOf: db.prepare(`${CALLS} WHERE c.schedule_id = ? ORDER BY c.due_at DESC LIMIT 1`),
    setState: db.prepare(
      'UPDATE scheduled_calls SET state = @state, updated_at = @now, call_id = COALESCE(@callId, call_id) WHERE id = @id',
    ),
  };
  return {
    list(f) {
      // A closed household (moved away, died) is not called.
      const where: string[] = ['h.closed_at IS NULL'];
      const args: number[] = [];
      if (f.shopIds !== null) {
        where.push(`p.shop_id IN ${inList(f.shopIds)}`);
        args.push(...f.shopIds);
      }
      if (f.householdId !== undefined) {
        where.push('p.household_id = ?');
        args.push(f.householdId);
      }
      const sql = `${SCHEDULES} WHERE ${where.join(' AND ')} ORDER BY h.name, p.minutes, p.id`;
      return list(db.prepare(sql), toSchedule, ...args);
    },
    get: (id) => one(s.get, toSchedule, id),
    create: (x) => Number(s.insert.run(x).lastInsertRowid),
    update(id, x) {
      s.update.run({ id, ...x });
    },
    remove: (id) => s.remove.run(id).changes > 0,
    addCall(scheduleId, dueAt, state, now) {
      const r = s.addCall.run(scheduleId, dueAt, state, now);
      return r.changes === 0 ? null : Number(r.lastInsertRowid);
    },
    call: (id) => one(s.call, toCall, id),
    byCallId: (callId) => one(s.byCallId, toCall, callId),
    latestOf: (scheduleId) => one(s.latestOf, toCall, scheduleId),
    setState(id, state, now, callId) {
      s.setState.run({ id, state, now, callId: callId ?? null });
    },
    open(shopIds) {
      const where = ["c.state IN ('due', 'ringing')", 'h.closed_at IS NULL'];
      if (shopIds !== null) where.push(`p.shop_id IN ${inList(shopIds)}`);
      const sql = `${CALLS} WHERE ${where.join(' AND ')} ORDER BY c.due_at, c.id`;
      return list(db.prepare(sql), toCall, ...(shopIds ?? []));
    },
  };
}
