-- PostgreSQL pair of ../migrations/0050-watch-help-requests.sql: PostgreSQL widens the CHECK in place.
ALTER TABLE watch_alerts DROP CONSTRAINT watch_alerts_kind_check;
ALTER TABLE watch_alerts ADD CONSTRAINT watch_alerts_kind_check CHECK (kind IN ('missed_checkin', 'terminal_offline',
  'district_outage', 'concern', 'help_request', 'safety_unanswered', 'missed_call'));
ALTER TABLE watch_alerts ADD COLUMN announcement_id BIGINT REFERENCES announcements(id) ON DELETE SET NULL;
CREATE UNIQUE INDEX watch_alerts_one_per_announcement ON watch_alerts(household_id, announcement_id, kind)
  WHERE announcement_id IS NOT NULL;
CREATE INDEX watch_alerts_announcement ON watch_alerts(announcement_id) WHERE announcement_id IS NOT NULL;

CREATE TABLE safety_followups (
  announcement_id BIGINT PRIMARY KEY REFERENCES announcements(id) ON DELETE CASCADE,
  due_at BIGINT NOT NULL,
  done_at BIGINT
);
CREATE INDEX safety_followups_due ON safety_followups(due_at) WHERE done_at IS NULL;
