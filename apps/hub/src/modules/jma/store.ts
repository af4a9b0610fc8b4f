/**
 * Storage for the JMA gateway: the telegram record, the settings, and the feed poller's state. One
 * SQL text for both engines (db/sql.ts); a telegram is unique by its digest and its dedupe key.
 */
import type { JmaDecision } from '@tsunagu/protocol';
import type { Sql } from '../../db/sql';
import type { InfoType, TelegramKind, TelegramMode } from './telegram';

export interface TelegramRecord {
  id: number;
  receivedAt: number;
  source: 'api' | 'feed';
  receivedFrom: string;
  sha256: string;
  dedupeKey: string;
  title: string;
  kind: TelegramKind;
  mode: TelegramMode;
  infoType: InfoType;
  eventId: string;
  serial: number | null;
  sentAt: number;
  reportAt: number;
  headline: string;
  chain: string | null;
  decision: JmaDecision;
  reasonCode: string;
  reasonJa: string;
  reasonEn: string;
  announcementId: number | null;
  withdrawnIds: number[];
}
export type NewTelegramRecord = Omit<TelegramRecord, 'id'> & { body: string };

/** Where a telegram stands in its chain: later report time, then serial, then send time. */
export interface ChainPosition {
  reportAt: number;
  serial: number | null;
  sentAt: number;
}

export interface FeedState {
  etag: string | null;
  lastModified: string | null;
  lastSuccessAt: number | null;
}

/** A feed's state as stored, with its failed polls in a row (0 after a success). */
export interface StoredFeedState extends FeedState {
  failures: number;
}

export type JmaSettingKey = 'areas' | 'policy';

export interface JmaStore {
  bySha256(sha256: string): Promise<TelegramRecord | undefined>;
  byDedupeKey(key: string): Promise<TelegramRecord | undefined>;
  /** Stores a telegram; null when one with the same digest or dedupe key is already stored (nothing changes). */
  insert(record: NewTelegramRecord): Promise<number | null>;
  /** The newest telegram of a chain (superseded ones aside). */
  chainLatest(chain: string): Promise<ChainPosition | undefined>;
  /** The announcement the chain last made or updated, if any. */
  chainAnnouncement(chain: string): Promise<number | null>;
  list(limit: number, beforeId?: number): Promise<TelegramRecord[]>;
  get(id: number): Promise<TelegramRecord | undefined>;
  body(id: number): Promise<string | undefined>;
  getSetting(key: JmaSettingKey): Promise<unknown>;
  /** Saves the settings given, all or none. */
  saveSettings(change: Partial<Record<JmaSettingKey, unknown>>): Promise<void>;
  feedState(url: string): Promise<StoredFeedState>;
  /** A successful poll's state (its failures in a row back to 0). */
  saveFeedState(url: string, state: FeedState): Promise<void>;
  /** A failed poll: `failures` in a row now (the polling hub's count, read by the other hubs' /readyz). */
  feedFailed(url: string, failures: number): Promise<void>;
  entryFetched(entryId: string): Promise<boolean>;
  markEntryFetched(entryId: string, at: number): Promise<void>;
  /** Forgets fetched entries older than `before` (JMA's feeds keep a few days). */
  pruneEntries(before: number): Promise<void>;
}

type Row = {
  id: number;
  received_at: number;
  source: 'api' | 'feed';
  received_from: string;
  sha256: string;
  dedupe_key: string;
  title: string;
  kind: TelegramKind;
  mode: TelegramMode;
  info_type: InfoType;
  event_id: string;
  serial: number | null;
  sent_at: number;
  report_at: number;
  headline: string;
  chain: string | null;
  decision: JmaDecision;
  reason_code: string;
  reason_ja: string;
  reason_en: string;
  announcement_id: number | null;
  withdrawn_ids: string;
};

const COLUMNS = `id, received_at, source, received_from, sha256, dedupe_key, title, kind, mode, info_type, event_id,
  serial, sent_at, report_at, headline, chain, decision, reason_code, reason_ja, reason_en, announcement_id, withdrawn_ids`;

const fromRow = (r: Row): TelegramRecord => ({
  id: r.id,
  receivedAt: r.received_at,
  source: r.source,
  receivedFrom: r.received_from,
  sha256: r.sha256,
  dedupeKey: r.dedupe_key,
  title: r.title,
  kind: r.kind,
  mode: r.mode,
  infoType: r.info_type,
  eventId: r.event_id,
  serial: r.serial,
  sentAt: r.sent_at,
  reportAt: r.report_at,
  headline: r.headline,
  chain: r.chain,
  decision: r.decision,
  reasonCode: r.reason_code,
  reasonJa: r.reason_ja,
  reasonEn: r.reason_en,
  announcementId: r.announcement_id,
  withdrawnIds: JSON.parse(r.withdrawn_ids) as number[],
});

