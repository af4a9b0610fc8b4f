-- Audit retention (issue 11): the audit log stays append-only, except that the retention job may
-- delete entries more than five years old (1826 days by the database's own clock). Anything younger
-- still cannot be deleted, whoever asks; no entry can ever be changed.
-- sqlite-only: the delete trigger gets a condition.
DROP TRIGGER audit_log_no_delete;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
WHEN OLD.at >= (unixepoch('now') - 1826 * 86400) * 1000
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- postgres-only: the same condition on the trigger (TRUNCATE stays refused).
DROP TRIGGER audit_log_no_delete ON audit_log;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
FOR EACH ROW WHEN (OLD.at >= (floor(extract(epoch FROM now())) - 1826 * 86400) * 1000) EXECUTE FUNCTION append_only();
-- end
