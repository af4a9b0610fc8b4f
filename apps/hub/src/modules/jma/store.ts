/** Storage for the JMA gateway: the telegram record, the settings, and the feed poller's state. */
import type { JmaDecision } from '@tsunagu/protocol';
import type { Db } from '../../db/database';
import { list, one } from '../../db/rows';
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

export interface JmaStore {
  bySha256(sha256: string): TelegramRecord | undefined;
  byDedupeKey(key: string): TelegramRecord | undefined;
  insert(record: NewTelegramRecord): number;
  /** The newest telegram of a chain (superseded ones aside). */
  chainLatest(chain: string): ChainPosition | undefined;
  /** The announcement the chain last made or updated, if any. */
  chainAnnouncement(chain: string): number | null;
  list(limit: number, beforeId?: number): TelegramRecord[];
  get(id: number): TelegramRecord | undefined;
  body(id: number): string | undefined;
  getSetting(key: 'areas' | 'policy'): unknown;
  setSetting(key: 'areas' | 'policy', value: unknown): void;
  feedState(url: string): FeedState;
  saveFeedState(url: string, state: FeedState): void;
  entryFetched(entryId: string): boolean;
  markEntryFetched(entryId: string, at: number): void;
  /** Forgets fetched entries older than `before` (JMA's feeds keep a few days). */
  pruneEntries(before: number): void;
  transaction<T>(fn: () => T): T;
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

export function createSqliteJmaStore(db: Db): JmaStore {
  const q = {
    bySha: db.prepare(`SELECT ${COLUMNS} FROM jma_telegrams WHERE sha256 = ?`),
    byKey: db.prepare(`SELECT ${COLUMNS} FROM jma_telegrams WHERE dedupe_key = ?`),
    insert: db.prepare(
      `INSERT INTO jma_telegrams (received_at, source, received_from, sha256, dedupe_key, title, kind, mode, info_type,
         event_id, serial, sent_at, report_at, headline, chain, decision, reason_code, reason_ja, reason_en,
         announcement_id, withdrawn_ids, body)
       VALUES (@receivedAt, @source, @receivedFrom, @sha256, @dedupeKey, @title, @kind, @mode, @infoType, @eventId,
         @serial, @sentAt, @reportAt, @headline, @chain, @decision, @reasonCode, @reasonJa, @reasonEn,
         @announcementId, @withdrawnIds, @body)`,
    ),
    chainLatest: db.prepare(
      `SELECT report_at AS reportAt, serial, sent_at AS sentAt FROM jma_telegrams
       WHERE chain = ? AND decision <> 'superseded'
       ORDER BY report_at DESC, coalesce(serial, -1) DESC, sent_at DESC LIMIT 1`,
    ),
    chainAnnouncement: db.prepare(
      `SELECT announcement_id AS id FROM jma_telegrams
       WHERE chain = ? AND announcement_id IS NOT NULL AND decision IN ('announced', 'updated')
       ORDER BY id DESC LIMIT 1`,
    ),
    list: db.prepare(`SELECT ${COLUMNS} FROM jma_telegrams WHERE id < ? ORDER BY id DESC LIMIT ?`),
    get: db.prepare(`SELECT ${COLUMNS} FROM jma_telegrams WHERE id = ?`),
    body: db.prepare('SELECT body FROM jma_telegrams WHERE id = ?'),
    getSetting: db.prepare('SELECT value FROM jma_settings WHERE key = ?'),
    setSetting: db.prepare(
      'INSERT INTO jma_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),
    feedState: db.prepare(
      'SELECT etag, last_modified AS lastModified, last_success_at AS lastSuccessAt FROM jma_feed_state WHERE url = ?',
    ),
    saveFeedState: db.prepare(
      `INSERT INTO jma_feed_state (url, etag, last_modified, last_success_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
         last_success_at = excluded.last_success_at`,
    ),
    entryFetched: db.prepare('SELECT 1 FROM jma_feed_entries WHERE entry_id = ?'),
    markEntry: db.prepare('INSERT OR IGNORE INTO jma_feed_entries (entry_id, fetched_at) VALUES (?, ?)'),
    pruneEntries: db.prepare('DELETE FROM jma_feed_entries WHERE fetched_at < ?'),
  };
  return {
    bySha256: (sha) => one(q.bySha, fromRow, sha),
    byDedupeKey: (key) => one(q.byKey, fromRow, key),
    insert: (rec) => Number(q.insert.run({ ...rec, withdrawnIds: JSON.stringify(rec.withdrawnIds) }).lastInsertRowid),
    chainLatest: (chain) => q.chainLatest.get(chain) as ChainPosition | undefined,
    chainAnnouncement: (chain) => (q.chainAnnouncement.get(chain) as { id: number } | undefined)?.id ?? null,
    list: (limit, beforeId) => list(q.list, fromRow, beforeId ?? Number.MAX_SAFE_INTEGER, limit),
    get: (id) => one(q.get, fromRow, id),
    body: (id) => (q.body.get(id) as { body: string } | undefined)?.body,
    getSetting: (key) => {
      const r = q.getSetting.get(key) as { value: string } | undefined;
      return r ? (JSON.parse(r.value) as unknown) : undefined;
    },
    setSetting: (key, value) => void q.setSetting.run(key, JSON.stringify(value)),
    feedState: (url) =>
      (q.feedState.get(url) as FeedState | undefined) ?? { etag: null, lastModified: null, lastSuccessAt: null },
    saveFeedState: (url, s) => void q.saveFeedState.run(url, s.etag, s.lastModified, s.lastSuccessAt),
    entryFetched: (id) => q.entryFetched.get(id) !== undefined,
    markEntryFetched: (id, at) => void q.markEntry.run(id, at),
    pruneEntries: (before) => void q.pruneEntries.run(before),
    transaction: (fn) => db.transaction(fn)(),
  };
}
