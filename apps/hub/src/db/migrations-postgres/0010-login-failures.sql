-- PostgreSQL pair of ../migrations/0010-login-failures.sql.
CREATE TABLE login_failures (
  name_hash TEXT PRIMARY KEY,
  failed BIGINT NOT NULL,
  locked_until BIGINT,
  last_failed_at BIGINT NOT NULL
);
CREATE INDEX login_failures_last ON login_failures(last_failed_at);
