/**
 * SQL for announcements, their frozen targets and receipt counts, ingested CAP messages and settings.
 * One SQL text for both engines (db/sql.ts); a write that must not be half done is one unit of work.
 */
import type { AnnouncementStatus, AnnouncementTarget, ReceiptCounts } from '@tsunagu/protocol';
import type { Sql } from '../../db/sql';
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
   * households, in one unit of work (never stored as scheduled and flipped afterwards).
   */
  add(a: NewAnnouncement, publish?: { householdIds: number[]; at: number }): Promise<AnnouncementRecord>;
  /** `add`, returning only the id (for tools that prepare a database). */
  insert(a: NewAnnouncement): Promise<number>;
  get(id: number): Promise<AnnouncementRecord | undefined>;
  /** One announcement with its receipt counts, in one query. */
  withCounts(id: number): Promise<AnnouncementWithCounts | undefined>;
  /** The latest announcements with their receipt counts, in one query. */
  listWithCounts(limit: number): Promise<AnnouncementWithCounts[]>;
  byStatus(status: AnnouncementStatus): Promise<AnnouncementRecord[]>;
  /**
   * Sets a scheduled announcement published and freezes its target households, in one unit of
   * work; undefined (and nothing stored) when it is not scheduled any more: cancelled meanwhile, or
   * sent by another hub's timer (the row decides, so it is sent once).
   */
  publish(id: number, householdIds: number[], at: number): Promise<AnnouncementRecord | undefined>;
  /**
   * `from` → `to` only while it is still `from`; undefined (nothing stored) otherwise: of two hubs'
   * timers (leadership is a hint), one expires an announcement and the other finds it expired.
   */
  transition(
    id: number,
    from: AnnouncementStatus,
    to: AnnouncementStatus,
    at: number,
  ): Promise<AnnouncementRecord | undefined>;
  setStatus(
    id: number,
    status: AnnouncementStatus,
    at: number,
    extra?: { approvedBy?: string; cancelledAt?: number },
  ): Promise<AnnouncementRecord>;
  /** New content: a new version. */
  updateContent(id: number, patch: ContentPatch, at: number): Promise<AnnouncementRecord>;
  /** Removes the approval (it was given to other content), with the status it has now. */
  clearApproval(id: number, status: AnnouncementStatus): Promise<AnnouncementRecord>;
  revision(id: number): Promise<Revision | undefined>;
  setRevision(id: number, revision: Revision | null): Promise<void>;
  /** Announcements for a household that a terminal should show now, oldest first. */
  activeForHousehold(householdId: number, now: number, limit: number): Promise<AnnouncementRecord[]>;
  targetHouseholdIds(announcementId: number): Promise<number[]>;
  counts(announcementId: number): Promise<ReceiptCounts>;
  /** Households for a target, resolved now. */
  resolveTarget(target: AnnouncementTarget): Promise<number[]>;
  countTerminals(householdIds: number[]): Promise<{ terminals: number; online: number }>;
  capMessage(sender: string, identifier: string): Promise<CapMessageRecord | undefined>;
  /**
   * Records a CAP message unless one with its sender and identifier is stored (on any hub): true
   * when this call stored it. The key decides, not an earlier look: `ON CONFLICT DO NOTHING`.
   */
  insertCapMessage(m: CapMessageRecord, at: number): Promise<boolean>;
  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;
  /** Adds households to a published announcement's targets; returns those that were not targeted before. */
  addTargets(announcementId: number, householdIds: number[]): Promise<number[]>;
  /** A unit of work: `work` gets the store of one transaction (all or nothing). */
  transaction<T>(work: (tx: AnnouncementsStore) => Promise<T>): Promise<T>;
  /** The runner it reads and writes on: another store (the readings) writes in the same unit of work. */
  readonly sql: Sql;
}

const ids = (rows: { id: number }[]) => rows.map((r) => r.id);

