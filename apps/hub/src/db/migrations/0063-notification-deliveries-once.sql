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
