/** SQL for receipts: group-committed writes, a household's receipt states, the follow-up list. */
import type { SafetyAnswer } from '@tsunagu/protocol';
import type { Db } from '../../db/database';

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
  isTargeted(announcementId: number, householdId: number): boolean;
  receiptStates(householdId: number, announcementIds: number[]): TerminalReceiptState[];
  /** Writes many receipts in one transaction (group commit). */
  writeReceipts(receipts: ReceiptWrite[]): void;
  /** Every targeted household with its receipts. */
  followUpRows(announcementId: number): FollowUpRow[];
  /** Published emergencies some enrolled terminal has not confirmed: the oldest's time, and how many terminals wait. */
  undeliveredEmergencies(): { oldestPublishedAt: number | null; terminals: number };
}

export function createSqliteReceiptsStore(db: Db): ReceiptsStore {
  const s = {
    isTargeted: db.prepare('SELECT 1 FROM announcement_targets WHERE announcement_id = ? AND household_id = ?'),
    receiptStates: db.prepare(
      `SELECT announcement_id AS announcementId, MAX(acknowledged_at) AS acknowledgedAt,
         (SELECT r2.safety_answer FROM announcement_receipts r2 WHERE r2.announcement_id = r.announcement_id AND r2.household_id = r.household_id
            AND r2.safety_answer IS NOT NULL ORDER BY r2.answered_at DESC LIMIT 1) AS safetyAnswer
       FROM announcement_receipts r WHERE household_id = ? AND announcement_id IN (SELECT value FROM json_each(?))
       GROUP BY announcement_id`,
    ),
    delivered: db.prepare(
      `INSERT INTO announcement_receipts (announcement_id, terminal_id, household_id, delivered_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (announcement_id, terminal_id) DO UPDATE SET delivered_at = COALESCE(delivered_at, excluded.delivered_at)`,
    ),
    played: db.prepare(
      `INSERT INTO announcement_receipts (announcement_id, terminal_id, household_id, delivered_at, played_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (announcement_id, terminal_id) DO UPDATE SET delivered_at = COALESCE(delivered_at, excluded.delivered_at),
         played_at = COALESCE(played_at, excluded.played_at)`,
    ),
    // Acknowledged keeps the latest time: an updated announcement is acknowledged again.
    acknowledged: db.prepare(
      `INSERT INTO announcement_receipts (announcement_id, terminal_id, household_id, delivered_at, acknowledged_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (announcement_id, terminal_id) DO UPDATE SET delivered_at = COALESCE(delivered_at, excluded.delivered_at),
         acknowledged_at = excluded.acknowledged_at`,
    ),
    answered: db.prepare(
      `INSERT INTO announcement_receipts (announcement_id, terminal_id, household_id, delivered_at, acknowledged_at, safety_answer, answered_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (announcement_id, terminal_id) DO UPDATE SET delivered_at = COALESCE(delivered_at, excluded.delivered_at),
         acknowledged_at = COALESCE(acknowledged_at, excluded.acknowledged_at),
         safety_answer = excluded.safety_answer, answered_at = excluded.answered_at`,
    ),
    followUps: db.prepare(
      `WITH per AS MATERIALIZED (
         SELECT household_id,
           MAX(delivered_at IS NOT NULL) AS delivered,
           MAX(acknowledged_at IS NOT NULL) AS acknowledged,
           MAX(COALESCE(safety_answer = 'need_help', 0)) AS need_help,
           MAX(COALESCE(safety_answer = 'safe', 0)) AS safe
         FROM announcement_receipts WHERE announcement_id = ? GROUP BY household_id)
       SELECT h.id AS householdId, h.name, h.address, h.phone, h.district_id AS districtId, d.name AS districtName,
         h.needs_assistance AS needsAssistance, per.delivered, per.acknowledged, per.need_help AS needHelp, per.safe,
         EXISTS (SELECT 1 FROM terminals tm WHERE tm.household_id = h.id AND tm.revoked_at IS NULL) AS hasTerminal
       FROM announcement_targets t JOIN households h ON h.id = t.household_id JOIN districts d ON d.id = h.district_id
         LEFT JOIN per ON per.household_id = t.household_id
       WHERE t.announcement_id = ?`,
    ),
    undeliveredEmergencies: db.prepare(
      `SELECT MIN(a.published_at) AS oldestPublishedAt, COUNT(*) AS terminals
       FROM announcements a
         JOIN announcement_targets t ON t.announcement_id = a.id
         JOIN terminals tm ON tm.household_id = t.household_id AND tm.revoked_at IS NULL
         LEFT JOIN announcement_receipts r ON r.announcement_id = a.id AND r.terminal_id = tm.id
       WHERE a.status = 'published' AND a.kind = 'emergency' AND r.delivered_at IS NULL`,
    ),
  };

  const writeReceipts = db.transaction((receipts: ReceiptWrite[]) => {
    for (const r of receipts) {
      const base = [r.announcementId, r.terminalId, r.householdId] as const;
      if (r.stage === 'delivered') s.delivered.run(...base, r.at);
      else if (r.stage === 'played') s.played.run(...base, r.at, r.at);
      else if (r.stage === 'acknowledged') s.acknowledged.run(...base, r.at, r.at);
      else s.answered.run(...base, r.at, r.at, r.answer ?? null, r.at);
    }
  });

  return {
    isTargeted: (a, h) => s.isTargeted.get(a, h) !== undefined,
    receiptStates: (householdId, ids) =>
      s.receiptStates.all(householdId, JSON.stringify(ids)) as TerminalReceiptState[],
    writeReceipts: (receipts) => writeReceipts(receipts),
    followUpRows: (announcementId) =>
      (s.followUps.all(announcementId, announcementId) as Record<string, unknown>[]).map((r) => ({
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
    undeliveredEmergencies: () =>
      s.undeliveredEmergencies.get() as { oldestPublishedAt: number | null; terminals: number },
  };
}
