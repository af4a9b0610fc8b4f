-- Notifications that leave the console (issue 16): each staff member's channels (e-mail, Web Push,
-- and any a city adds), their devices' Web Push subscriptions, the hub's own keys (VAPID, the
-- acknowledgement-link secret) and every delivery with its outcome. Times: ms since the epoch (UTC).

CREATE TABLE notification_settings (
  user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  -- City hall's disaster support team (災害時要援護者支援): told of every help request.
  disaster_support INTEGER NOT NULL DEFAULT 0 CHECK (disaster_support IN (0, 1)),
  updated_at INTEGER NOT NULL
) STRICT;

-- Per person and channel: opted in or not, and where (an e-mail address, a phone number; Web Push
-- reaches the devices below). No row: the channel's default (push on, everything else off).
CREATE TABLE notification_channels (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  channel TEXT NOT NULL CHECK (channel GLOB '[a-z]*' AND length(channel) <= 20),
  enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  address TEXT,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, channel)
) STRICT;

CREATE TABLE push_subscriptions (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  endpoint TEXT NOT NULL UNIQUE,
  p256dh TEXT NOT NULL,
  auth TEXT NOT NULL,
  label TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  last_success_at INTEGER
) STRICT;
CREATE INDEX push_subscriptions_user ON push_subscriptions(user_id);

-- Generated at first start unless given by the environment (TSUNAGU_VAPID_*).
CREATE TABLE notification_keys (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE notification_deliveries (
  id INTEGER PRIMARY KEY,
  alert_id INTEGER NOT NULL REFERENCES watch_alerts(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  channel TEXT NOT NULL,
  -- Where it goes on that channel: an e-mail address, a push subscription's id, a phone number.
  address TEXT NOT NULL,
  level INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'acknowledged', 'cancelled')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  sent_at INTEGER,
  acknowledged_at INTEGER,
  -- The acknowledgement link is single-use.
  link_used_at INTEGER,
  CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
) STRICT;
CREATE INDEX notification_deliveries_alert ON notification_deliveries(alert_id, id);
CREATE INDEX notification_deliveries_due ON notification_deliveries(next_attempt_at) WHERE status = 'pending';
