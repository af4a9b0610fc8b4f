/** SQL for call notes, on both engines (db/sql.ts): one note per answered call, by the staff member who took it. */
import type { ConcernLevel } from '@tsunagu/protocol';
import type { Sql } from '../../db/sql';

export interface CallNoteRecord {
  id: number;
  callId: number;
  householdId: number;
  householdName: string;
  shopId: number;
  shopName: string;
  shopKind: 'shop' | 'listening';
  authorName: string;
  note: string;
  concern: ConcernLevel | null;
  callAt: number;
  writtenAt: number;
}

export interface CallNotesStore {
  /** Null when the call has a note already. */
  create(n: {
    callId: number;
    householdId: number;
    /** Null once the author's account is removed (the name stays). */
    authorId: number | null;
    authorName: string;
    note: string;
    concern: ConcernLevel | null;
    writtenAt: number;
  }): Promise<number | null>;
  get(id: number): Promise<CallNoteRecord | undefined>;
  /** Newest first. */
  forHousehold(householdId: number, limit: number): Promise<CallNoteRecord[]>;
}

interface Row {
  id: number;
  call_id: number;
  household_id: number;
  household_name: string;
  shop_id: number;
  shop_name: string;
  shop_kind: 'shop' | 'listening';
  author_name: string;
  note: string;
  concern: ConcernLevel | null;
  call_at: number;
  written_at: number;
}
const toRecord = (r: Row): CallNoteRecord => ({
  id: r.id,
  callId: r.call_id,
  householdId: r.household_id,
  householdName: r.household_name,
  shopId: r.shop_id,
  shopName: r.shop_name,
  shopKind: r.shop_kind,
  authorName: r.author_name,
  note: r.note,
  concern: r.concern,
  callAt: r.call_at,
  writtenAt: r.written_at,
});

const SELECT = `SELECT n.id, n.call_id, n.household_id, h.name AS household_name, c.shop_id, s.name AS shop_name,
  s.kind AS shop_kind, n.author_name, n.note, n.concern, c.requested_at AS call_at, n.written_at
  FROM call_notes n JOIN calls c ON c.id = n.call_id JOIN households h ON h.id = n.household_id
  JOIN shops s ON s.id = c.shop_id`;

const INSERT = `INSERT INTO call_notes (call_id, household_id, author_id, author_name, note, concern, written_at)
  VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (call_id) DO NOTHING RETURNING id`;

export function createCallNotesStore(sql: Sql): CallNotesStore {
  return {
    async create(n) {
      const row = await sql.get<{ id: number }>(INSERT, [
        n.callId,
        n.householdId,
        n.authorId,
        n.authorName,
        n.note,
        n.concern,
        n.writtenAt,
      ]);
      return row ? row.id : null;
    },
    get: async (id) => {
      const r = await sql.get<Row>(`${SELECT} WHERE n.id = ?`, [id]);
      return r && toRecord(r);
    },
    forHousehold: async (householdId, limit) =>
      (
        await sql.all<Row>(`${SELECT} WHERE n.household_id = ? ORDER BY n.written_at DESC, n.id DESC LIMIT ?`, [
          householdId,
          limit,
        ])
      ).map(toRecord),
  };
}
