-- migrate: foreign_keys=off
-- Help requests that land with a person (issue 16): new alert kinds — a resident asking for help
-- (the terminal's 助けて, or 助けが必要です in a safety check), a safety check left unanswered, a
-- planned listening call not answered — and the safety check an alert came from. SQLite cannot
-- widen a CHECK in place: the table is rebuilt (SQLite's 12-step procedure; events keep their rows).

-- sqlite-only: the rebuild, and the indexes that went with the old table.
CREATE TABLE watch_alerts_new (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('missed_checkin', 'terminal_offline', 'district_outage', 'concern',
                                     'help_request', 'safety_unanswered', 'missed_call')),
  household_id INTEGER REFERENCES households(id) ON DELETE CASCADE,
  district_id INTEGER NOT NULL REFERENCES districts(id),
  day TEXT,
  since_at INTEGER,
  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'acknowledged', 'resolved')),
  level INTEGER NOT NULL DEFAULT 0 CHECK (level BETWEEN 0 AND 3),
  opened_at INTEGER NOT NULL,
  next_step_at INTEGER,
  acknowledged_at INTEGER,
  acknowledged_by TEXT,
  resolved_at INTEGER,
  resolved_by TEXT,
  outcome TEXT CHECK (outcome IN ('phoned_fine', 'visited_fine', 'needs_help', 'hospital', 'other', 'all_clear', 'back_online')),
  note TEXT NOT NULL DEFAULT '',
  possible_outage INTEGER NOT NULL DEFAULT 0 CHECK (possible_outage IN (0, 1)),
  -- The safety check (an announcement) that raised it: help requests and unanswered households.
  announcement_id INTEGER REFERENCES announcements(id) ON DELETE SET NULL,
  CHECK ((kind = 'district_outage') = (household_id IS NULL)),
  CHECK ((state = 'resolved') = (resolved_at IS NOT NULL))
) STRICT;

INSERT INTO watch_alerts_new (id, kind, household_id, district_id, day, since_at, state, level, opened_at,
  next_step_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by, outcome, note, possible_outage)
SELECT id, kind, household_id, district_id, day, since_at, state, level, opened_at,
  next_step_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by, outcome, note, possible_outage
FROM watch_alerts;

DROP TABLE watch_alerts;
ALTER TABLE watch_alerts_new RENAME TO watch_alerts;

CREATE INDEX watch_alerts_household_state ON watch_alerts(household_id, state);
CREATE INDEX watch_alerts_district_state ON watch_alerts(district_id, state);
CREATE INDEX watch_alerts_next_step ON watch_alerts(next_step_at) WHERE next_step_at IS NOT NULL;
CREATE UNIQUE INDEX watch_alerts_one_per_day ON watch_alerts(household_id, day) WHERE kind = 'missed_checkin';
-- postgres-only: PostgreSQL widens the CHECK and adds the column in place.
ALTER TABLE watch_alerts DROP CONSTRAINT watch_alerts_kind_check;
ALTER TABLE watch_alerts ADD CONSTRAINT watch_alerts_kind_check CHECK (kind IN ('missed_checkin', 'terminal_offline',
  'district_outage', 'concern', 'help_request', 'safety_unanswered', 'missed_call'));
ALTER TABLE watch_alerts ADD COLUMN announcement_id BIGINT REFERENCES announcements(id) ON DELETE SET NULL;
-- end
-- One alert of each kind per household and safety check (answering twice does not raise two).
CREATE UNIQUE INDEX watch_alerts_one_per_announcement ON watch_alerts(household_id, announcement_id, kind)
  WHERE announcement_id IS NOT NULL;
CREATE INDEX watch_alerts_announcement ON watch_alerts(announcement_id) WHERE announcement_id IS NOT NULL;

-- Safety checks whose unanswered households are to be alerted at `due_at` (done: `done_at`), so a
-- restarted hub neither forgets nor repeats the step.
CREATE TABLE safety_followups (
  announcement_id INTEGER PRIMARY KEY REFERENCES announcements(id) ON DELETE CASCADE,
  due_at INTEGER NOT NULL,
  done_at INTEGER
) STRICT;
CREATE INDEX safety_followups_due ON safety_followups(due_at) WHERE done_at IS NULL;
