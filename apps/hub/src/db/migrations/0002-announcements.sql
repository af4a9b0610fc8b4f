-- Announcements and emergency alerts, their frozen target households, per-terminal receipts,
-- CAP messages already ingested (for duplicate detection and Update/Cancel chains), and settings.

CREATE TABLE announcements (
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
  updated_at INTEGER NOT NULL,
  -- A drill is never an emergency on a terminal.
  CHECK (NOT (test = 1 AND kind = 'emergency'))
) STRICT;
CREATE INDEX announcements_status ON announcements(status, published_at);

-- The households an announcement was for, fixed when it was published.
CREATE TABLE announcement_targets (
  announcement_id INTEGER NOT NULL REFERENCES announcements(id) ON DELETE CASCADE,
  household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
  PRIMARY KEY (announcement_id, household_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX announcement_targets_household ON announcement_targets(household_id, announcement_id);

CREATE TABLE announcement_receipts (
  announcement_id INTEGER NOT NULL REFERENCES announcements(id) ON DELETE CASCADE,
  terminal_id INTEGER NOT NULL REFERENCES terminals(id) ON DELETE CASCADE,
  household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
  delivered_at INTEGER,
  played_at INTEGER,
  acknowledged_at INTEGER,
  safety_answer TEXT CHECK (safety_answer IN ('safe', 'need_help')),
  answered_at INTEGER,
  PRIMARY KEY (announcement_id, terminal_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX announcement_receipts_household ON announcement_receipts(household_id, announcement_id);

CREATE TABLE cap_messages (
  sender TEXT NOT NULL,
  identifier TEXT NOT NULL,
  sent TEXT NOT NULL,
  msg_type TEXT NOT NULL,
  status TEXT NOT NULL,
  announcement_id INTEGER REFERENCES announcements(id) ON DELETE SET NULL,
  outcome TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (sender, identifier)
) STRICT;
CREATE INDEX cap_messages_announcement ON cap_messages(announcement_id);

CREATE TABLE announcement_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
INSERT INTO announcement_settings (key, value) VALUES ('require_emergency_approval', 'false');
