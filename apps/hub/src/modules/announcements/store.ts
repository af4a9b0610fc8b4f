/** SQL for announcements, their frozen targets and receipt counts, ingested CAP messages and settings. */
import type {
  AnnouncementKind,
  AnnouncementStatus,
  AnnouncementTarget,
  AnnouncementTone,
  ReceiptCounts,
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
  /** 'eew': announced with the Earthquake Early Warning chime (announcement_tones). */
  tone?: AnnouncementTone | null;
  capCategory: string | null;
  createdBy: string;
  approvedBy: string | null;
  createdAt: number;
  updatedAt: number;
}

export type NewAnnouncement = Omit<
  AnnouncementRecord,
  'id' | 'version' | 'publishedAt' | 'cancelledAt' | 'updatedAt' | 'tone'
> & { tone?: AnnouncementTone | null };

export type ContentPatch = Partial<
  Pick<
    AnnouncementRecord,
    'titleJa' | 'bodyJa' | 'titleEn' | 'bodyEn' | 'expiresAt' | 'safetyCheck' | 'kind' | 'test' | 'target'
  >
>;

/** New content for a published announcement, kept aside until a second person approves it. */
export interface PendingChange {
  patch: ContentPatch;
  /** The area grows to these households too when approved (a CAP Update naming a wider area). */
  widenTo: AnnouncementTarget | null;
}

/** The latest edit that needs (or needed) a fresh approval. */
export interface Revision {
  change: PendingChange | null;
  revisedBy: string;
  revisedAt: number;
}

