/** SQL for announcements, their frozen targets and receipt counts, ingested CAP messages and settings. */
import type { AnnouncementStatus, AnnouncementTarget, ReceiptCounts } from '@tsunagu/protocol';
import type { Db } from '../../db/database';
import { list, one } from '../../db/rows';
import type {
  AnnouncementRecord,
  AnnouncementWithCounts,
  CapMessageRecord,
  ContentPatch,
  NewAnnouncement,
  Revision,
} from './records';
import {
  ACTIVE_FOR_HOUSEHOLD,
  type CountsRow,
  EXTRAS_OF,
  type Extras,
  noReceipts,
  type Row,
  rowToRecord,
  toRevision,
  WITH_EXTRAS,
  withCountsOf,
  withCountsSql,
} from './store-rows';

export type {
  AnnouncementRecord,
  AnnouncementWithCounts,
  AnnouncementWording,
  CapMessageRecord,
  ContentPatch,
  NewAnnouncement,
  PendingChange,
  Revision,
} from './records';

export { noReceipts } from './store-rows';

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

export function createSqliteAnnouncementsStore(db: Db): AnnouncementsStore {
  const extrasOf = db.prepare(EXTRAS_OF);
  const setTone = db.prepare('INSERT INTO announcement_tones (announcement_id, tone) VALUES (?, ?)');
  const setSource = db.prepare('INSERT INTO announcement_sources (announcement_id, source) VALUES (?, ?)');
  // The tone and a 'jma' source live in their own tables (migrations 0021, 0022): reads join them;
  // a row from RETURNING looks them up.
  const toRecord = (r: Row & Extras) => {
    const extras = r.tone !== undefined ? r : (extrasOf.get({ id: r.id }) as Required<Extras>);
    return rowToRecord(r, { tone: extras.tone ?? null, source: extras.own_source ?? null });
  };
  const withCounts = withCountsOf(toRecord);
  const s = {
    insert: db.prepare(
      `INSERT INTO announcements (kind, test, title_ja, body_ja, title_en, body_en, audio_id, audio_mime, safety_check, target,
         status, send_at, expires_at, published_at, source, cap_category, created_by, approved_by, created_at, updated_at)
       VALUES (@kind, @test, @titleJa, @bodyJa, @titleEn, @bodyEn, @audioId, @audioMime, @safetyCheck, @target,
         @status, @sendAt, @expiresAt, @publishedAt, @source, @capCategory, @createdBy, @approvedBy, @createdAt, @createdAt)
       RETURNING *`,
    ),
    get: db.prepare(`${WITH_EXTRAS} WHERE a.id = ?`),
    withCounts: db.prepare(withCountsSql('SELECT ?')),
    listWithCounts: db.prepare(withCountsSql('SELECT id FROM announcements ORDER BY id DESC LIMIT ?')),
    byStatus: db.prepare(`${WITH_EXTRAS} WHERE a.status = ? ORDER BY a.id`),
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
    active: db.prepare(ACTIVE_FOR_HOUSEHOLD),
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
      `SELECT sender, identifier, sent, msg_type AS msgType, status, announcement_id AS announcementId, outcome,
         signature, signed_by AS signedBy
       FROM cap_messages WHERE sender = ? AND identifier = ?`,
    ),
    capInsert: db.prepare(
      `INSERT INTO cap_messages (sender, identifier, sent, msg_type, status, announcement_id, outcome, received_at,
         signature, signed_by)
       VALUES (@sender, @identifier, @sent, @msgType, @status, @announcementId, @outcome, @at, @signature, @signedBy)`,
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
      source: a.source === 'jma' ? 'console' : a.source,
      test: a.test ? 1 : 0,
      safetyCheck: a.safetyCheck ? 1 : 0,
      target: JSON.stringify(a.target),
      status: publish ? 'published' : a.status,
      publishedAt: publish?.at ?? null,
    }) as Row;
    if (tone) setTone.run(row.id, tone);
    if (a.source === 'jma') setSource.run(row.id, a.source);
    if (publish) freeze(row.id, publish.householdIds);
    return toRecord(row);
  });
  const found = (r: unknown) => {
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
    get: (id) => one(s.get, toRecord, id),
    withCounts: (id) => one(s.withCounts, withCounts, id),
    listWithCounts: (limit) => list(s.listWithCounts, withCounts, limit),
    byStatus: (status) => list(s.byStatus, toRecord, status),
    publish: db.transaction((id: number, householdIds: number[], at: number) => {
      freeze(id, householdIds);
      return found(s.publish.get(at, at, id));
    }),
    setStatus: (id, status, at, extra = {}) =>
      found(s.setStatus.get(status, at, extra.approvedBy ?? null, extra.cancelledAt ?? null, id)),
    updateContent(id, patch, at) {
      const sets = ['version = version + 1', 'updated_at = ?'];
      const values: (string | number | null)[] = [at];
      for (const [key, column] of Object.entries(columns) as [keyof ContentPatch, string][]) {
        if (patch[key] === undefined) continue;
        sets.push(`${column} = ?`);
        values.push(sqlValue(patch[key]));
      }
      return found(
        db.prepare(`UPDATE announcements SET ${sets.join(', ')} WHERE id = ? RETURNING *`).get(...values, id),
      );
    },
    clearApproval: (id, status) => found(s.clearApproval.get(status, id)),
    revision(id) {
      const r = s.revision.get(id) as { change: string | null; revisedBy: string; revisedAt: number } | undefined;
      return r && toRevision(r);
    },
    setRevision(id, r) {
      if (r === null) s.deleteRevision.run(id);
      else s.setRevision.run(id, r.change === null ? null : JSON.stringify(r.change), r.revisedBy, r.revisedAt);
    },
    activeForHousehold: (householdId, now, limit) => list(s.active, toRecord, householdId, now, limit).reverse(),
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
