-- PostgreSQL pair of ../migrations/0040-household-details.sql.
ALTER TABLE households ADD COLUMN kana TEXT NOT NULL DEFAULT '';
ALTER TABLE households ADD COLUMN assistance_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE households ADD COLUMN closed_at BIGINT;
ALTER TABLE households ADD COLUMN closed_by TEXT;
ALTER TABLE households ADD COLUMN close_reason TEXT NOT NULL DEFAULT '';
CREATE INDEX households_open ON households(closed_at, id);
