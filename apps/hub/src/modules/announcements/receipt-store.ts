/**
 * SQL for receipts: group-committed writes, a household's receipt states, the follow-up list. One
 * SQL text for both engines (db/sql.ts); a batch is one unit of work, row by row on SQLite (prepared
 * statements in-process), one statement per round on PostgreSQL (a round trip costs more than a row).
 */
import type { SafetyAnswer } from '@tsunagu/protocol';
import type { Db } from '../../db/database';
import { type Sql, sqliteSql } from '../../db/sql';

export interface ReceiptWrite {
  announcementId: number;
  terminalId: number;
  householdId: number;
  stage: 'delivered' | 'played' | 'acknowledged' | 'answered';
  answer?: SafetyAnswer;
  at: number;
}

export interface TerminalReceiptState {
  announcementId: number;
  acknowledgedAt: number | null;
  safetyAnswer: SafetyAnswer | null;
}

/** A targeted household with its receipts, for the follow-up list. */
export interface FollowUpRow {
  householdId: number;
  name: string;
  address: string;
  phone: string | null;
  districtId: number;
  districtName: string;
  needsAssistance: boolean;
  delivered: boolean;
  hasTerminal: boolean;
  acknowledged: boolean;
  needHelp: boolean;
  safe: boolean;
}

export interface ReceiptsStore {
  isTargeted(announcementId: number, householdId: number): Promise<boolean>;
  /**
   * `isTargeted` answered at once, where the engine can (SQLite): a receipt then joins its batch
   * without a pause (awaiting each check made 30,000 receipts ~1.4x slower, scale.test.ts).
   */
  isTargetedNow?(announcementId: number, householdId: number): boolean;
  receiptStates(householdId: number, announcementIds: number[]): Promise<TerminalReceiptState[]>;
  /** Writes many receipts in one transaction (group commit): resolves once committed, all or none. */
  writeReceipts(receipts: ReceiptWrite[]): Promise<void>;
  /** Every targeted household with its receipts. */
  followUpRows(announcementId: number): Promise<FollowUpRow[]>;
  /** Published emergencies some enrolled terminal has not confirmed: the oldest's time, and how many terminals wait. */
  undeliveredEmergencies(): Promise<{ oldestPublishedAt: number | null; terminals: number }>;
}

const IS_TARGETED = 'SELECT 1 AS found FROM announcement_targets WHERE announcement_id = ? AND household_id = ?';

/**
 * What each stage writes, as one row of (delivered, played, acknowledged, answer, answered) times:
 * every stage is a delivery; played and acknowledged are kept from the first time, except that an
 * acknowledgement keeps the latest (an updated announcement is acknowledged again); an answer
 * replaces the previous one. One upsert for every stage, so a batch is one statement on PostgreSQL.
 */
const stageRow = (r: ReceiptWrite) =>
  [
    r.at,
    r.stage === 'played' ? r.at : null,
    r.stage === 'acknowledged' || r.stage === 'answered' ? r.at : null,
    r.stage === 'answered' ? (r.answer ?? null) : null,
    r.stage === 'answered' ? r.at : null,
  ] as const;
const COLUMNS = `(announcement_id, terminal_id, household_id, delivered_at, played_at, acknowledged_at, safety_answer,
  answered_at)`;
const UPSERT = `ON CONFLICT (announcement_id, terminal_id) DO UPDATE SET
    delivered_at = COALESCE(announcement_receipts.delivered_at, excluded.delivered_at),
    played_at = COALESCE(announcement_receipts.played_at, excluded.played_at),
    acknowledged_at = CASE WHEN excluded.answered_at IS NULL
      THEN COALESCE(excluded.acknowledged_at, announcement_receipts.acknowledged_at)
      ELSE COALESCE(announcement_receipts.acknowledged_at, excluded.acknowledged_at) END,
    safety_answer = CASE WHEN excluded.answered_at IS NULL THEN announcement_receipts.safety_answer
      ELSE excluded.safety_answer END,
    answered_at = COALESCE(excluded.answered_at, announcement_receipts.answered_at)`;
const WRITE_MANY = `INSERT INTO announcement_receipts ${COLUMNS}
  SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::bigint[])
  ${UPSERT}`;

/**
 * The batch in rounds, in order, each naming a receipt row at most once (a statement may not change
 * one row twice on PostgreSQL): a terminal's delivered and played in one batch go in two rounds.
 */
function rounds(receipts: ReceiptWrite[]): ReceiptWrite[][] {
  const out: ReceiptWrite[][] = [];
  const seen: Set<string>[] = [];
  for (const r of receipts) {
    const key = `${r.announcementId}:${r.terminalId}`;
    // After the last round that has it; receipts of other rows fill the earliest rounds.
    let i = seen.length;
    while (i > 0 && !seen[i - 1]!.has(key)) i -= 1;
    if (i === out.length) {
      out.push([]);
      seen.push(new Set());
    }
    out[i]!.push(r);
    seen[i]!.add(key);
  }
  return out;
}

