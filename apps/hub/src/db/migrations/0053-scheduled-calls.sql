-- Planned outgoing listening calls (issue 16): "call Mrs Sato every Tuesday at 10:00" (weekdays and
-- a wall-clock time in the city's time zone), and each planned call as it fell due — one row per
-- plan and due time, so a call is offered once however often the scheduler runs or the hub
-- restarts. Times: ms since the epoch (UTC).
CREATE TABLE call_schedules (
  id INTEGER PRIMARY KEY,
  household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
  shop_id INTEGER NOT NULL REFERENCES shops(id) ON DELETE CASCADE,
  -- Bit n set: weekday n (0 = Sunday).
  weekdays INTEGER NOT NULL CHECK (weekdays BETWEEN 1 AND 127),
  -- Minutes after local midnight.
  minutes INTEGER NOT NULL CHECK (minutes BETWEEN 0 AND 1439),
  note TEXT NOT NULL DEFAULT '' CHECK (length(note) <= 200),
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  -- Only calls due after the plan was last written are offered.
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX call_schedules_household ON call_schedules(household_id);
CREATE INDEX call_schedules_shop ON call_schedules(shop_id);

CREATE TABLE scheduled_calls (
  id INTEGER PRIMARY KEY,
  schedule_id INTEGER NOT NULL REFERENCES call_schedules(id) ON DELETE CASCADE,
  due_at INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('due', 'ringing', 'answered', 'declined', 'missed', 'lapsed')),
  call_id INTEGER REFERENCES calls(id) ON DELETE SET NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (schedule_id, due_at)
) STRICT;
CREATE INDEX scheduled_calls_open ON scheduled_calls(state) WHERE state IN ('due', 'ringing');
CREATE INDEX scheduled_calls_call ON scheduled_calls(call_id) WHERE call_id IS NOT NULL;
