-- Calls (queue history, callbacks), orders taken on them, and the order messages owed to terminals.

CREATE TABLE calls (
  id INTEGER PRIMARY KEY,
  shop_id INTEGER NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
  household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
  terminal_id INTEGER REFERENCES terminals(id),
  direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  status TEXT NOT NULL CHECK (status IN ('waiting', 'callback_requested', 'ringing_terminal', 'connected', 'ended', 'abandoned', 'declined')),
  operator_id INTEGER REFERENCES users(id),
  -- For an outbound call: the callback request it answers.
  callback_of INTEGER REFERENCES calls(id),
  requested_at INTEGER NOT NULL,
  callback_requested_at INTEGER,
  answered_at INTEGER,
  ended_at INTEGER,
  end_reason TEXT,
  CHECK (answered_at IS NULL OR answered_at >= requested_at),
  CHECK (ended_at IS NULL OR ended_at >= requested_at)
) STRICT;
CREATE INDEX calls_shop_requested ON calls(shop_id, requested_at);
CREATE INDEX calls_household ON calls(household_id, requested_at);
CREATE INDEX calls_open ON calls(status) WHERE status IN ('waiting', 'callback_requested', 'ringing_terminal', 'connected');

CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  shop_id INTEGER NOT NULL REFERENCES shops(id),
  household_id INTEGER NOT NULL REFERENCES households(id),
  call_id INTEGER REFERENCES calls(id),
  status TEXT NOT NULL CHECK (status IN ('draft', 'awaiting_confirmation', 'received', 'preparing', 'out_for_delivery', 'delivered', 'cancelled')),
  note TEXT NOT NULL DEFAULT '',
  created_by INTEGER REFERENCES users(id),
  created_at INTEGER NOT NULL,
  confirmed_at INTEGER,
  updated_at INTEGER NOT NULL,
  wellbeing TEXT CHECK (wellbeing IN ('well', 'concern')),
  delivery_note TEXT NOT NULL DEFAULT '',
  CHECK ((status = 'delivered') = (wellbeing IS NOT NULL))
) STRICT;
CREATE INDEX orders_shop ON orders(shop_id, created_at);
CREATE INDEX orders_household ON orders(household_id, created_at);

CREATE TABLE order_lines (
  id INTEGER PRIMARY KEY,
  order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  item_id INTEGER REFERENCES shop_items(id),
  name TEXT NOT NULL,
  quantity INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 99),
  unit TEXT NOT NULL,
  price_yen INTEGER CHECK (price_yen IS NULL OR price_yen >= 0),
  photo_url TEXT,
  UNIQUE (order_id, position)
) STRICT;

-- Outbox: persisted before sending; acked_at set when the terminal acknowledges.
CREATE TABLE order_messages (
  id INTEGER PRIMARY KEY,
  order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
  household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('confirm_request', 'status')),
  created_at INTEGER NOT NULL,
  acked_at INTEGER
) STRICT;
CREATE INDEX order_messages_pending ON order_messages(household_id) WHERE acked_at IS NULL;

-- Shops: item photos uploaded to the hub (kept in the database, so backups hold them) and soft removal.
ALTER TABLE shop_items ADD COLUMN photo BLOB;
ALTER TABLE shop_items ADD COLUMN photo_mime TEXT CHECK (photo_mime IS NULL OR photo_mime IN ('image/jpeg', 'image/png', 'image/webp'));
ALTER TABLE shops ADD COLUMN archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1));
