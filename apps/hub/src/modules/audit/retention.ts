/**
 * Retention (保有の制限): once a day, rows older than the retention period are deleted — check-ins
 * and signs of life, ended call records, reads of personal data, and the receipts of announcements
 * that are no longer live; audit entries only after their own, longer period. Live announcements and
 * watch alerts (open or not) are never touched. Each run that deleted something is audited with counts only.
 */
import type { Db } from '../../db/database';
import type { Clock } from '../../lib/clock';
import type { AuditStore } from './store';

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

export function createRetention(db: Db, clock: Clock, days: number, auditDays: number) {
  const stmt = (sql: string) => {
    const s = db.prepare(sql);
    return (cutoff: number) => s.run({ cutoff }).changes;
  };
  const oldCalls = `SELECT id FROM calls WHERE status IN ('ended', 'abandoned', 'declined')
    AND COALESCE(ended_at, requested_at) < :cutoff`;
  const q = {
    signsOfLife: stmt('DELETE FROM signs_of_life WHERE at < :cutoff'),
    checkins: stmt('DELETE FROM checkins WHERE at < :cutoff'),
    // An order outlives the call it was taken on; an old callback outlives nothing.
    unlinkOrders: stmt(`UPDATE orders SET call_id = NULL WHERE call_id IN (${oldCalls})`),
    unlinkCallbacks: stmt(`UPDATE calls SET callback_of = NULL WHERE callback_of IN (${oldCalls})`),
    calls: stmt(`DELETE FROM calls WHERE id IN (${oldCalls})`),
    dataReads: stmt('DELETE FROM data_reads WHERE at < :cutoff'),
    // Receipts delivered before the cutoff, of announcements that are over (cancelled, expired, or
    // published with an expiry that passed before the cutoff): a live announcement keeps them all.
    receipts: stmt(`DELETE FROM announcement_receipts WHERE delivered_at < :cutoff AND announcement_id IN (
      SELECT id FROM announcements WHERE status IN ('cancelled', 'expired')
        OR (status = 'published' AND expires_at IS NOT NULL AND expires_at < :cutoff))`),
  };
  // Its own statement: the table's trigger refuses entries younger than five years (migration 0013).
  const pruneAudit = stmt('DELETE FROM audit_log WHERE at < :cutoff');
  const prune = db.transaction((cutoff: number): Omit<RetentionResult, 'audit'> => {
    const signsOfLife = q.signsOfLife(cutoff);
    const checkins = q.checkins(cutoff);
    q.unlinkOrders(cutoff);
    q.unlinkCallbacks(cutoff);
    return {
      checkins,
      signsOfLife,
      calls: q.calls(cutoff),
      dataReads: q.dataReads(cutoff),
      receipts: q.receipts(cutoff),
    };
  });
  return {
    /** Deletes what is older than the retention period now. */
    run: (): RetentionResult => {
      const result = prune(clock.now() - days * DAY);
      return { ...result, audit: pruneAudit(clock.now() - auditDays * DAY) };
    },
  };
}

/** Runs the retention job on the injected clock; returns a stop function. */
export function scheduleRetention(deps: {
  db: Db;
  clock: Clock;
  days: number;
  auditDays: number;
  audit: AuditStore;
  onError: (err: unknown) => void;
}): () => void {
  const retention = createRetention(deps.db, deps.clock, deps.days, deps.auditDays);
  let timer = deps.clock.setTimeout(async function run() {
    // The next run is armed first: once a day from this run, however long recording it takes.
    timer = deps.clock.setTimeout(run, DAY);
    try {
      const result = retention.run();
      if (Object.values(result).some((n) => n > 0))
        await deps.audit.record({
          actor: 'system',
          action: 'retention.pruned',
          detail: { days: deps.days, auditDays: deps.auditDays, ...result },
        });
    } catch (err) {
      deps.onError(err);
    }
  }, FIRST_RUN_MS);
  return () => timer.cancel();
}
