-- Wellbeing watch (見守り): check-in plans, check-ins, signs of life, the reminder ledger, alerts and
-- their escalation steps. Times are milliseconds since the Unix epoch (UTC); days are local dates.

-- A household without a row here follows the city's default plan (see modules/checkins/plan.ts).
CREATE TABLE checkin_plans (
  household_id INTEGER PRIMARY KEY REFERENCES households(id) ON DELETE CASCADE,
  enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  opens_at INTEGER NOT NULL CHECK (opens_at BETWEEN 0 AND 1439),      -- minutes after local midnight
  deadline INTEGER NOT NULL CHECK (deadline BETWEEN 0 AND 1439),      -- at or before opens_at: next day
  days INTEGER NOT NULL CHECK (days BETWEEN 0 AND 127),               -- bit n = weekday n (0 = Sunday)
  reminder_minutes TEXT NOT NULL DEFAULT '[]',                        -- JSON array, minutes before deadline
  grace_minutes INTEGER NOT NULL CHECK (grace_minutes >= 0),
  ack_timeout_minutes INTEGER NOT NULL CHECK (ack_timeout_minutes > 0),
  signs_of_life TEXT NOT NULL,                                        -- JSON array of activity kinds
  offline_alert_minutes INTEGER NOT NULL CHECK (offline_alert_minutes > 0),
  updated_at INTEGER NOT NULL,
  updated_by TEXT NOT NULL
) STRICT;

CREATE TABLE checkins (
  id INTEGER PRIMARY KEY,
  household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
  terminal_id INTEGER REFERENCES terminals(id),
  idempotency_key TEXT NOT NULL,
  at INTEGER NOT NULL,              -- the counted time (pressed time clamped to the hub's bounds)
  pressed_at INTEGER NOT NULL,      -- what the terminal claimed
  received_at INTEGER NOT NULL,
  mood TEXT CHECK (mood IN ('good', 'so_so', 'not_good')),
  UNIQUE (household_id, idempotency_key)
) STRICT;
CREATE INDEX checkins_household_at ON checkins(household_id, at);

-- Every sign of life, whatever its source (check-ins included), for the day's status and history.
CREATE TABLE signs_of_life (
  id INTEGER PRIMARY KEY,
  household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('checkin', 'call', 'order_confirmed', 'announcement_acknowledged', 'delivery_well')),
  at INTEGER NOT NULL,
  checkin_id INTEGER REFERENCES checkins(id) ON DELETE CASCADE
) STRICT;
CREATE INDEX signs_of_life_household_at ON signs_of_life(household_id, at);

-- Which scheduled steps (reminders, the deadline check) have been done for a household's day, so a
-- restarted hub neither repeats nor forgets them.
CREATE TABLE checkin_steps (
  household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
  day TEXT NOT NULL,
  step TEXT NOT NULL,               -- 'reminder:<minutes>' | 'deadline'
  at INTEGER NOT NULL,
  PRIMARY KEY (household_id, day, step)
) STRICT;

CREATE TABLE watch_alerts (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('missed_checkin', 'terminal_offline', 'district_outage', 'concern')),
  household_id INTEGER REFERENCES households(id) ON DELETE CASCADE,
  district_id INTEGER NOT NULL REFERENCES districts(id),
  day TEXT,
  since_at INTEGER,                 -- missed check-in: start of the day's window (a sign of life after it clears the alert)
  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'acknowledged', 'resolved')),
  level INTEGER NOT NULL DEFAULT 0 CHECK (level BETWEEN 0 AND 3),
  opened_at INTEGER NOT NULL,
  next_step_at INTEGER,             -- when the next escalation is due (NULL: none)
  acknowledged_at INTEGER,
  acknowledged_by TEXT,
  resolved_at INTEGER,
  resolved_by TEXT,
  outcome TEXT CHECK (outcome IN ('phoned_fine', 'visited_fine', 'needs_help', 'hospital', 'other', 'all_clear', 'back_online')),
  note TEXT NOT NULL DEFAULT '',
  possible_outage INTEGER NOT NULL DEFAULT 0 CHECK (possible_outage IN (0, 1)),
  CHECK ((kind = 'district_outage') = (household_id IS NULL)),
  CHECK ((state = 'resolved') = (resolved_at IS NOT NULL))
) STRICT;
CREATE INDEX watch_alerts_household_state ON watch_alerts(household_id, state);
CREATE INDEX watch_alerts_district_state ON watch_alerts(district_id, state);
CREATE INDEX watch_alerts_next_step ON watch_alerts(next_step_at) WHERE next_step_at IS NOT NULL;
-- One missed-check-in alert per household and day.
CREATE UNIQUE INDEX watch_alerts_one_per_day ON watch_alerts(household_id, day) WHERE kind = 'missed_checkin';

-- Every step of every alert: opened, reminded, escalated (with whom), acknowledged, resolved, all clear.
CREATE TABLE watch_alert_events (
  id INTEGER PRIMARY KEY,
  alert_id INTEGER NOT NULL REFERENCES watch_alerts(id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  type TEXT NOT NULL,
  actor TEXT NOT NULL,
  level INTEGER,
  detail TEXT
) STRICT;
CREATE INDEX watch_alert_events_alert ON watch_alert_events(alert_id, id);
