-- Two guarantees for several hubs on one database (issue 18).
--
-- A watch alert's delivery to a person at one level, by one channel to one address, is stored once
-- (issue 18): the dispatcher stores deliveries with INSERT … ON CONFLICT DO NOTHING and sends only
-- the rows it stored, so an alert's level heard twice (two hubs, or the same notice again after a
-- restart) sends nothing twice. The address is part of the key: a person's Web Push deliveries are
-- one per device.
--
-- Rows stored twice before this migration: the first of each is kept (the one the ladder counted),
-- the later copies removed, so the key can be created on any existing database.
DELETE FROM notification_deliveries
 WHERE id NOT IN (
   SELECT MIN(id) FROM notification_deliveries GROUP BY alert_id, level, user_id, channel, address
 );
CREATE UNIQUE INDEX notification_deliveries_once
  ON notification_deliveries(alert_id, level, user_id, channel, address);

-- JMA feed polls that failed in a row, per feed (0 after a success): stored by the hub polling, so
-- a hub that does not poll (another hub runs the jobs) reports them in /readyz too (issue 18).
ALTER TABLE jma_feed_state ADD COLUMN failures INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0);
