/**
 * SQL for calls: the record of every request, answer, callback and hang-up.
 *
 * Group commit: with synchronous=FULL every transaction is a disk flush, and a busy hour brings a
 * hundred call changes a second (created, answered, ended…). Writes are kept in order and committed
 * together once per turn of the event loop (setImmediate, as the check-in writer does), or sooner
 * when the calls service sends what it changed (`commit()` first: persisted, then sent). Commands
 * acknowledge only after `committed()`; reads commit what is pending first, so they never see an
 * older state than the live calls. A new call's id is given at once (the next rowid), so the router
 * and the caller's answer need not wait for the disk. (`lastOperator` is the one read that
 * does not commit first: asked at every request, it would make every request its own commit.)
 */
import type { CallEndReason, CallStatus } from '@tsunagu/protocol';
import type { Db } from '../../db/database';
import type { HistoryRecord } from './router-model';

export interface CallRecord {
  id: number;
  shopId: number;
  householdId: number;
  terminalId: number | null;
  direction: 'inbound' | 'outbound';
  status: CallStatus;
  operatorId: number | null;
  callbackOf: number | null;
  requestedAt: number;
  callbackRequestedAt: number | null;
  answeredAt: number | null;
  endedAt: number | null;
  endReason: CallEndReason | null;
}

export interface CallsStore {
  create(c: {
    shopId: number;
    householdId: number;
    terminalId: number | null;
    direction: 'inbound' | 'outbound';
    status: CallStatus;
    operatorId: number | null;
    callbackOf: number | null;
    now: number;
  }): number;
  get(id: number): CallRecord | undefined;
  setStatus(
    id: number,
    status: CallStatus,
    patch?: {
      terminalId?: number;
      operatorId?: number;
      answeredAt?: number;
      endedAt?: number;
      endReason?: CallEndReason;
      callbackRequestedAt?: number;
    },
  ): void;
  /**
   * The operator this household last spoke to on this shop's line, as stored: it does not wait for
   * (commit) pending writes; the calls service remembers the answers of this run itself.
   */
  lastOperator(householdId: number, shopId: number): number | null;
  /** Calls left open by a previous run of the hub. */
  open(): CallRecord[];
  /** Outcomes since `since`, for the router's queue figures. */
  history(since: number): HistoryRecord[];
  list(filter: { shopId?: number; householdId?: number; limit: number }): CallRecord[];
  /** Writes what is pending now, in one transaction (nothing when nothing is). */
  commit(): void;
  /** Settles once everything written so far is on disk; rejects when its transaction failed. */
  committed(): Promise<void>;
}

interface Row {
  id: number;
  shop_id: number;
  household_id: number;
  terminal_id: number | null;
  direction: 'inbound' | 'outbound';
  status: CallStatus;
  operator_id: number | null;
  callback_of: number | null;
  requested_at: number;
  callback_requested_at: number | null;
  answered_at: number | null;
  ended_at: number | null;
  end_reason: CallEndReason | null;
}
const toRecord = (r: Row): CallRecord => ({
  id: r.id,
  shopId: r.shop_id,
  householdId: r.household_id,
  terminalId: r.terminal_id,
  direction: r.direction,
  status: r.status,
  operatorId: r.operator_id,
  callbackOf: r.callback_of,
  requestedAt: r.requested_at,
  callbackRequestedAt: r.callback_requested_at,
  answeredAt: r.answered_at,
  endedAt: r.ended_at,
  endReason: r.end_reason,
});

/** Creates a call and gives its record as stored, without reading it back. */
export function createCall(store: CallsStore, c: Parameters<CallsStore['create']>[0]): CallRecord {
  return {
    id: store.create(c),
    shopId: c.shopId,
    householdId: c.householdId,
    terminalId: c.terminalId,
    direction: c.direction,
    status: c.status,
    operatorId: c.operatorId,
    callbackOf: c.callbackOf,
    requestedAt: c.now,
    callbackRequestedAt: null,
    answeredAt: null,
    endedAt: null,
    endReason: null,
  };
}

type Write = { kind: 'insert'; args: unknown[] } | { kind: 'update'; args: Record<string, unknown> };

