/**
 * How the announcements store reads rows: the row shapes, row → record, and the SQL that joins an
 * announcement with what lives beside it (its tone, its source, its latest CAP signature, its
 * receipt counts and its revision).
 */
import type {
  AnnouncementKind,
  AnnouncementSource,
  AnnouncementStatus,
  AnnouncementTarget,
  AnnouncementTone,
  CapSignatureState,
  ReceiptCounts,
} from '@tsunagu/protocol';
import type {
  AnnouncementRecord,
  AnnouncementWithCounts,
  AnnouncementWording,
  PendingChange,
  Revision,
} from './records';

export interface Row {
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

/**
 * What lives beside the row (migrations 0021, 0022): present (maybe null) when the query joined
 * it, absent on a row from RETURNING.
 */
export interface Extras {
  tone?: AnnouncementTone | null;
  own_source?: 'jma' | null;
}

export interface CountsRow extends Row, Extras {
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
  cap_signature: CapSignatureState | null;
  cap_signed_by: string | null;
}

/** What the announcement says, from its row (also read alone for speech). */
export const wordingOf = (
  r: Pick<Row, 'kind' | 'test' | 'title_ja' | 'body_ja' | 'title_en' | 'body_en'>,
): AnnouncementWording => ({
  kind: r.kind,
  test: r.test === 1,
  titleJa: r.title_ja,
  bodyJa: r.body_ja,
  titleEn: r.title_en,
  bodyEn: r.body_en,
});

export const rowToRecord = (
  r: Row,
  extras: { tone: AnnouncementTone | null; source: AnnouncementSource | null },
): AnnouncementRecord => ({
  id: r.id,
  ...wordingOf(r),
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
  source: extras.source ?? r.source,
  capCategory: r.cap_category,
  createdBy: r.created_by,
  approvedBy: r.approved_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  tone: extras.tone,
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

export const toRevision = (r: { change: string | null; revisedBy: string; revisedAt: number }): Revision => ({
  change: r.change === null ? null : (JSON.parse(r.change) as PendingChange),
  revisedBy: r.revisedBy,
  revisedAt: r.revisedAt,
});

export const withCountsOf =
  (toRecord: (r: Row & Extras) => AnnouncementRecord) =>
  (r: CountsRow): AnnouncementWithCounts => ({
    ...toRecord(r),
    revision: r.rv_by === null ? null : toRevision({ change: r.rv_change, revisedBy: r.rv_by, revisedAt: r.rv_at! }),
    capSignature: r.cap_signature === null ? null : { state: r.cap_signature, signedBy: r.cap_signed_by },
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

/** The tone and the source that live in their own tables (see migrations 0021 and 0022). */
const EXTRAS_JOIN = `LEFT JOIN announcement_tones tn ON tn.announcement_id = a.id
    LEFT JOIN announcement_sources src ON src.announcement_id = a.id`;
const EXTRAS = 'tn.tone AS tone, src.source AS own_source';

/** An announcement row with its extras: `${WITH_EXTRAS} WHERE …`. */
export const WITH_EXTRAS = `SELECT a.*, ${EXTRAS} FROM announcements a ${EXTRAS_JOIN}`;
/** The extras of one announcement (for a row from RETURNING). */
export const EXTRAS_OF = `SELECT (SELECT tone FROM announcement_tones WHERE announcement_id = ?) AS tone,
  (SELECT source FROM announcement_sources WHERE announcement_id = ?) AS own_source`;
/** Active announcements of a household (with their extras), newest first. */
export const ACTIVE_FOR_HOUSEHOLD = `SELECT a.*, ${EXTRAS} FROM announcement_targets t
    JOIN announcements a ON a.id = t.announcement_id ${EXTRAS_JOIN}
    WHERE t.household_id = ? AND a.status = 'published' AND (a.expires_at IS NULL OR a.expires_at > ?)
    ORDER BY a.published_at DESC, a.id DESC LIMIT ?`;

/**
 * Announcements (picked by `ids`) with their receipt counts, in one statement. Counted per
 * household (a household counts once even with two terminals, e.g. after re-enrolment), from the
 * receipts alone: a receipt is only accepted from a targeted household, so no join with the 10,000
 * targets is needed beyond counting them. The CAP signature is that of the latest message that
 * made or changed the announcement (by the time it was received; then by its own sent time). One
 * text for both engines: flags are summed as CASE … 1/0 (PostgreSQL has no MAX or SUM of booleans).
 */
export const withCountsSql = (ids: string) => `
  WITH ids(id) AS (${ids}),
  per AS (
    SELECT announcement_id AS aid, household_id,
      MAX(CASE WHEN delivered_at IS NOT NULL THEN 1 ELSE 0 END) AS delivered,
      MAX(CASE WHEN played_at IS NOT NULL THEN 1 ELSE 0 END) AS played,
      MAX(CASE WHEN acknowledged_at IS NOT NULL THEN 1 ELSE 0 END) AS acknowledged,
      MAX(CASE WHEN safety_answer = 'need_help' THEN 1 ELSE 0 END) AS need_help,
      MAX(CASE WHEN safety_answer = 'safe' THEN 1 ELSE 0 END) AS safe
    FROM announcement_receipts WHERE announcement_id IN (SELECT id FROM ids) GROUP BY announcement_id, household_id),
  agg AS (
    SELECT aid, SUM(delivered) AS delivered, SUM(played) AS played, SUM(acknowledged) AS acknowledged,
      SUM(CASE WHEN safe = 1 AND need_help = 0 THEN 1 ELSE 0 END) AS safe, SUM(need_help) AS need_help,
      SUM(CASE WHEN safe = 1 OR need_help = 1 THEN 1 ELSE 0 END) AS answered
    FROM per GROUP BY aid),
  tgt AS (
    SELECT announcement_id AS aid, COUNT(*) AS n FROM announcement_targets
    WHERE announcement_id IN (SELECT id FROM ids) GROUP BY announcement_id),
  cap AS (
    SELECT announcement_id AS aid, signature, signed_by,
      ROW_NUMBER() OVER (PARTITION BY announcement_id ORDER BY received_at DESC, sent DESC) AS latest
    FROM cap_messages
    WHERE announcement_id IN (SELECT id FROM ids) AND outcome IN ('announced', 'updated'))
  SELECT a.*, ${EXTRAS}, COALESCE(tgt.n, 0) AS c_targeted, COALESCE(agg.delivered, 0) AS c_delivered,
    COALESCE(agg.played, 0) AS c_played, COALESCE(agg.acknowledged, 0) AS c_acknowledged,
    COALESCE(agg.safe, 0) AS c_safe, COALESCE(agg.need_help, 0) AS c_need_help, COALESCE(agg.answered, 0) AS c_answered,
    rv.change AS rv_change, rv.revised_by AS rv_by, rv.revised_at AS rv_at,
    cap.signature AS cap_signature, cap.signed_by AS cap_signed_by
  FROM announcements a LEFT JOIN agg ON agg.aid = a.id LEFT JOIN tgt ON tgt.aid = a.id
    LEFT JOIN announcement_revisions rv ON rv.announcement_id = a.id
    LEFT JOIN cap ON cap.aid = a.id AND cap.latest = 1
    ${EXTRAS_JOIN}
  WHERE a.id IN (SELECT id FROM ids) ORDER BY a.id DESC`;
