/**
 * Retention (保有の制限): once a day, rows older than the retention period are deleted — check-ins
 * and signs of life, ended call records, reads of personal data, and the receipts of announcements
 * that are no longer live; audit entries only after their own, longer period. Live announcements and
 * watch alerts (open or not) are never touched. Each run that deleted something is audited with
 * counts only, in the same unit of work as the deletions (nothing goes unrecorded).
 *
 * On both engines over db/sql.ts (retention-engines.test.ts). With several hubs it is a job of
 * `ctx.jobs`, so the leader runs it; leadership being a hint, each run also takes a transaction
 * advisory lock on PostgreSQL, so two runs at once take turns and the second finds nothing to delete.
 */
import { lockKey } from '../../db/leader';
import type { Sql } from '../../db/sql';
import type { Clock } from '../../lib/clock';
import { createAuditStore } from './store';

const DAY = 24 * 60 * 60 * 1000;
/** The first run a minute after start, then once a day. */
const FIRST_RUN_MS = 60_000;

export interface RetentionResult {
  checkins: number;
  signsOfLife: number;
  calls: number;
  dataReads: number;
  receipts: number;
  audit: number;
}

const OLD_CALLS = `SELECT id FROM calls WHERE status IN ('ended', 'abandoned', 'declined')
  AND COALESCE(ended_at, requested_at) < ?`;

/** The audit log refused to delete entries (its trigger keeps five years): the other deletions stand. */
export class AuditPruneRefusedError extends Error {
  constructor(
    readonly result: RetentionResult,
    cause: unknown,
  ) {
    super('the audit log refused to delete entries younger than five years (the rest was pruned)', { cause });
  }
}

export function createRetention(sql: Sql, clock: Clock, days: number, auditDays: number) {
  const prune = (tx: Sql, cutoff: number, auditCutoff: number) => {
    const remove = (text: string, times = 1) =>
      tx.run(
        text,
        Array.from({ length: times }, () => cutoff),
      );
    return {
      signsOfLife: () => remove('DELETE FROM signs_of_life WHERE at < ?'),
      checkins: () => remove('DELETE FROM checkins WHERE at < ?'),
      // An order outlives the call it was taken on; an old callback outlives nothing.
      unlinkOrders: () => remove(`UPDATE orders SET call_id = NULL WHERE call_id IN (${OLD_CALLS})`),
      unlinkCallbacks: () => remove(`UPDATE calls SET callback_of = NULL WHERE callback_of IN (${OLD_CALLS})`),
      calls: () => remove(`DELETE FROM calls WHERE id IN (${OLD_CALLS})`),
      dataReads: () => remove('DELETE FROM data_reads WHERE at < ?'),
      // Receipts delivered before the cutoff, of announcements that are over (cancelled, expired, or
      // published with an expiry that passed before the cutoff): a live announcement keeps them all.
      receipts: () =>
        remove(
          `DELETE FROM announcement_receipts WHERE delivered_at < ? AND announcement_id IN (
            SELECT id FROM announcements WHERE status IN ('cancelled', 'expired')
              OR (status = 'published' AND expires_at IS NOT NULL AND expires_at < ?))`,
          2,
        ),
      // In a savepoint of its own: the table's trigger refuses entries younger than five years
      // (migration 0013, both engines); a refusal keeps the other deletions.
      audit: () => tx.transaction((t) => t.run('DELETE FROM audit_log WHERE at < ?', [auditCutoff])),
    };
  };
  return {
    /** Deletes what is older than the retention period at `now` (the tick's time), and records the counts when any. */
    async run(now = clock.now()): Promise<RetentionResult> {
      let refused: unknown = null;
      const result = await sql.transaction(async (tx) => {
        if (tx.engine === 'postgres') await tx.get('SELECT pg_advisory_xact_lock(?::bigint)', [lockKey('retention')]);
        const q = prune(tx, now - days * DAY, now - auditDays * DAY);
        const signsOfLife = await q.signsOfLife();
        const checkins = await q.checkins();
        await q.unlinkOrders();
        await q.unlinkCallbacks();
        const rest = { calls: await q.calls(), dataReads: await q.dataReads(), receipts: await q.receipts() };
        const audit = await q.audit().catch((err: unknown) => {
          refused = err;
          return 0;
        });
        const counts: RetentionResult = { checkins, signsOfLife, ...rest, audit };
        if (Object.values(counts).some((n) => n > 0))
          await createAuditStore(tx, clock).record({
            actor: 'system',
            action: 'retention.pruned',
            ip: null,
            detail: { days, auditDays, ...counts },
          });
        return counts;
      });
      if (refused) throw new AuditPruneRefusedError(result, refused);
      return result;
    },
  };
}

/** Runs the retention job on the injected clock; the stop function resolves when a run under way has ended. */
export function scheduleRetention(deps: {
  sql: Sql;
  clock: Clock;
  days: number;
  auditDays: number;
  onError: (err: unknown) => void;
}): () => Promise<void> {
  const retention = createRetention(deps.sql, deps.clock, deps.days, deps.auditDays);
  let running: Promise<void> = Promise.resolve();
  let timer = deps.clock.setTimeout(function run() {
    // The next run is armed first: once a day from this run, however long it takes.
    timer = deps.clock.setTimeout(run, DAY);
    const now = deps.clock.now();
    running = running.then(() => retention.run(now).then(() => undefined, deps.onError));
  }, FIRST_RUN_MS);
  return () => {
    timer.cancel();
    return running;
  };
}
