-- PostgreSQL pair of ../migrations/0041-watcher-invitations.sql, for the tables converted so far:
-- item photos kept in the database and soft removal of shops. (watcher_invitations comes with users.)
ALTER TABLE shop_items ADD COLUMN photo BYTEA;
ALTER TABLE shop_items ADD COLUMN photo_mime TEXT CHECK (photo_mime IS NULL OR photo_mime IN ('image/jpeg', 'image/png', 'image/webp'));
ALTER TABLE shops ADD COLUMN archived BIGINT NOT NULL DEFAULT 0 CHECK (archived IN (0, 1));
