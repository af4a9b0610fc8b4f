-- Core: districts, staff accounts, sessions, API keys, audit log, households, terminals, shops.
-- Times are milliseconds since the Unix epoch (UTC).

CREATE TABLE districts (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  name_en TEXT NOT NULL
) STRICT;

CREATE TABLE shops (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  category TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('shop', 'listening')),
  opening_hours TEXT NOT NULL DEFAULT '[]',
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE shop_items (
  id INTEGER PRIMARY KEY,
  shop_id INTEGER NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  price_yen INTEGER NOT NULL CHECK (price_yen >= 0),
  unit TEXT NOT NULL,
  photo_url TEXT,
  active INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX shop_items_shop ON shop_items(shop_id);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('cityhall', 'operator', 'listener', 'watcher')),
  admin INTEGER NOT NULL DEFAULT 0 CHECK (admin IN (0, 1)),
  shop_id INTEGER REFERENCES shops(id),
  watcher_kind TEXT CHECK (watcher_kind IN ('welfare', 'carenetwork', 'family', 'supervisor')),
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER,
  created_at INTEGER NOT NULL,
  CHECK (admin = 0 OR role = 'cityhall'),
  CHECK ((role = 'operator') = (shop_id IS NOT NULL) OR role = 'listener')
) STRICT;

CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  ip TEXT
) STRICT;
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_keys (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('cityhall', 'operator', 'listener', 'watcher')),
  prefix TEXT NOT NULL,
  key_hash TEXT NOT NULL UNIQUE,
  created_by INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT;

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT,
  ip TEXT,
  detail TEXT
) STRICT;
-- sqlite-only: append-only by triggers that abort.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- postgres-only: one trigger function for every append-only table; TRUNCATE skips row triggers,
-- so it is refused as a statement.
CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION append_only();
-- end

CREATE TABLE households (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  address TEXT NOT NULL,
  district_id INTEGER NOT NULL REFERENCES districts(id),
  phone TEXT,
  language TEXT NOT NULL DEFAULT 'ja' CHECK (language IN ('ja', 'en')),
  needs_assistance INTEGER NOT NULL DEFAULT 0 CHECK (needs_assistance IN (0, 1)),
  notes TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX households_district ON households(district_id);

CREATE TABLE residents (
  id INTEGER PRIMARY KEY,
  household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  birth_year INTEGER
) STRICT;
CREATE INDEX residents_household ON residents(household_id);

-- level 1 = first to be alerted; 2 = next level of the escalation ladder (e.g. supervisor).
CREATE TABLE household_watchers (
  household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  level INTEGER NOT NULL DEFAULT 1 CHECK (level BETWEEN 1 AND 3),
  PRIMARY KEY (household_id, user_id)
) STRICT;
CREATE INDEX household_watchers_user ON household_watchers(user_id);

CREATE TABLE terminals (
  id INTEGER PRIMARY KEY,
  household_id INTEGER NOT NULL REFERENCES households(id),
  credential_hash TEXT NOT NULL UNIQUE,
  device_name TEXT,
  enrolled_at INTEGER NOT NULL,
  revoked_at INTEGER,
  last_seen_at INTEGER,
  online INTEGER NOT NULL DEFAULT 0 CHECK (online IN (0, 1))
) STRICT;
CREATE INDEX terminals_household ON terminals(household_id);
-- At most one active terminal per household.
CREATE UNIQUE INDEX terminals_one_active ON terminals(household_id) WHERE revoked_at IS NULL;

CREATE TABLE enrollment_codes (
  id INTEGER PRIMARY KEY,
  code_hash TEXT NOT NULL UNIQUE,
  household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  terminal_id INTEGER REFERENCES terminals(id)
) STRICT;
