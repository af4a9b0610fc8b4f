-- One row the hub rewrites to find out whether it can still store anything (readiness: a full disk
-- or a read-only database fails this write exactly as it fails a check-in). Never more than one row.
CREATE TABLE health_probe (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  checked_at INTEGER NOT NULL,
  -- A few pages, so the probe needs about as much room as a small batch of real writes.
  filler BLOB NOT NULL
) STRICT;