const SELECT = `SELECT ${COLUMNS} FROM jma_telegrams`;

export function createJmaStore(sql: Sql): JmaStore {
  const telegram = async (where: string, param: unknown) => {
    const r = await sql.get<Row>(`${SELECT} WHERE ${where} = ?`, [param]);
    return r && fromRow(r);
  };
  const setSetting = (tx: Sql, key: JmaSettingKey, value: unknown) =>
    tx.run(
      'INSERT INTO jma_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      [key, JSON.stringify(value)],
    );
  return {
    bySha256: (sha) => telegram('sha256', sha),
    byDedupeKey: (key) => telegram('dedupe_key', key),
    async insert(r) {
      const row = await sql.get<{ id: number }>(
        `INSERT INTO jma_telegrams (received_at, source, received_from, sha256, dedupe_key, title, kind, mode, info_type,
           event_id, serial, sent_at, report_at, headline, chain, decision, reason_code, reason_ja, reason_en,
           announcement_id, withdrawn_ids, body)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING RETURNING id`,
        [
          r.receivedAt,
          r.source,
          r.receivedFrom,
          r.sha256,
          r.dedupeKey,
          r.title,
          r.kind,
          r.mode,
          r.infoType,
          r.eventId,
          r.serial,
          r.sentAt,
          r.reportAt,
          r.headline,
          r.chain,
          r.decision,
          r.reasonCode,
          r.reasonJa,
          r.reasonEn,
          r.announcementId,
          JSON.stringify(r.withdrawnIds),
          r.body,
        ],
      );
      return row ? Number(row.id) : null;
    },
    chainLatest: (chain) =>
      sql.get<ChainPosition>(
        `SELECT report_at AS "reportAt", serial, sent_at AS "sentAt" FROM jma_telegrams
         WHERE chain = ? AND decision <> 'superseded'
         ORDER BY report_at DESC, coalesce(serial, -1) DESC, sent_at DESC LIMIT 1`,
        [chain],
      ),
    chainAnnouncement: async (chain) =>
      (
        await sql.get<{ id: number }>(
          `SELECT announcement_id AS id FROM jma_telegrams
           WHERE chain = ? AND announcement_id IS NOT NULL AND decision IN ('announced', 'updated')
           ORDER BY id DESC LIMIT 1`,
          [chain],
        )
      )?.id ?? null,
    list: async (limit, beforeId) =>
      (
        await sql.all<Row>(`${SELECT} WHERE id < ? ORDER BY id DESC LIMIT ?`, [
          beforeId ?? Number.MAX_SAFE_INTEGER,
          limit,
        ])
      ).map(fromRow),
    get: (id) => telegram('id', id),
    body: async (id) => (await sql.get<{ body: string }>('SELECT body FROM jma_telegrams WHERE id = ?', [id]))?.body,
    async getSetting(key) {
      const r = await sql.get<{ value: string }>('SELECT value FROM jma_settings WHERE key = ?', [key]);
      return r ? (JSON.parse(r.value) as unknown) : undefined;
    },
    saveSettings: (change) =>
      sql.transaction(async (tx) => {
        for (const key of ['areas', 'policy'] as const) if (change[key]) await setSetting(tx, key, change[key]);
      }),
    feedState: async (url) =>
      (await sql.get<StoredFeedState>(
        `SELECT etag, last_modified AS "lastModified", last_success_at AS "lastSuccessAt", failures
           FROM jma_feed_state WHERE url = ?`,
        [url],
      )) ?? { etag: null, lastModified: null, lastSuccessAt: null, failures: 0 },
    saveFeedState: async (url, s) =>
      void (await sql.run(
        `INSERT INTO jma_feed_state (url, etag, last_modified, last_success_at, failures) VALUES (?, ?, ?, ?, 0)
         ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
           last_success_at = excluded.last_success_at, failures = 0`,
        [url, s.etag, s.lastModified, s.lastSuccessAt],
      )),
    feedFailed: async (url, failures) =>
      void (await sql.run(
        `INSERT INTO jma_feed_state (url, failures) VALUES (?, ?)
         ON CONFLICT (url) DO UPDATE SET failures = excluded.failures`,
        [url, failures],
      )),
    entryFetched: async (id) =>
      (await sql.get('SELECT 1 AS found FROM jma_feed_entries WHERE entry_id = ?', [id])) !== undefined,
    markEntryFetched: async (id, at) =>
      void (await sql.run(
        'INSERT INTO jma_feed_entries (entry_id, fetched_at) VALUES (?, ?) ON CONFLICT (entry_id) DO NOTHING',
        [id, at],
      )),
    pruneEntries: async (before) => void (await sql.run('DELETE FROM jma_feed_entries WHERE fetched_at < ?', [before])),
  };
}
