-- The sound an announcement is announced with, when not its kind's usual one: 'eew' = the
-- Earthquake Early Warning chime at the top priority (automatic JMA alerts). A separate table: the
-- announcements table itself is rebuilt by a later migration (0030), which copies its columns.
CREATE TABLE announcement_tones (
  announcement_id INTEGER PRIMARY KEY REFERENCES announcements(id) ON DELETE CASCADE,
  tone TEXT NOT NULL CHECK (tone IN ('eew'))
) STRICT;
