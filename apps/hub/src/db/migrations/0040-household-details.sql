-- What a clerk keeps about a household besides its name and address (issue 13): the reading of the
-- name (ふりがな, as the welfare section's lists have it), why it needs assistance in a disaster
-- (要援護者), and whether city hall has closed it (moved away, passed away) — closed households
-- keep their records for the retention period but leave the lists and the watch.
ALTER TABLE households ADD COLUMN kana TEXT NOT NULL DEFAULT '';
ALTER TABLE households ADD COLUMN assistance_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE households ADD COLUMN closed_at INTEGER;
ALTER TABLE households ADD COLUMN closed_by TEXT;
ALTER TABLE households ADD COLUMN close_reason TEXT NOT NULL DEFAULT '';
CREATE INDEX households_open ON households(closed_at, id);
