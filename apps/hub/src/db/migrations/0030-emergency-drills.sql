-- migrate: foreign_keys=off
-- An emergency may be a drill (訓練), as J-ALERT's nationwide tests and JMA 訓練 telegrams are:
-- terminals show and speak it as an emergency with 「これは訓練です」. 0002 forbade the pair with a
-- table CHECK; SQLite cannot drop a CHECK in place, so the table is rebuilt with every other rule
-- kept (SQLite's 12-step procedure; migrate.ts turns foreign keys off around it and checks them).

-- sqlite-only: the rebuild.
CREATE TABLE announcements_new (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('emergency', 'important', 'routine')),
  test INTEGER NOT NULL DEFAULT 0 CHECK (test IN (0, 1)),
  title_ja TEXT NOT NULL,
  body_ja TEXT NOT NULL,
  title_en TEXT,
  body_en TEXT,
  audio_id TEXT CHECK (audio_id IS NULL OR (length(audio_id) = 32 AND audio_id NOT GLOB '*[^0-9a-f]*')),
  audio_mime TEXT,
  safety_check INTEGER NOT NULL DEFAULT 0 CHECK (safety_check IN (0, 1)),
  target TEXT NOT NULL CHECK (json_valid(target)),
  status TEXT NOT NULL CHECK (status IN ('pending_approval', 'scheduled', 'published', 'cancelled', 'expired')),
  version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
  send_at INTEGER,
  expires_at INTEGER,
  published_at INTEGER,
  cancelled_at INTEGER,
  source TEXT NOT NULL DEFAULT 'console' CHECK (source IN ('console', 'cap')),
  cap_category TEXT,
  created_by TEXT NOT NULL,
  approved_by TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

INSERT INTO announcements_new SELECT * FROM announcements;
DROP TABLE announcements;
ALTER TABLE announcements_new RENAME TO announcements;
CREATE INDEX announcements_status ON announcements(status, published_at);
-- postgres-only: PostgreSQL drops the CHECK in place (0002 left it unnamed: PostgreSQL named it).
ALTER TABLE announcements DROP CONSTRAINT announcements_check;
-- end
