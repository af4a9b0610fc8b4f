-- Audit retention (issue 11): the audit log stays append-only, except that the retention job may
-- delete entries more than five years old (1826 days by the database's own clock). Anything younger
-- still cannot be deleted, whoever asks; no entry can ever be changed.
-- sqlite-only: the delete trigger gets a condition.
DROP TRIGGER audit_log_no_delete;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
WHEN OLD.at >= (unixepoch('now') - 1826 * 86400) * 1000
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- postgres-only: the trigger function lets such a delete through (TRUNCATE stays refused).
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND OLD.at < (floor(extract(epoch FROM now())) - 1826 * 86400) * 1000 THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only';
END $$;
-- end
