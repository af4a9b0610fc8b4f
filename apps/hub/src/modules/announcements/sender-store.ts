/**
 * SQL for city hall's policy per API key: the CAP sender it speaks for, and whether it may publish by
 * itself. One SQL text for both engines (db/sql.ts).
 */
import type { Sql } from '../../db/sql';
import type { PublishPolicy } from './policy';

export interface SenderPolicyRecord {
  apiKeyId: number;
  capSender: string | null;
  publish: PublishPolicy;
  updatedBy: string;
  updatedAt: number;
}

export interface SendersStore {
  get(apiKeyId: number): Promise<SenderPolicyRecord | undefined>;
  list(): Promise<SenderPolicyRecord[]>;
  set(p: SenderPolicyRecord): Promise<SenderPolicyRecord>;
}

const COLUMNS = `api_key_id AS "apiKeyId", cap_sender AS "capSender", publish, updated_by AS "updatedBy",
  updated_at AS "updatedAt"`;

export function createSendersStore(sql: Sql): SendersStore {
  return {
    get: (apiKeyId) =>
      sql.get<SenderPolicyRecord>(`SELECT ${COLUMNS} FROM announcement_sender_policies WHERE api_key_id = ?`, [
        apiKeyId,
      ]),
    list: () => sql.all<SenderPolicyRecord>(`SELECT ${COLUMNS} FROM announcement_sender_policies ORDER BY api_key_id`),
    set: async (p) =>
      (await sql.get<SenderPolicyRecord>(
        `INSERT INTO announcement_sender_policies (api_key_id, cap_sender, publish, updated_by, updated_at)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (api_key_id) DO UPDATE SET cap_sender = excluded.cap_sender, publish = excluded.publish,
           updated_by = excluded.updated_by, updated_at = excluded.updated_at
         RETURNING ${COLUMNS}`,
        [p.apiKeyId, p.capSender, p.publish, p.updatedBy, p.updatedAt],
      ))!,
  };
}