export function createSqliteCallsStore(db: Db): CallsStore {
  const s = {
    insert: db.prepare(
      'INSERT INTO calls (id, shop_id, household_id, terminal_id, direction, status, operator_id, callback_of, requested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    maxId: db.prepare('SELECT max(id) AS id FROM calls'),
    get: db.prepare('SELECT * FROM calls WHERE id = ?'),
    update: db.prepare(
      `UPDATE calls SET status = @status,
         operator_id = COALESCE(@operatorId, operator_id),
         terminal_id = COALESCE(@terminalId, terminal_id),
         answered_at = COALESCE(@answeredAt, answered_at),
         ended_at = COALESCE(@endedAt, ended_at),
         end_reason = COALESCE(@endReason, end_reason),
         callback_requested_at = COALESCE(@callbackRequestedAt, callback_requested_at)
       WHERE id = @id`,
    ),
    last: db.prepare(
      'SELECT operator_id FROM calls WHERE household_id = ? AND shop_id = ? AND answered_at IS NOT NULL AND operator_id IS NOT NULL ORDER BY answered_at DESC, id DESC LIMIT 1',
    ),
    open: db.prepare(
      "SELECT * FROM calls WHERE status IN ('waiting', 'callback_requested', 'ringing_terminal', 'connected') ORDER BY requested_at, id",
    ),
    history: db.prepare(
      "SELECT * FROM calls WHERE requested_at >= ? AND direction = 'inbound' AND (answered_at IS NOT NULL OR status = 'abandoned')",
    ),
  };
  let pending: Write[] = [];
  let waiters: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  let scheduled = false;
  let lastId = 0;
  const writeAll = db.transaction((writes: Write[]) => {
    for (const w of writes) {
      if (w.kind === 'insert') s.insert.run(...w.args);
      else s.update.run(w.args);
    }
  });
  function commit() {
    scheduled = false;
    if (pending.length === 0) return;
    const writes = pending;
    const settled = waiters;
    pending = [];
    waiters = [];
    try {
      writeAll(writes);
    } catch (err) {
      // The whole transaction failed (disk full, database closed): nobody is acknowledged.
      for (const w of settled) w.reject(err);
      throw err;
    }
    for (const w of settled) w.resolve();
  }
  function write(w: Write) {
    pending.push(w);
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      if (!scheduled) return;
      try {
        commit();
      } catch {
        // Already told to everyone waiting on this batch.
      }
    });
  }
  /** Reads see every write made before them. */
  const read = <T>(fn: () => T): T => {
    if (pending.length) commit();
    return fn();
  };

  return {
    create(c) {
      // The next rowid, as SQLite would give it (ids are never reused while the hub runs).
      const max = (s.maxId.get() as { id: number | null }).id ?? 0;
      lastId = Math.max(lastId, max) + 1;
      write({
        kind: 'insert',
        args: [lastId, c.shopId, c.householdId, c.terminalId, c.direction, c.status, c.operatorId, c.callbackOf, c.now],
      });
      return lastId;
    },
    get: (id) =>
      read(() => {
        const r = s.get.get(id) as Row | undefined;
        return r && toRecord(r);
      }),
    setStatus(id, status, p = {}) {
      write({
        kind: 'update',
        args: {
          id,
          status,
          operatorId: p.operatorId ?? null,
          terminalId: p.terminalId ?? null,
          answeredAt: p.answeredAt ?? null,
          endedAt: p.endedAt ?? null,
          endReason: p.endReason ?? null,
          callbackRequestedAt: p.callbackRequestedAt ?? null,
        },
      });
    },
    lastOperator: (householdId, shopId) =>
      (s.last.get(householdId, shopId) as { operator_id: number } | undefined)?.operator_id ?? null,
    open: () => read(() => (s.open.all() as Row[]).map(toRecord)),
    history: (since) =>
      read(() =>
        (s.history.all(since) as Row[]).map((r) => ({
          queueId: r.shop_id,
          callId: r.id,
          enqueuedAt: r.requested_at,
          answeredAt: r.answered_at,
          abandonedAt: r.status === 'abandoned' ? (r.ended_at ?? r.requested_at) : null,
          operatorId: r.answered_at !== null ? r.operator_id : null,
          handleMs: r.answered_at !== null && r.ended_at !== null ? r.ended_at - r.answered_at : null,
        })),
      ),
    list: (f) =>
      read(() => {
        const where: string[] = [];
        const args: number[] = [];
        if (f.shopId !== undefined) {
          where.push('shop_id = ?');
          args.push(f.shopId);
        }
        if (f.householdId !== undefined) {
          where.push('household_id = ?');
          args.push(f.householdId);
        }
        const sql = `SELECT * FROM calls ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY requested_at DESC, id DESC LIMIT ?`;
        return (db.prepare(sql).all(...args, f.limit) as Row[]).map(toRecord);
      }),
    commit,
    committed: () =>
      pending.length === 0
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => waiters.push({ resolve, reject })),
  };
}
