/** SQL for announcements, their frozen targets, receipts, ingested CAP messages and settings. */
import type {
  AnnouncementKind,
  AnnouncementStatus,
  AnnouncementTarget,
  FollowUpHousehold,
  ReceiptCounts,
  SafetyAnswer,
} from '@tsunagu/protocol';
import type { Db } from '../../db/database';

export interface AnnouncementRecord {
  id: number;
  kind: AnnouncementKind;
  test: boolean;
  titleJa: string;
  bodyJa: string;
  titleEn: string | null;
  bodyEn: string | null;
  audioId: string | null;
  audioMime: string | null;
  safetyCheck: boolean;
  target: AnnouncementTarget;
  status: AnnouncementStatus;
  version: number;
  sendAt: number | null;
  expiresAt: number | null;
  publishedAt: number | null;
  cancelledAt: number | null;
  source: 'console' | 'cap';
  capCategory: string | null;
  createdBy: string;
  approvedBy: string | null;
  createdAt: number;
  updatedAt: number;
}

export type NewAnnouncement = Omit<AnnouncementRecord, 'id' | 'version' | 'publishedAt' | 'cancelledAt' | 'updatedAt'>;

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

export interface CapMessageRecord {
  sender: string;
  identifier: string;
  sent: string;
  msgType: string;
  status: string;
  announcementId: number | null;
  outcome: string;
}

export interface AnnouncementsStore {
  insert(a: NewAnnouncement): number;
  get(id: number): AnnouncementRecord | undefined;
  list(limit: number): AnnouncementRecord[];
  byStatus(status: AnnouncementStatus): AnnouncementRecord[];
  /** Sets status published, freezes the target households. Returns how many households. */
  publish(id: number, householdIds: number[], at: number): number;
  setStatus(
    id: number,
    status: AnnouncementStatus,
    at: number,
    extra?: { approvedBy?: string; cancelledAt?: number },
  ): void;
  updateContent(
    id: number,
    patch: Partial<
      Pick<
        AnnouncementRecord,
        'titleJa' | 'bodyJa' | 'titleEn' | 'bodyEn' | 'expiresAt' | 'safetyCheck' | 'kind' | 'test' | 'target'
      >
    >,
    at: number,
  ): void;
  /** Announcements for a household that a terminal should show now, oldest first. */
  activeForHousehold(householdId: number, now: number, limit: number): AnnouncementRecord[];
  isTargeted(announcementId: number, householdId: number): boolean;
  targetHouseholdIds(announcementId: number): number[];
  receiptStates(householdId: number, announcementIds: number[]): TerminalReceiptState[];
  /** Writes many receipts in one transaction (group commit). */
  writeReceipts(receipts: ReceiptWrite[]): void;
  counts(announcementId: number): ReceiptCounts;
  followUps(announcementId: number, sort: 'district' | 'needsAssistance'): FollowUpHousehold[];
  /** Households for a target, resolved now. */
  resolveTarget(target: AnnouncementTarget): number[];
  countTerminals(householdIds: number[]): { terminals: number; online: number };
  capMessage(sender: string, identifier: string): CapMessageRecord | undefined;
  insertCapMessage(m: CapMessageRecord, at: number): void;
  getSetting(key: string): string | undefined;
  setSetting(key: string, value: string): void;
  /** Adds households to a published announcement's targets; returns those that were not targeted before. */
  addTargets(announcementId: number, householdIds: number[]): number[];
  transaction<T>(fn: () => T): T;
}

interface Row {
  id: number;
  kind: AnnouncementKind;
  test: number;
  title_ja: string;
  body_ja: string;
  title_en: string | null;
  body_en: string | null;
  audio_id: string | null;
  audio_mime: string | null;
  safety_check: number;
  target: string;
  status: AnnouncementStatus;
  version: number;
  send_at: number | null;
  expires_at: number | null;
  published_at: number | null;
  cancelled_at: number | null;
  source: 'console' | 'cap';
  cap_category: string | null;
  created_by: string;
  approved_by: string | null;
  created_at: number;
  updated_at: number;
}