/** An announcement with its receipt counts and its revision, read in one query. */
export interface AnnouncementWithCounts extends AnnouncementRecord {
  counts: ReceiptCounts;
  revision: Revision | null;
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
  /**
   * Stores a new announcement. With `publish`, it is stored as published with its frozen target
   * households, in one transaction (never stored as scheduled and flipped afterwards).
   */
  add(a: NewAnnouncement, publish?: { householdIds: number[]; at: number }): AnnouncementRecord;
  /** `add`, returning only the id (for tools that prepare a database). */
  insert(a: NewAnnouncement): number;
  get(id: number): AnnouncementRecord | undefined;
  /** One announcement with its receipt counts, in one query. */
  withCounts(id: number): AnnouncementWithCounts | undefined;
  /** The latest announcements with their receipt counts, in one query. */
  listWithCounts(limit: number): AnnouncementWithCounts[];
  byStatus(status: AnnouncementStatus): AnnouncementRecord[];
  /** Sets status published and freezes the target households. */
  publish(id: number, householdIds: number[], at: number): AnnouncementRecord;
  setStatus(
    id: number,
    status: AnnouncementStatus,
    at: number,
    extra?: { approvedBy?: string; cancelledAt?: number },
  ): AnnouncementRecord;
  /** New content: a new version. */
  updateContent(id: number, patch: ContentPatch, at: number): AnnouncementRecord;
  /** Removes the approval (it was given to other content), with the status it has now. */
  clearApproval(id: number, status: AnnouncementStatus): AnnouncementRecord;
  revision(id: number): Revision | undefined;
  setRevision(id: number, revision: Revision | null): void;
  /** Announcements for a household that a terminal should show now, oldest first. */
  activeForHousehold(householdId: number, now: number, limit: number): AnnouncementRecord[];
  targetHouseholdIds(announcementId: number): number[];
  counts(announcementId: number): ReceiptCounts;
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

interface CountsRow extends Row {
  c_targeted: number;
  c_delivered: number;
  c_played: number;
  c_acknowledged: number;
  c_safe: number;
  c_need_help: number;
  c_answered: number;
  rv_change: string | null;
  rv_by: string | null;
  rv_at: number | null;
}

const rowToRecord = (r: Row, tone: AnnouncementTone | null): AnnouncementRecord => ({
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
  tone,
});

/** The counts of an announcement nobody has answered yet. */
export const noReceipts = (targeted: number): ReceiptCounts => ({
  targeted,
  delivered: 0,
  played: 0,
  acknowledged: 0,
  safe: 0,
  needHelp: 0,
  notAnswered: targeted,
});

const toRevision = (r: { change: string | null; revisedBy: string; revisedAt: number }): Revision => ({
  change: r.change === null ? null : (JSON.parse(r.change) as PendingChange),
  revisedBy: r.revisedBy,
  revisedAt: r.revisedAt,
});

const withCountsOf =
  (toRecord: (r: Row) => AnnouncementRecord) =>
  (r: CountsRow): AnnouncementWithCounts => ({
    ...toRecord(r),
    revision: r.rv_by === null ? null : toRevision({ change: r.rv_change, revisedBy: r.rv_by, revisedAt: r.rv_at! }),
    counts: {
      targeted: r.c_targeted,
      delivered: r.c_delivered,
      played: r.c_played,
      acknowledged: r.c_acknowledged,
      safe: r.c_safe,
      needHelp: r.c_need_help,
      notAnswered: r.c_targeted - (r.safety_check === 1 ? r.c_answered : r.c_acknowledged),
    },
  });

/**
 * Announcements (picked by `ids`) with their receipt counts, in one statement. Counted per
 * household (a household counts once even with two terminals, e.g. after re-enrolment), from the
 * receipts alone: a receipt is only accepted from a targeted household, so no join with the 10,000
 * targets is needed beyond counting them.
 */
const withCountsSql = (ids: string) => `
  WITH ids(id) AS (${ids}),
  per AS (
    SELECT announcement_id AS aid, household_id,
      MAX(delivered_at IS NOT NULL) AS delivered,
      MAX(played_at IS NOT NULL) AS played,
      MAX(acknowledged_at IS NOT NULL) AS acknowledged,
      MAX(COALESCE(safety_answer = 'need_help', 0)) AS need_help,
      MAX(COALESCE(safety_answer = 'safe', 0)) AS safe
    FROM announcement_receipts WHERE announcement_id IN (SELECT id FROM ids) GROUP BY announcement_id, household_id),
  agg AS (
    SELECT aid, SUM(delivered) AS delivered, SUM(played) AS played, SUM(acknowledged) AS acknowledged,
      SUM(safe = 1 AND need_help = 0) AS safe, SUM(need_help) AS need_help, SUM(safe = 1 OR need_help = 1) AS answered
    FROM per GROUP BY aid),
  tgt AS (
    SELECT announcement_id AS aid, COUNT(*) AS n FROM announcement_targets
    WHERE announcement_id IN (SELECT id FROM ids) GROUP BY announcement_id)
  SELECT a.*, tn.tone AS tone, COALESCE(tgt.n, 0) AS c_targeted, COALESCE(agg.delivered, 0) AS c_delivered,
    COALESCE(agg.played, 0) AS c_played, COALESCE(agg.acknowledged, 0) AS c_acknowledged,
    COALESCE(agg.safe, 0) AS c_safe, COALESCE(agg.need_help, 0) AS c_need_help, COALESCE(agg.answered, 0) AS c_answered,
    rv.change AS rv_change, rv.revised_by AS rv_by, rv.revised_at AS rv_at
  FROM announcements a LEFT JOIN agg ON agg.aid = a.id LEFT JOIN tgt ON tgt.aid = a.id
    LEFT JOIN announcement_revisions rv ON rv.announcement_id = a.id
    LEFT JOIN announcement_tones tn ON tn.announcement_id = a.id
  WHERE a.id IN (SELECT id FROM ids) ORDER BY a.id DESC`;

const WITH_TONE =
  'SELECT a.*, tn.tone AS tone FROM announcements a LEFT JOIN announcement_tones tn ON tn.announcement_id = a.id';

export function createSqliteAnnouncementsStore(db: Db): AnnouncementsStore {
  const toneOf = db.prepare('SELECT tone FROM announcement_tones WHERE announcement_id = ?');
  const setTone = db.prepare('INSERT INTO announcement_tones (announcement_id, tone) VALUES (?, ?)');
  // The tone lives in its own table (see migration 0021): reads join it; a row from RETURNING looks it up.
  const toRecord = (r: Row & { tone?: AnnouncementTone | null }) =>
    rowToRecord(
      r,
      r.tone !== undefined ? r.tone : ((toneOf.get(r.id) as { tone: AnnouncementTone } | undefined)?.tone ?? null),
    );
  const withCounts = withCountsOf(toRecord);
  const s = {
    insert: db.prepare(
      `INSERT INTO announcements (kind, test, title_ja, body_ja, title_en, body_en, audio_id, audio_mime, safety_check, target,
         status, send_at, expires_at, published_at, source, cap_category, created_by, approved_by, created_at, updated_at)
       VALUES (@kind, @test, @titleJa, @bodyJa, @titleEn, @bodyEn, @audioId, @audioMime, @safetyCheck, @target,
         @status, @sendAt, @expiresAt, @publishedAt, @source, @capCategory, @createdBy, @approvedBy, @createdAt, @createdAt)
       RETURNING *`,
    ),
    get: db.prepare(`${WITH_TONE} WHERE a.id = ?`),
    withCounts: db.prepare(withCountsSql('SELECT ?')),
    listWithCounts: db.prepare(withCountsSql('SELECT id FROM announcements ORDER BY id DESC LIMIT ?')),
    byStatus: db.prepare(`${WITH_TONE} WHERE a.status = ? ORDER BY a.id`),
    publish: db.prepare(
      "UPDATE announcements SET status = 'published', published_at = ?, updated_at = ? WHERE id = ? RETURNING *",
    ),
    insertTarget: db.prepare(
      'INSERT OR IGNORE INTO announcement_targets (announcement_id, household_id) VALUES (?, ?)',
    ),
    setStatus: db.prepare(
      `UPDATE announcements SET status = ?, updated_at = ?, approved_by = COALESCE(?, approved_by),
         cancelled_at = COALESCE(?, cancelled_at) WHERE id = ? RETURNING *`,
    ),
    active: db.prepare(
      `SELECT a.*, tn.tone AS tone FROM announcement_targets t JOIN announcements a ON a.id = t.announcement_id
       LEFT JOIN announcement_tones tn ON tn.announcement_id = a.id
       WHERE t.household_id = ? AND a.status = 'published' AND (a.expires_at IS NULL OR a.expires_at > ?)
       ORDER BY a.published_at DESC, a.id DESC LIMIT ?`,
    ),
    targets: db.prepare(
      'SELECT household_id AS id FROM announcement_targets WHERE announcement_id = ? ORDER BY household_id',
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
    clearApproval: db.prepare('UPDATE announcements SET status = ?, approved_by = NULL WHERE id = ? RETURNING *'),
    revision: db.prepare(
      `SELECT change, revised_by AS revisedBy, revised_at AS revisedAt FROM announcement_revisions
       WHERE announcement_id = ?`,
    ),
    setRevision: db.prepare(
      `INSERT INTO announcement_revisions (announcement_id, change, revised_by, revised_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (announcement_id) DO UPDATE SET change = excluded.change, revised_by = excluded.revised_by,
         revised_at = excluded.revised_at`,
    ),
    deleteRevision: db.prepare('DELETE FROM announcement_revisions WHERE announcement_id = ?'),
    getSetting: db.prepare('SELECT value FROM announcement_settings WHERE key = ?'),
    setSetting: db.prepare(
      'INSERT INTO announcement_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),
  };

  const freeze = (id: number, householdIds: number[]) => {
    for (const h of householdIds) s.insertTarget.run(id, h);
  };
  const add = db.transaction((a: NewAnnouncement, publish?: { householdIds: number[]; at: number }) => {
    const { tone, ...fields } = a;
    const row = s.insert.get({
      ...fields,
      test: a.test ? 1 : 0,
      safetyCheck: a.safetyCheck ? 1 : 0,
      target: JSON.stringify(a.target),
      status: publish ? 'published' : a.status,
      publishedAt: publish?.at ?? null,
    }) as Row;
    if (tone) setTone.run(row.id, tone);
    if (publish) freeze(row.id, publish.householdIds);
    return toRecord(row);
  });
  const one = (r: unknown) => {
    if (!r) throw new Error('announcement not found');
    return toRecord(r as Row);
  };
  const columns: Record<keyof ContentPatch, string> = {
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
  const sqlValue = (v: ContentPatch[keyof ContentPatch]) =>
    typeof v === 'boolean' ? (v ? 1 : 0) : typeof v === 'object' && v !== null ? JSON.stringify(v) : (v ?? null);

  return {
    add: (a, publish) => add(a, publish),
    insert: (a) => add(a).id,
    get(id) {
      const r = s.get.get(id) as Row | undefined;
      return r && toRecord(r);
    },
    withCounts(id) {
      const r = s.withCounts.get(id) as CountsRow | undefined;
      return r && withCounts(r);
    },
    listWithCounts: (limit) => (s.listWithCounts.all(limit) as CountsRow[]).map(withCounts),
    byStatus: (status) => (s.byStatus.all(status) as Row[]).map(toRecord),
    publish: db.transaction((id: number, householdIds: number[], at: number) => {
      freeze(id, householdIds);
      return one(s.publish.get(at, at, id));
    }),
    setStatus: (id, status, at, extra = {}) =>
      one(s.setStatus.get(status, at, extra.approvedBy ?? null, extra.cancelledAt ?? null, id)),
    updateContent(id, patch, at) {
      const sets = ['version = version + 1', 'updated_at = ?'];
      const values: (string | number | null)[] = [at];
      for (const [key, column] of Object.entries(columns) as [keyof ContentPatch, string][]) {
        if (patch[key] === undefined) continue;
        sets.push(`${column} = ?`);
        values.push(sqlValue(patch[key]));
      }
      return one(db.prepare(`UPDATE announcements SET ${sets.join(', ')} WHERE id = ? RETURNING *`).get(...values, id));
    },
    clearApproval: (id, status) => one(s.clearApproval.get(status, id)),
    revision(id) {
      const r = s.revision.get(id) as { change: string | null; revisedBy: string; revisedAt: number } | undefined;
      return r && toRevision(r);
    },
    setRevision(id, r) {
      if (r === null) s.deleteRevision.run(id);
      else s.setRevision.run(id, r.change === null ? null : JSON.stringify(r.change), r.revisedBy, r.revisedAt);
    },
    activeForHousehold: (householdId, now, limit) =>
      (s.active.all(householdId, now, limit) as Row[]).map(toRecord).reverse(),
    targetHouseholdIds: (a) => (s.targets.all(a) as { id: number }[]).map((r) => r.id),
    counts(announcementId) {
      const r = s.withCounts.get(announcementId) as CountsRow | undefined;
      return r ? withCounts(r).counts : noReceipts(0);
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
