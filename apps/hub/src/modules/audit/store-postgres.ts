/** SQL for the audit log on PostgreSQL: the pair of createSqliteAuditStore (triggers keep it append-only). */
import type { Pg } from '../../db/postgres';
import type { Clock } from '../../lib/clock';
import { type AuditRow, type AuditStore, auditRow, toAuditEntry } from './store';

export function createPostgresAuditStore(pg: Pg, clock: Clock): AuditStore {
  return {
    async record(e) {
      const r = auditRow(e, clock);
      await pg.query('INSERT INTO audit_log (at, actor, action, target, ip, detail) VALUES ($1, $2, $3, $4, $5, $6)', [
        r.at,
        r.actor,
        r.action,
        r.target,
        r.ip,
        r.detail,
      ]);
    },
    async list({ limit = 100, beforeId = Number.MAX_SAFE_INTEGER }) {
      const rows = await pg.query<AuditRow>('SELECT * FROM audit_log WHERE id < $1 ORDER BY id DESC LIMIT $2', [
        beforeId,
        limit,
      ]);
      return rows.rows.map(toAuditEntry);
    },
  };
}
