-- "Test this plan now" (issue 13): city hall runs a shortened ladder on one household so a clerk can
-- see it work. A test's alert is an ordinary watch alert linked from here (watch_alerts itself is
-- rebuilt by a later migration, so the link lives on this side); it never counts as a real missed
-- check-in (its alert has no day).
CREATE TABLE watch_plan_tests (
  id INTEGER PRIMARY KEY,
  household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
  started_by TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  step_minutes INTEGER NOT NULL CHECK (step_minutes BETWEEN 1 AND 10),
  deadline_at INTEGER NOT NULL,
  deadline_done INTEGER NOT NULL DEFAULT 0 CHECK (deadline_done IN (0, 1)),
  alert_id INTEGER UNIQUE REFERENCES watch_alerts(id) ON DELETE SET NULL,
  ended_at INTEGER,
  ended_by TEXT,
  end_reason TEXT CHECK (end_reason IN ('cancelled', 'checked_in', 'resolved')),
  CHECK ((ended_at IS NULL) = (end_reason IS NULL))
) STRICT;
-- One running test per household.
CREATE UNIQUE INDEX watch_plan_tests_running ON watch_plan_tests(household_id) WHERE ended_at IS NULL;
CREATE INDEX watch_plan_tests_household ON watch_plan_tests(household_id, id);
