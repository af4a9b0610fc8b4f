-- Who read a household's personal data (個人情報の閲覧記録): its record, its check-in history, a
-- follow-up list or a CSV export naming it. One row per household read; rows cannot be changed
-- (only the retention job deletes old ones). Read by administrators and on the household's page.
CREATE TABLE data_reads (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  household_id INTEGER NOT NULL,
  what TEXT NOT NULL CHECK (what IN ('record', 'history', 'follow_ups', 'export')),
  ip TEXT
) STRICT;
CREATE INDEX data_reads_household ON data_reads(household_id, at);
CREATE INDEX data_reads_at ON data_reads(at);
-- sqlite-only: a trigger that aborts.
CREATE TRIGGER data_reads_no_update BEFORE UPDATE ON data_reads
BEGIN
  SELECT RAISE(ABORT, 'data_reads is append-only');
END;
-- postgres-only: the trigger function of 0001.
CREATE TRIGGER data_reads_no_update BEFORE UPDATE ON data_reads FOR EACH ROW EXECUTE FUNCTION append_only();
-- end
