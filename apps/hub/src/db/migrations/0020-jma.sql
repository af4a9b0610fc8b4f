-- Automatic alerts from JMA disaster-information XML: every telegram received (what it was, what
-- the hub decided and why, the announcement it made or changed, and the document itself, so each
-- decision can be explained later), the administrator's settings, and the feed poller's state.

CREATE TABLE jma_telegrams (
  id INTEGER PRIMARY KEY,
  received_at INTEGER NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('api', 'feed')),
  received_from TEXT NOT NULL,
  -- The same document again is a duplicate…
  sha256 TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
  -- …and so is the same type, status, event, info type and serial (or send time, without a serial).
  dedupe_key TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('eew', 'eewForecast', 'eewTest', 'intensityFlash', 'quakeInfo', 'tsunami', 'other')),
  mode TEXT NOT NULL CHECK (mode IN ('live', 'drill', 'test')),
  info_type TEXT NOT NULL CHECK (info_type IN ('issue', 'correction', 'delay', 'cancel')),
  event_id TEXT NOT NULL,
  serial INTEGER,
  sent_at INTEGER NOT NULL,
  report_at INTEGER NOT NULL,
  headline TEXT NOT NULL,
  -- Telegrams about one event that replace one another (family:mode:EventID); NULL for types not used.
  chain TEXT,
  decision TEXT NOT NULL CHECK (decision IN ('announced', 'updated', 'withdrawn', 'all_clear', 'ignored', 'too_old', 'superseded', 'test')),
  reason_code TEXT NOT NULL,
  reason_ja TEXT NOT NULL,
  reason_en TEXT NOT NULL,
  announcement_id INTEGER REFERENCES announcements(id) ON DELETE SET NULL,
  withdrawn_ids TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(withdrawn_ids)),
  body TEXT NOT NULL
) STRICT;
CREATE INDEX jma_telegrams_chain ON jma_telegrams(chain, report_at, id) WHERE chain IS NOT NULL;
CREATE INDEX jma_telegrams_announcement ON jma_telegrams(announcement_id) WHERE announcement_id IS NOT NULL;

CREATE TABLE jma_settings (
  key TEXT PRIMARY KEY CHECK (key IN ('areas', 'policy')),
  value TEXT NOT NULL CHECK (json_valid(value))
) STRICT;

-- Per feed URL: validators for conditional GETs, and the entries already fetched.
CREATE TABLE jma_feed_state (
  url TEXT PRIMARY KEY,
  etag TEXT,
  last_modified TEXT,
  last_success_at INTEGER
) STRICT;
CREATE TABLE jma_feed_entries (
  entry_id TEXT PRIMARY KEY,
  fetched_at INTEGER NOT NULL
) STRICT;
CREATE INDEX jma_feed_entries_fetched ON jma_feed_entries(fetched_at);
