/**
 * Append-only audit log of privileged actions (the table refuses UPDATE and DELETE, on both engines).
 * One SQL text for SQLite and PostgreSQL over db/sql.ts; one suite for both (store.test.ts).
 */
import type { AuditAction, AuditEntry } from '@tsunagu/protocol';
import type { Sql } from '../../db/sql';
import type { Clock } from '../../lib/clock';
import { actorName, type Principal } from '../../lib/principal';

export interface AuditRecord {
  actor: string;
  action: AuditAction;
  target?: string | null;
  /** Where the request or socket command came from (`request.ip`, `socket.data.address`); null for the hub's own work. */
  ip: string | null;
  detail?: Record<string, unknown> | string | null;
}

export interface AuditStore {
  record(entry: AuditRecord): Promise<void>;
  /** Newest first; `beforeId` pages back. */
  list(options: { limit?: number; beforeId?: number }): Promise<AuditEntry[]>;
}

/** Records what the caller of a REST route did: its principal is the actor, its address the request's. */
export function audited(
  audit: Pick<AuditStore, 'record'>,
  request: { principal: Principal | null; ip: string },
  action: AuditAction,
  target: string | null,
  detail?: AuditRecord['detail'],
): Promise<void> {
  return audit.record({ actor: actorName(request.principal), action, target, ip: request.ip, detail });
}

export interface AuditRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  ip: string | null;
  detail: string | null;
}

/** The row to insert, the same on both engines: the time by the hub's clock. */
export function auditRow(e: AuditRecord, clock: Clock): Omit<AuditRow, 'id'> {
  const detail = e.detail == null ? null : typeof e.detail === 'string' ? e.detail : JSON.stringify(e.detail);
  return {
    at: clock.now(),
    actor: e.actor,
    action: e.action,
    target: e.target ?? null,
    ip: e.ip,
    detail,
  };
}

export const toAuditEntry = (r: AuditRow): AuditEntry => ({ ...r, at: new Date(r.at).toISOString() });

export function createAuditStore(sql: Sql, clock: Clock): AuditStore {
  return {
    async record(e) {
      const r = auditRow(e, clock);
      await sql.run('INSERT INTO audit_log (at, actor, action, target, ip, detail) VALUES (?, ?, ?, ?, ?, ?)', [
        r.at,
        r.actor,
        r.action,
        r.target,
        r.ip,
        r.detail,
      ]);
    },
    async list({ limit = 100, beforeId = Number.MAX_SAFE_INTEGER }) {
      const rows = await sql.all<AuditRow>('SELECT * FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?', [
        beforeId,
        limit,
      ]);
      return rows.map(toAuditEntry);
    },
  };
}
