-- Two-factor sign-in: an authenticator (TOTP, RFC 6238) secret per user, and one-time recovery
-- codes stored as SHA-256 hashes. `confirmed_at` stays NULL until the user has typed a first code;
-- `last_time_step` refuses a code that was already used (replay).
CREATE TABLE two_factor (
  user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  secret TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  confirmed_at INTEGER,
  last_time_step INTEGER
) STRICT;

CREATE TABLE recovery_codes (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  used_at INTEGER
) STRICT;
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);
