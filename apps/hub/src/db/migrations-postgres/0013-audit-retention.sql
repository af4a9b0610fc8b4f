-- PostgreSQL pair of ../migrations/0013-audit-retention.sql: the retention job may delete audit entries
-- more than five years old (1826 days by the database's own clock); nothing can be changed, nothing
-- younger deleted, nothing truncated.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND OLD.at < (floor(extract(epoch FROM now())) - 1826 * 86400) * 1000 THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only';
END $$;