const toRecord = (r: Row): AnnouncementRecord => ({
  id: r.id,
  kind: r.kind,
  test: r.test === 1,
  titleJa: r.title_ja,
  bodyJa: r.body_ja,
  titleEn: r.title_en,
  bodyEn: r.body_en,
  audioId: r.audio_id,
  audioMime: r.audio_mime,
  safetyCheck: r.safety_check === 1,
  target: JSON.parse(r.target) as AnnouncementTarget,
  status: r.status,
  version: r.version,
  sendAt: r.send_at,
  expiresAt: r.expires_at,
  publishedAt: r.published_at,
  cancelledAt: r.cancelled_at,
  source: r.source,
  capCategory: r.cap_category,
  createdBy: r.created_by,
  approvedBy: r.approved_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function createSqliteAnnouncementsStore(db: Db): AnnouncementsStore {
  const s = {
    insert: db.prepare(
      `INSERT INTO announcements (kind, test, title_ja, body_ja, title_en, body_en, audio_id, audio_mime, safety_check, target,
         status, send_at, expires_at, source, cap_category, created_by, approved_by, created_at, updated_at)
       VALUES (@kind, @test, @titleJa, @bodyJa, @titleEn, @bodyEn, @audioId, @audioMime, @safetyCheck, @target,
         @status, @sendAt, @expiresAt, @source, @capCategory, @createdBy, @approvedBy, @createdAt, @createdAt)`,
    ),
    get: db.prepare('SELECT * FROM announcements WHERE id = ?'),
    list: db.prepare('SELECT * FROM announcements ORDER BY id DESC LIMIT ?'),
    byStatus: db.prepare('SELECT * FROM announcements WHERE status = ? ORDER BY id'),
    publish: db.prepare("UPDATE announcements SET status = 'published', published_at = ?, updated_at = ? WHERE id = ?"),
    insertTarget: db.prepare(
      'INSERT OR IGNORE INTO announcement_targets (announcement_id, household_id) VALUES (?, ?)',
    ),
    setStatus: db.prepare(
      'UPDATE announcements SET status = ?, updated_at = ?, approved_by = COALESCE(?, approved_by), cancelled_at = COALESCE(?, cancelled_at) WHERE id = ?',
    ),
    active: db.prepare(
      `SELECT a.* FROM announcement_targets t JOIN announcements a ON a.id = t.announcement_id
       WHERE t.household_id = ? AND a.status = 'published' AND (a.expires_at IS NULL OR a.expires_at > ?)
       ORDER BY a.published_at DESC, a.id DESC LIMIT ?`,
    ),
    isTargeted: db.prepare('SELECT 1 FROM announcement_targets WHERE announcement_id = ? AND household_id = ?'),
    targets: db.prepare(
      'SELECT household_id AS id FROM announcement_targets WHERE announcement_id = ? ORDER BY household_id',
    ),
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
    // Per household (a household counts once even with two terminals, e.g. after re-enrolment).
    // Aggregated from the receipts alone: a receipt is only accepted from a targeted household,
    // so no join with the 10,000 targets is needed.
    counts: db.prepare(
      `WITH per AS (
         SELECT household_id,
           MAX(delivered_at IS NOT NULL) AS delivered,
           MAX(played_at IS NOT NULL) AS played,
           MAX(acknowledged_at IS NOT NULL) AS acknowledged,
           MAX(COALESCE(safety_answer = 'need_help', 0)) AS need_help,
           MAX(COALESCE(safety_answer = 'safe', 0)) AS safe
         FROM announcement_receipts WHERE announcement_id = ? GROUP BY household_id)
       SELECT COALESCE(SUM(delivered), 0) AS delivered, COALESCE(SUM(played), 0) AS played,
         COALESCE(SUM(acknowledged), 0) AS acknowledged, COALESCE(SUM(safe = 1 AND need_help = 0), 0) AS safe,
         COALESCE(SUM(need_help), 0) AS needHelp, COALESCE(SUM(safe = 1 OR need_help = 1), 0) AS answered
       FROM per`,
    ),
    targetCount: db.prepare('SELECT COUNT(*) AS n FROM announcement_targets WHERE announcement_id = ?'),
    followUps: db.prepare(
      `WITH per AS MATERIALIZED (
         SELECT household_id,
           MAX(delivered_at IS NOT NULL) AS delivered,
           MAX(acknowledged_at IS NOT NULL) AS acknowledged,
           MAX(COALESCE(safety_answer = 'need_help', 0)) AS need_help,
           MAX(COALESCE(safety_answer = 'safe', 0)) AS safe
         FROM announcement_receipts WHERE announcement_id = ? GROUP BY household_id)
       SELECT h.id AS householdId, h.name, h.address, h.phone, h.district_id AS districtId, d.name AS districtName,
         h.needs_assistance AS needsAssistance, per.delivered, per.acknowledged, per.need_help AS needHelp, per.safe
       FROM announcement_targets t JOIN households h ON h.id = t.household_id JOIN districts d ON d.id = h.district_id
         LEFT JOIN per ON per.household_id = t.household_id
       WHERE t.announcement_id = ?`,
    ),
    allHouseholds: db.prepare('SELECT id FROM households ORDER BY id'),
    needsAssistance: db.prepare('SELECT id FROM households WHERE needs_assistance = 1 ORDER BY id'),
    byDistricts: db.prepare(
      'SELECT id FROM households WHERE district_id IN (SELECT value FROM json_each(?)) ORDER BY id',
    ),
    existing: db.prepare('SELECT id FROM households WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id'),
    terminals: db.prepare(
      `SELECT COUNT(*) AS terminals, COALESCE(SUM(online), 0) AS online FROM terminals
       WHERE revoked_at IS NULL AND household_id IN (SELECT value FROM json_each(?))`,
    ),
    capGet: db.prepare(
      `SELECT sender, identifier, sent, msg_type AS msgType, status, announcement_id AS announcementId, outcome
       FROM cap_messages WHERE sender = ? AND identifier = ?`,
    ),
    capInsert: db.prepare(
      `INSERT INTO cap_messages (sender, identifier, sent, msg_type, status, announcement_id, outcome, received_at)
       VALUES (@sender, @identifier, @sent, @msgType, @status, @announcementId, @outcome, @at)`,
    ),
    getSetting: db.prepare('SELECT value FROM announcement_settings WHERE key = ?'),
    setSetting: db.prepare(
      'INSERT INTO announcement_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
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
    insert(a) {
      return Number(
        s.insert.run({
          ...a,
          test: a.test ? 1 : 0,
          safetyCheck: a.safetyCheck ? 1 : 0,
          target: JSON.stringify(a.target),
        }).lastInsertRowid,
      );
    },
    get(id) {
      const r = s.get.get(id) as Row | undefined;
      return r && toRecord(r);
    },
    list: (limit) => (s.list.all(limit) as Row[]).map(toRecord),
    byStatus: (status) => (s.byStatus.all(status) as Row[]).map(toRecord),
    publish: db.transaction((id: number, householdIds: number[], at: number) => {
      s.publish.run(at, at, id);
      for (const h of householdIds) s.insertTarget.run(id, h);
      return householdIds.length;
    }),
    setStatus(id, status, at, extra = {}) {
      s.setStatus.run(status, at, extra.approvedBy ?? null, extra.cancelledAt ?? null, id);
    },
    updateContent(id, patch, at) {
      const columns: Record<string, string> = {
        titleJa: 'title_ja',
        bodyJa: 'body_ja',
        titleEn: 'title_en',
        bodyEn: 'body_en',
        expiresAt: 'expires_at',
        safetyCheck: 'safety_check',
        kind: 'kind',
        test: 'test',
        target: 'target',
      };
      const sets = ['version = version + 1', 'updated_at = ?'];
      const values: (string | number | null)[] = [at];
      for (const [key, column] of Object.entries(columns)) {
        const v = (patch as Record<string, unknown>)[key];
        if (v === undefined) continue;
        sets.push(`${column} = ?`);
        values.push(
          typeof v === 'boolean'
            ? v
              ? 1
              : 0
            : typeof v === 'object' && v !== null
              ? JSON.stringify(v)
              : (v as string | number | null),
        );
      }
      db.prepare(`UPDATE announcements SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
    },
    activeForHousehold: (householdId, now, limit) =>
      (s.active.all(householdId, now, limit) as Row[]).map(toRecord).reverse(),
    isTargeted: (a, h) => s.isTargeted.get(a, h) !== undefined,
    targetHouseholdIds: (a) => (s.targets.all(a) as { id: number }[]).map((r) => r.id),
    receiptStates: (householdId, ids) =>
      s.receiptStates.all(householdId, JSON.stringify(ids)) as TerminalReceiptState[],
    writeReceipts: (receipts) => writeReceipts(receipts),
    counts(announcementId) {
      const a = s.get.get(announcementId) as Row | undefined;
      const c = s.counts.get(announcementId) as Record<string, number>;
      const targeted = (s.targetCount.get(announcementId) as { n: number }).n;
      return {
        targeted,
        delivered: c.delivered!,
        played: c.played!,
        acknowledged: c.acknowledged!,
        safe: c.safe!,
        needHelp: c.needHelp!,
        notAnswered: targeted - (a?.safety_check === 1 ? c.answered! : c.acknowledged!),
      };
    },
    followUps(announcementId, sort) {
      const a = s.get.get(announcementId) as Row | undefined;
      const safety = a?.safety_check === 1;
      const rows = s.followUps.all(announcementId, announcementId) as {
        householdId: number;
        name: string;
        address: string;
        phone: string | null;
        districtId: number;
        districtName: string;
        needsAssistance: number;
        delivered: number | null;
        acknowledged: number | null;
        needHelp: number | null;
        safe: number | null;
      }[];
      const out: FollowUpHousehold[] = [];
      for (const r of rows) {
        let state: FollowUpHousehold['state'] | null = null;
        if (r.needHelp === 1) state = 'need_help';
        else if (safety ? r.safe !== 1 : r.acknowledged !== 1) state = 'not_answered';
        if (!state) continue;
        out.push({
          householdId: r.householdId,
          name: r.name,
          address: r.address,
          phone: r.phone,
          districtId: r.districtId,
          districtName: r.districtName,
          needsAssistance: r.needsAssistance === 1,
          state,
          delivered: r.delivered === 1,
        });
      }
      // Those who asked for help first, then the chosen order.
      const byState = (x: FollowUpHousehold) => (x.state === 'need_help' ? 0 : 1);
      out.sort((x, y) => {
        if (byState(x) !== byState(y)) return byState(x) - byState(y);
        if (sort === 'needsAssistance' && x.needsAssistance !== y.needsAssistance) return x.needsAssistance ? -1 : 1;
        if (x.districtId !== y.districtId) return x.districtId - y.districtId;
        if (sort === 'district' && x.needsAssistance !== y.needsAssistance) return x.needsAssistance ? -1 : 1;
        return x.householdId - y.householdId;
      });
      return out;
    },
    resolveTarget(target) {
      const ids = (rows: unknown[]) => (rows as { id: number }[]).map((r) => r.id);
      switch (target.type) {
        case 'all':
          return ids(s.allHouseholds.all());
        case 'districts':
          return ids(s.byDistricts.all(JSON.stringify(target.districtIds)));
        case 'groups':
          // Only one group so far; the union of groups when there are more.
          return ids(s.needsAssistance.all());
        case 'households':
          return ids(s.existing.all(JSON.stringify(target.householdIds)));
      }
    },
    countTerminals(householdIds) {
      const r = s.terminals.get(JSON.stringify(householdIds)) as { terminals: number; online: number };
      return { terminals: r.terminals, online: r.online };
    },
    capMessage: (sender, identifier) => s.capGet.get(sender, identifier) as CapMessageRecord | undefined,
    insertCapMessage: (m, at) => void s.capInsert.run({ ...m, at }),
    getSetting: (key) => (s.getSetting.get(key) as { value: string } | undefined)?.value,
    setSetting: (key, value) => void s.setSetting.run(key, value),
    addTargets: db.transaction((announcementId: number, householdIds: number[]) =>
      householdIds.filter((h) => s.insertTarget.run(announcementId, h).changes > 0),
    ),
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
  };
}
