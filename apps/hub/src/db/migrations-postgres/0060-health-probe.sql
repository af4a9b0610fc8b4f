-- PostgreSQL pair of ../migrations/0060-health-probe.sql: the one row the hub rewrites to find out
-- whether it can still store anything (readiness). Never more than one row.
CREATE TABLE health_probe (
  id BIGINT PRIMARY KEY CHECK (id = 1),
  checked_at BIGINT NOT NULL,
  -- A few pages, so the probe needs about as much room as a small batch of real writes.
  filler BYTEA NOT NULL
);