export function createAnnouncementsStore(sql: Sql): AnnouncementsStore {
  // The tone and a 'jma' source live in their own tables (migrations 0021, 0022): reads join them;
  // a row from RETURNING looks them up.
  const toRecord = async (r: Row & Extras) => {
    const extras =
      r.tone !== undefined ? r : ((await sql.get<Required<Extras>>(EXTRAS_OF, [r.id, r.id])) as Required<Extras>);
    return rowToRecord(r, { tone: extras.tone ?? null, source: extras.own_source ?? null });
  };
  const joined = (r: Row & Extras) =>
    rowToRecord(r, { tone: r.tone ?? null, source: (r.own_source as 'jma' | null | undefined) ?? null });
  const withCounts = withCountsOf(joined);
  const found = async (r: Row | undefined) => {
    if (!r) throw new Error('announcement not found');
    return toRecord(r);
  };
  const countsOf = (ids: string, params: unknown[]) => sql.all<CountsRow>(withCountsSql(ids), params);
  const freeze = async (id: number, householdIds: number[]) => {
    if (householdIds.length === 0) return [];
    // One statement however many households (10,000 for the whole city).
    const [each, param] = sql.idsOf(householdIds);
    return ids(
      (
        await sql.all<{ household_id: number }>(
          `INSERT INTO announcement_targets (announcement_id, household_id)
           SELECT CAST(? AS BIGINT), h.id FROM (${each}) AS h WHERE true
           ON CONFLICT (announcement_id, household_id) DO NOTHING RETURNING household_id`,
          [id, param],
        )
      ).map((r) => ({ id: r.household_id })),
    );
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
  const householdIds = (where: string, params: unknown[] = []) =>
    sql.all<{ id: number }>(`SELECT id FROM households ${where} ORDER BY id`, params).then(ids);

  const store: AnnouncementsStore = {
    add: (a, publish) =>
      sql.transaction(async (tx) => {
        const { tone, ...fields } = a;
        const row = (await tx.get<Row>(
          `INSERT INTO announcements (kind, test, title_ja, body_ja, title_en, body_en, audio_id, audio_mime, safety_check,
             target, status, send_at, expires_at, published_at, source, cap_category, created_by, approved_by, created_at,
             updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
          [
            fields.kind,
            a.test ? 1 : 0,
            fields.titleJa,
            fields.bodyJa,
            fields.titleEn,
            fields.bodyEn,
            fields.audioId,
            fields.audioMime,
            a.safetyCheck ? 1 : 0,
            JSON.stringify(a.target),
            publish ? 'published' : a.status,
            fields.sendAt,
            fields.expiresAt,
            publish?.at ?? null,
            a.source === 'jma' ? 'console' : a.source,
            fields.capCategory,
            fields.createdBy,
            fields.approvedBy,
            fields.createdAt,
            fields.createdAt,
          ],
        ))!;
        if (tone) await tx.run('INSERT INTO announcement_tones (announcement_id, tone) VALUES (?, ?)', [row.id, tone]);
        if (a.source === 'jma')
          await tx.run('INSERT INTO announcement_sources (announcement_id, source) VALUES (?, ?)', [row.id, a.source]);
        if (publish) await createAnnouncementsStore(tx).addTargets(row.id, publish.householdIds);
        return rowToRecord(row, { tone: tone ?? null, source: a.source === 'jma' ? 'jma' : null });
      }),
    insert: async (a) => (await store.add(a)).id,
    get: async (id) => {
      const r = await sql.get<Row & Extras>(`${WITH_EXTRAS} WHERE a.id = ?`, [id]);
      return r && joined(r);
    },
    withCounts: async (id) => {
      const [r] = await countsOf('SELECT CAST(? AS BIGINT)', [id]);
      return r && withCounts(r);
    },
    listWithCounts: async (limit) =>
      (await countsOf('SELECT id FROM announcements ORDER BY id DESC LIMIT ?', [limit])).map(withCounts),
    byStatus: async (status) =>
      (await sql.all<Row & Extras>(`${WITH_EXTRAS} WHERE a.status = ? ORDER BY a.id`, [status])).map(joined),
    publish: (id, householdIds, at) =>
      sql.transaction(async (tx) => {
        // The row first: on PostgreSQL a second hub's update waits for this one and then finds it published.
        const row = await tx.get<Row>(
          `UPDATE announcements SET status = 'published', published_at = ?, updated_at = ?
           WHERE id = ? AND status = 'scheduled' RETURNING *`,
          [at, at, id],
        );
        if (!row) return undefined;
        await createAnnouncementsStore(tx).addTargets(id, householdIds);
        return toRecord(row);
      }),
    async transition(id, from, to, at) {
      const row = await sql.get<Row>(
        'UPDATE announcements SET status = ?, updated_at = ? WHERE id = ? AND status = ? RETURNING *',
        [to, at, id, from],
      );
      return row && toRecord(row);
    },
    setStatus: async (id, status, at, extra = {}) =>
      found(
        await sql.get<Row>(
          `UPDATE announcements SET status = ?, updated_at = ?, approved_by = COALESCE(?, approved_by),
             cancelled_at = COALESCE(?, cancelled_at) WHERE id = ? RETURNING *`,
          [status, at, extra.approvedBy ?? null, extra.cancelledAt ?? null, id],
        ),
      ),
    async updateContent(id, patch, at) {
      const sets = ['version = version + 1', 'updated_at = ?'];
      const values: (string | number | null)[] = [at];
      for (const [key, column] of Object.entries(columns) as [keyof ContentPatch, string][]) {
        if (patch[key] === undefined) continue;
        sets.push(`${column} = ?`);
        values.push(sqlValue(patch[key]));
      }
      return found(
        await sql.get<Row>(`UPDATE announcements SET ${sets.join(', ')} WHERE id = ? RETURNING *`, [...values, id]),
      );
    },
    clearApproval: async (id, status) =>
      found(
        await sql.get<Row>('UPDATE announcements SET status = ?, approved_by = NULL WHERE id = ? RETURNING *', [
          status,
          id,
        ]),
      ),
    async revision(id) {
      const r = await sql.get<{ change: string | null; revisedBy: string; revisedAt: number }>(
        `SELECT change, revised_by AS "revisedBy", revised_at AS "revisedAt" FROM announcement_revisions
         WHERE announcement_id = ?`,
        [id],
      );
      return r && toRevision(r);
    },
    async setRevision(id, r) {
      if (r === null) await sql.run('DELETE FROM announcement_revisions WHERE announcement_id = ?', [id]);
      else
        await sql.run(
          `INSERT INTO announcement_revisions (announcement_id, change, revised_by, revised_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (announcement_id) DO UPDATE SET change = excluded.change, revised_by = excluded.revised_by,
             revised_at = excluded.revised_at`,
          [id, r.change === null ? null : JSON.stringify(r.change), r.revisedBy, r.revisedAt],
        );
    },
    activeForHousehold: async (householdId, now, limit) =>
      (await sql.all<Row & Extras>(ACTIVE_FOR_HOUSEHOLD, [householdId, now, limit])).map(joined).reverse(),
    targetHouseholdIds: async (a) =>
      ids(
        await sql.all<{ id: number }>(
          'SELECT household_id AS id FROM announcement_targets WHERE announcement_id = ? ORDER BY household_id',
          [a],
        ),
      ),
    async counts(announcementId) {
      const [r] = await countsOf('SELECT CAST(? AS BIGINT)', [announcementId]);
      return r ? withCounts(r).counts : noReceipts(0);
    },
    resolveTarget(target) {
      switch (target.type) {
        case 'all':
          return householdIds('');
        case 'districts':
          return householdIds(...whereAnyOf(sql, 'district_id', target.districtIds));
        case 'groups':
          // Only one group so far; the union of groups when there are more.
          return householdIds('WHERE needs_assistance = 1');
        case 'households':
          return householdIds(...whereAnyOf(sql, 'id', target.householdIds));
      }
    },
    async countTerminals(households) {
      const [inHouseholds, param] = sql.anyOf('household_id', households);
      const r = await sql.get<{ terminals: number; online: number }>(
        `SELECT COUNT(*) AS terminals, COALESCE(SUM(online), 0) AS online FROM terminals
         WHERE revoked_at IS NULL AND ${inHouseholds}`,
        [param],
      );
      return { terminals: Number(r?.terminals ?? 0), online: Number(r?.online ?? 0) };
    },
    capMessage: (sender, identifier) =>
      sql.get<CapMessageRecord>(
        `SELECT sender, identifier, sent, msg_type AS "msgType", status, announcement_id AS "announcementId", outcome,
           signature, signed_by AS "signedBy"
         FROM cap_messages WHERE sender = ? AND identifier = ?`,
        [sender, identifier],
      ),
    insertCapMessage: async (m, at) =>
      (await sql.run(
        `INSERT INTO cap_messages (sender, identifier, sent, msg_type, status, announcement_id, outcome, received_at,
           signature, signed_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sender, identifier) DO NOTHING`,
        [m.sender, m.identifier, m.sent, m.msgType, m.status, m.announcementId, m.outcome, at, m.signature, m.signedBy],
      )) > 0,
    getSetting: async (key) =>
      (await sql.get<{ value: string }>('SELECT value FROM announcement_settings WHERE key = ?', [key]))?.value,
    setSetting: async (key, value) =>
      void (await sql.run(
        'INSERT INTO announcement_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
        [key, value],
      )),
    addTargets: (announcementId, households) => freeze(announcementId, households),
    transaction: (work) => sql.transaction((tx) => work(createAnnouncementsStore(tx))),
    sql,
  };
  return store;
}

/** `WHERE column IN values` with its one parameter. */
function whereAnyOf(sql: Sql, column: string, values: readonly number[]): [string, unknown[]] {
  const [condition, param] = sql.anyOf(column, values);
  return [`WHERE ${condition}`, [param]];
}
