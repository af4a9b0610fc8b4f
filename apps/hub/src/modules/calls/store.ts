/**
 * SQL for calls: the record of every request, answer, callback and hang-up, on both engines (db/sql.ts).
 *
 * Group commit: with synchronous=FULL every SQLite transaction is a disk flush (on PostgreSQL a WAL
 * flush and a round trip), and a busy hour brings a hundred call changes a second (created,
 * answered, ended…); only a batch with a callback request waits for the disk (`Write.durable`). Writes are kept in order and committed together once per turn of the event
 * loop (setImmediate, as the check-in writer does), or sooner when the calls service sends what it
 * changed (`commit()` first: persisted, then sent). Batches are committed one after another, in
 * order: a batch still on its way to PostgreSQL holds the next one back, never reorders it.
 * Commands acknowledge only after `committed()`; reads commit what is pending first, so they never
 * see an older state than the live calls. A new call's id is given before its row is written
 * (SQLite: the next rowid; PostgreSQL: the next value of the table's sequence, unique across hubs),
 * so the router and the caller's answer need not wait for the disk. (`lastOperator` is the one
 * read that does not commit first: asked at every request, it would make every request its own commit.)
 */
import type { CallEndReason, CallStatus } from '@tsunagu/protocol';
import { conditions, type Sql } from '../../db/sql';
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
  create(
    c: Pick<
      CallRecord,
      'shopId' | 'householdId' | 'terminalId' | 'direction' | 'status' | 'operatorId' | 'callbackOf'
    > & { now: number },
  ): Promise<number>;
  get(id: number): Promise<CallRecord | undefined>;
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
  lastOperator(householdId: number, shopId: number): Promise<number | null>;
  /** Calls left open by a previous run of the hub. */
  open(): Promise<CallRecord[]>;
  /** Outcomes since `since`, for the router's queue figures. */
  history(since: number): Promise<HistoryRecord[]>;
  list(filter: { shopId?: number; householdId?: number; limit: number }): Promise<CallRecord[]>;
  /**
   * Writes what is pending now, in one transaction after the batches before it; settles once it is
   * stored (at once when nothing is pending or on its way), rejects when its transaction failed.
   */
  commit(): Promise<void>;
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
export async function createCall(store: CallsStore, c: Parameters<CallsStore['create']>[0]): Promise<CallRecord> {
  return {
    id: await store.create(c),
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

const OPEN = "('waiting', 'callback_requested', 'ringing_terminal', 'connected')";
const SQL = {
  insert:
    'INSERT INTO calls (id, shop_id, household_id, terminal_id, direction, status, operator_id, callback_of, requested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  update: `UPDATE calls SET status = ?,
     operator_id = COALESCE(?, operator_id),
     terminal_id = COALESCE(?, terminal_id),
     answered_at = COALESCE(?, answered_at),
     ended_at = COALESCE(?, ended_at),
     end_reason = COALESCE(?, end_reason),
     callback_requested_at = COALESCE(?, callback_requested_at)
   WHERE id = ?`,
  /** The next id: SQLite's next rowid (see `create`); PostgreSQL's sequence, shared by every hub. */
  nextId: {
    sqlite: 'SELECT coalesce(max(id), 0) + 1 AS id FROM calls',
    postgres: "SELECT nextval(pg_get_serial_sequence('calls', 'id')) AS id",
  },
  get: 'SELECT * FROM calls WHERE id = ?',
  last: 'SELECT operator_id FROM calls WHERE household_id = ? AND shop_id = ? AND answered_at IS NOT NULL AND operator_id IS NOT NULL ORDER BY answered_at DESC, id DESC LIMIT 1',
  open: `SELECT * FROM calls WHERE status IN ${OPEN} ORDER BY requested_at, id`,
  history:
    "SELECT * FROM calls WHERE requested_at >= ? AND direction = 'inbound' AND (answered_at IS NOT NULL OR status = 'abandoned')",
};

/**
 * `durable`: the batch with it waits for the disk (synchronous=FULL; PostgreSQL's WAL flush). Only
 * what someone waits on after a power cut needs that: a resident's request to be called back. The
 * rest (ringing, answered, ended) is the live state of a call that a hub restart ends anyway, and
 * the calls' history: committed without waiting for the disk (never half applied; a kill -9 loses
 * none of it, a power cut the last moments of it). Each flush blocks the event loop on SQLite, and
 * a busy hour's rings queued behind them (issue 17: request → ring p99).
 */
type Write = { text: string; args: unknown[]; durable?: boolean };

/** SQLite: the last id given on each connection, shared by every calls store on it. */
const lastIds = new WeakMap<Sql, { id: number }>();

export function createCallsStore(sql: Sql): CallsStore {
  let pending: Write[] = [];
  let waiters: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  let scheduled = false;
  const last = lastIds.get(sql) ?? { id: 0 };
  lastIds.set(sql, last);
  /** The last batch sent to the database; null once it has settled (stored or refused). */
  let inFlight: Promise<void> | null = null;
  const afterInFlight = () => inFlight ?? Promise.resolve();
  const writeAll = (writes: Write[]) =>
    sql.transaction(
      async (tx) => {
        for (const w of writes) await tx.run(w.text, w.args);
      },
      { flush: writes.some((w) => w.durable) },
    );
  function commit(): Promise<void> {
    scheduled = false;
    if (pending.length === 0) return afterInFlight();
    const writes = pending;
    const settled = waiters;
    pending = [];
    waiters = [];
    // After the batch before it, whatever became of that one: changes reach the table in order.
    const before = afterInFlight();
    const batch = before.then(
      () => writeAll(writes),
      () => writeAll(writes),
    );
    inFlight = batch;
    batch.then(
      () => {
        if (inFlight === batch) inFlight = null;
        for (const w of settled) w.resolve();
      },
      // The whole transaction failed (disk full, database gone): nobody in it is acknowledged.
      (err) => {
        if (inFlight === batch) inFlight = null;
        for (const w of settled) w.reject(err);
      },
    );
    return batch;
  }
  function write(w: Write) {
    pending.push(w);
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      if (!scheduled) return;
      // A failure is told to everyone waiting on this batch.
      commit().catch(() => undefined);
    });
  }
  /** Reads see every write made before them. */
  const read = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (pending.length) await commit();
    return fn();
  };

  return {
    async create(c) {
      const next = (await sql.get<{ id: number }>(SQL.nextId[sql.engine]))!.id;
      // SQLite: rows not written yet are not in max(id), and ids are never reused while the hub runs.
      const id = sql.engine === 'sqlite' ? Math.max(last.id + 1, next) : next;
      last.id = id;
      write({
        text: SQL.insert,
        args: [id, c.shopId, c.householdId, c.terminalId, c.direction, c.status, c.operatorId, c.callbackOf, c.now],
      });
      return id;
    },
    get: (id) =>
      read(async () => {
        const r = await sql.get<Row>(SQL.get, [id]);
        return r && toRecord(r);
      }),
    setStatus(id, status, p = {}) {
      write({
        text: SQL.update,
        args: [
          status,
          p.operatorId ?? null,
          p.terminalId ?? null,
          p.answeredAt ?? null,
          p.endedAt ?? null,
          p.endReason ?? null,
          p.callbackRequestedAt ?? null,
          id,
        ],
        durable: status === 'callback_requested',
      });
    },
    lastOperator: async (householdId, shopId) =>
      (await sql.get<{ operator_id: number }>(SQL.last, [householdId, shopId]))?.operator_id ?? null,
    open: () => read(async () => (await sql.all<Row>(SQL.open)).map(toRecord)),
    history: (since) =>
      read(async () =>
        (await sql.all<Row>(SQL.history, [since])).map((r) => ({
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
      read(async () => {
        const c = conditions().equals('shop_id', f.shopId).equals('household_id', f.householdId);
        const text = `SELECT * FROM calls ${c.where} ORDER BY requested_at DESC, id DESC LIMIT ?`;
        return (await sql.all<Row>(text, [...c.args, f.limit])).map(toRecord);
      }),
    commit,
    committed: () =>
      pending.length === 0
        ? afterInFlight()
        : new Promise<void>((resolve, reject) => waiters.push({ resolve, reject })),
  };
}
