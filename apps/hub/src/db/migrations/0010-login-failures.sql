-- Failed sign-ins for user names that do not exist, counted like a real account's so the lockout
-- answers the same whether or not the name exists (no user enumeration). Keyed by a hash of the
-- typed name (it may be a mistyped password); rows are pruned a day after their last failure.
CREATE TABLE login_failures (
  name_hash TEXT PRIMARY KEY,
  failed INTEGER NOT NULL,
  locked_until INTEGER,
  last_failed_at INTEGER NOT NULL
) STRICT;
CREATE INDEX login_failures_last ON login_failures(last_failed_at);
