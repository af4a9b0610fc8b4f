-- Watcher accounts city hall creates from the household page (issue 13): the watcher sets their own
-- password with a one-time invitation code, so city hall never sees one. Only the code's hash is kept.
CREATE TABLE watcher_invitations (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL UNIQUE,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
) STRICT;
CREATE INDEX watcher_invitations_user ON watcher_invitations(user_id);
