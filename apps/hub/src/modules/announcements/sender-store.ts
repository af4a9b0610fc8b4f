/** SQL for city hall's policy per API key: the CAP sender it speaks for, and whether it may publish by itself. */
import type { Db } from '../../db/database';
import type { PublishPolicy } from './policy';

export interface SenderPolicyRecord {
  apiKeyId: number;
  capSender: string | null;
  publish: PublishPolicy;
  updatedBy: string;
  updatedAt: number;
}

export interface SendersStore {
  get(apiKeyId: number): SenderPolicyRecord | undefined;
  list(): SenderPolicyRecord[];
  set(p: SenderPolicyRecord): SenderPolicyRecord;
}

const COLUMNS = `api_key_id AS apiKeyId, cap_sender AS capSender, publish, updated_by AS updatedBy, updated_at AS updatedAt`;

export function createSqliteSendersStore(db: Db): SendersStore {
  const s = {
    get: db.prepare(`SELECT ${COLUMNS} FROM announcement_sender_policies WHERE api_key_id = ?`),
    list: db.prepare(`SELECT ${COLUMNS} FROM announcement_sender_policies ORDER BY api_key_id`),
    set: db.prepare(
      `INSERT INTO announcement_sender_policies (api_key_id, cap_sender, publish, updated_by, updated_at)
       VALUES (@apiKeyId, @capSender, @publish, @updatedBy, @updatedAt)
       ON CONFLICT (api_key_id) DO UPDATE SET cap_sender = excluded.cap_sender, publish = excluded.publish,
         updated_by = excluded.updated_by, updated_at = excluded.updated_at
       RETURNING ${COLUMNS}`,
    ),
  };
  return {
    get: (apiKeyId) => s.get.get(apiKeyId) as SenderPolicyRecord | undefined,
    list: () => s.list.all() as SenderPolicyRecord[],
    set: (p) => s.set.get(p) as SenderPolicyRecord,
  };
}
