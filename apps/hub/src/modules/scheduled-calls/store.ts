/**
 * SQL for planned listening calls, on both engines (db/sql.ts): the weekly plans and each planned
 * call as it fell due (one row per plan and due time: offered once, whichever hub ticks).
 */
import type { ScheduledCallState } from '@tsunagu/protocol';
import { conditions, type Sql } from '../../db/sql';

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
  list(filter: { shopIds: number[] | null; householdId?: number }): Promise<ScheduleRecord[]>;
  get(id: number): Promise<ScheduleRecord | undefined>;
  create(s: {
    householdId: number;
    shopId: number;
    weekdays: number;
    minutes: number;
    note: string;
    createdBy: string;
    now: number;
  }): Promise<number>;
  update(id: number, s: { weekdays: number; minutes: number; note: string; now: number }): Promise<void>;
  remove(id: number): Promise<boolean>;
  /** The planned call of `scheduleId` due at `dueAt`, once: null when it exists already. */
  addCall(scheduleId: number, dueAt: number, state: ScheduledCallState, now: number): Promise<number | null>;
  call(id: number): Promise<ScheduledCallRecord | undefined>;
  byCallId(callId: number): Promise<ScheduledCallRecord | undefined>;
  latestOf(scheduleId: number): Promise<ScheduledCallRecord | undefined>;
  /**
   * Sets the planned call's state (and the call made for it); with `from`, only when it is in that
   * state (the change happens once, whoever asks first). True when the row changed.
   */
  setState(
    id: number,
    state: ScheduledCallState,
    now: number,
    opts?: { callId?: number; from?: ScheduledCallState },
  ): Promise<boolean>;
  /** Planned calls waiting to be made or ringing, of these lines (null: all). */
  open(shopIds: number[] | null): Promise<ScheduledCallRecord[]>;
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

export function createScheduledCallsStore(sql: Sql): ScheduledCallsStore {
  const schedule = async (text: string, args: unknown[]) => {
    const r = await sql.get<ScheduleRow>(text, args);
    return r && toSchedule(r);
  };
  const call = async (text: string, args: unknown[]) => {
    const r = await sql.get<CallRow>(text, args);
    return r && toCall(r);
  };
  return {
    async list(f) {
      // A closed household (moved away, died) is not called.
      const c = conditions('h.closed_at IS NULL');
      if (f.shopIds !== null) c.add(...sql.anyOf('p.shop_id', f.shopIds));
      c.equals('p.household_id', f.householdId);
      const text = `${SCHEDULES} ${c.where} ORDER BY h.name, p.minutes, p.id`;
      return (await sql.all<ScheduleRow>(text, c.args)).map(toSchedule);
    },
    get: (id) => schedule(`${SCHEDULES} WHERE p.id = ?`, [id]),
    create: async (x) =>
      (await sql.get<{ id: number }>(
        `INSERT INTO call_schedules (household_id, shop_id, weekdays, minutes, note, created_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        [x.householdId, x.shopId, x.weekdays, x.minutes, x.note, x.createdBy, x.now, x.now],
      ))!.id,
    async update(id, x) {
      await sql.run('UPDATE call_schedules SET weekdays = ?, minutes = ?, note = ?, updated_at = ? WHERE id = ?', [
        x.weekdays,
        x.minutes,
        x.note,
        x.now,
        id,
      ]);
    },
    remove: async (id) => (await sql.run('DELETE FROM call_schedules WHERE id = ?', [id])) > 0,
    async addCall(scheduleId, dueAt, state, now) {
      const r = await sql.get<{ id: number }>(
        `INSERT INTO scheduled_calls (schedule_id, due_at, state, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (schedule_id, due_at) DO NOTHING RETURNING id`,
        [scheduleId, dueAt, state, now],
      );
      return r ? r.id : null;
    },
    call: (id) => call(`${CALLS} WHERE c.id = ?`, [id]),
    byCallId: (callId) => call(`${CALLS} WHERE c.call_id = ?`, [callId]),
    latestOf: (scheduleId) => call(`${CALLS} WHERE c.schedule_id = ? ORDER BY c.due_at DESC LIMIT 1`, [scheduleId]),
    setState: async (id, state, now, opts = {}) =>
      (await sql.run(
        `UPDATE scheduled_calls SET state = ?, updated_at = ?, call_id = COALESCE(?, call_id) WHERE id = ?${opts.from ? ' AND state = ?' : ''}`,
        [state, now, opts.callId ?? null, id, ...(opts.from ? [opts.from] : [])],
      )) > 0,
    async open(shopIds) {
      const c = conditions("c.state IN ('due', 'ringing')", 'h.closed_at IS NULL');
      if (shopIds !== null) c.add(...sql.anyOf('p.shop_id', shopIds));
      const text = `${CALLS} ${c.where} ORDER BY c.due_at, c.id`;
      return (await sql.all<CallRow>(text, c.args)).map(toCall);
    },
  };
}
