/** Append-only audit log of privileged actions (the table refuses UPDATE and DELETE). */
import type { AuditEntry } from '@tsunagu/protocol';
import type { Db } from '../../db/database';
import type { Clock } from '../../lib/clock';
import { currentAddress } from '../../lib/request-context';

export interface AuditRecord {
  actor: string;
  action: string;
  target?: string | null;
  ip?: string | null;
  detail?: Record<string, unknown> | string | null;
}

export interface AuditStore {
  record(entry: AuditRecord): void;
  list(options: { limit?: number; beforeId?: number }): AuditEntry[];
}

interface Row {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  ip: string | null;
  detail: string | null;
}

export function createSqliteAuditStore(db: Db, clock: Clock): AuditStore {
  const insert = db.prepare('INSERT INTO audit_log (at, actor, action, target, ip, detail) VALUES (?, ?, ?, ?, ?, ?)');
  const listStmt = db.prepare('SELECT * FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?');
  return {
    record(e) {
      const detail = e.detail == null ? null : typeof e.detail === 'string' ? e.detail : JSON.stringify(e.detail);
      // The address of the request or socket command being handled, when the caller did not say.
      insert.run(clock.now(), e.actor, e.action, e.target ?? null, e.ip ?? currentAddress(), detail);
    },
    list({ limit = 100, beforeId = Number.MAX_SAFE_INTEGER }) {
      return (listStmt.all(beforeId, limit) as Row[]).map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
    },
  };
}