export function createReceiptsStore(sql: Sql): ReceiptsStore {
  return {
    isTargeted: async (a, h) => (await sql.get(IS_TARGETED, [a, h])) !== undefined,
    receiptStates: (householdId, ids) => {
      const [inIds, param] = sql.anyOf('announcement_id', ids);
      return sql.all<TerminalReceiptState>(
        `SELECT announcement_id AS "announcementId", MAX(acknowledged_at) AS "acknowledgedAt",
           (SELECT r2.safety_answer FROM announcement_receipts r2 WHERE r2.announcement_id = r.announcement_id
              AND r2.household_id = r.household_id AND r2.safety_answer IS NOT NULL
            ORDER BY r2.answered_at DESC LIMIT 1) AS "safetyAnswer"
         FROM announcement_receipts r WHERE household_id = ? AND ${inIds}
         GROUP BY announcement_id, household_id`,
        [householdId, param],
      );
    },
    writeReceipts: (receipts) =>
      sql.transaction(async (tx) => {
        for (const round of rounds(receipts)) {
          const rows = round.map((r) => [r.announcementId, r.terminalId, r.householdId, ...stageRow(r)]);
          await tx.run(
            WRITE_MANY,
            rows[0]!.map((_, column) => rows.map((row) => row[column])),
          );
        }
      }),
    followUpRows: async (announcementId) =>
      (
        await sql.all<Record<string, unknown>>(
          `WITH per AS MATERIALIZED (
             SELECT household_id,
               MAX(CASE WHEN delivered_at IS NOT NULL THEN 1 ELSE 0 END) AS delivered,
               MAX(CASE WHEN acknowledged_at IS NOT NULL THEN 1 ELSE 0 END) AS acknowledged,
               MAX(CASE WHEN safety_answer = 'need_help' THEN 1 ELSE 0 END) AS need_help,
               MAX(CASE WHEN safety_answer = 'safe' THEN 1 ELSE 0 END) AS safe
             FROM announcement_receipts WHERE announcement_id = ? GROUP BY household_id)
           SELECT h.id AS "householdId", h.name, h.address, h.phone, h.district_id AS "districtId",
             d.name AS "districtName", h.needs_assistance AS "needsAssistance", per.delivered, per.acknowledged,
             per.need_help AS "needHelp", per.safe,
             CASE WHEN EXISTS (SELECT 1 FROM terminals tm WHERE tm.household_id = h.id AND tm.revoked_at IS NULL)
               THEN 1 ELSE 0 END AS "hasTerminal"
           FROM announcement_targets t JOIN households h ON h.id = t.household_id JOIN districts d ON d.id = h.district_id
             LEFT JOIN per ON per.household_id = t.household_id
           WHERE t.announcement_id = ?`,
          [announcementId, announcementId],
        )
      ).map((r) => ({
        householdId: r.householdId as number,
        name: r.name as string,
        address: r.address as string,
        phone: r.phone as string | null,
        districtId: r.districtId as number,
        districtName: r.districtName as string,
        needsAssistance: r.needsAssistance === 1,
        delivered: r.delivered === 1,
        hasTerminal: r.hasTerminal === 1,
        acknowledged: r.acknowledged === 1,
        needHelp: r.needHelp === 1,
        safe: r.safe === 1,
      })),
    undeliveredEmergencies: async () => {
      const r = await sql.get<{ oldestPublishedAt: number | null; terminals: number }>(
        `SELECT MIN(a.published_at) AS "oldestPublishedAt", COUNT(*) AS terminals
         FROM announcements a
           JOIN announcement_targets t ON t.announcement_id = a.id
           JOIN terminals tm ON tm.household_id = t.household_id AND tm.revoked_at IS NULL
           LEFT JOIN announcement_receipts r ON r.announcement_id = a.id AND r.terminal_id = tm.id
         WHERE a.status = 'published' AND a.kind = 'emergency' AND r.delivered_at IS NULL`,
      );
      return { oldestPublishedAt: r?.oldestPublishedAt ?? null, terminals: Number(r?.terminals ?? 0) };
    },
  };
}

/**
 * On SQLite the hot path keeps its prepared statements, one per stage, run synchronously row by row
 * inside the unit of work (in the connection's line, as the check-in group commit is). The same
 * rows as WRITE_MANY.
 */
export function createSqliteReceiptsStore(db: Db): ReceiptsStore {
  const sql = sqliteSql(db);
  // One statement per stage: each updates only its own columns (cheaper than WRITE_MANY's CASEs).
  const stage = (columns: string, values: string, set: string) =>
    db.prepare(`INSERT INTO announcement_receipts (announcement_id, terminal_id, household_id, ${columns})
      VALUES (?, ?, ?, ${values}) ON CONFLICT (announcement_id, terminal_id) DO UPDATE SET
      delivered_at = COALESCE(delivered_at, excluded.delivered_at)${set}`);
  const write = {
    delivered: stage('delivered_at', '?', ''),
    played: stage('delivered_at, played_at', '?, ?', ', played_at = COALESCE(played_at, excluded.played_at)'),
    acknowledged: stage('delivered_at, acknowledged_at', '?, ?', ', acknowledged_at = excluded.acknowledged_at'),
    answered: stage(
      'delivered_at, acknowledged_at, safety_answer, answered_at',
      '?, ?, ?, ?',
      `, acknowledged_at = COALESCE(acknowledged_at, excluded.acknowledged_at),
        safety_answer = excluded.safety_answer, answered_at = excluded.answered_at`,
    ),
  };
  const isTargeted = db.prepare(IS_TARGETED);
  return {
    ...createReceiptsStore(sql),
    isTargeted: async (a, h) => isTargeted.get(a, h) !== undefined,
    isTargetedNow: (a, h) => isTargeted.get(a, h) !== undefined,
    writeReceipts: (receipts) =>
      sql.transaction(async () => {
        for (const r of receipts) {
          const base = [r.announcementId, r.terminalId, r.householdId] as const;
          if (r.stage === 'delivered') write.delivered.run(...base, r.at);
          else if (r.stage === 'played') write.played.run(...base, r.at, r.at);
          else if (r.stage === 'acknowledged') write.acknowledged.run(...base, r.at, r.at);
          else write.answered.run(...base, r.at, r.at, r.answer ?? null, r.at);
        }
      }),
  };
}
