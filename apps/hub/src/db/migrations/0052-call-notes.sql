-- Every conversation counts (issue 16): after a shop or listening call, the staff member who took
-- it may write one short note on how the resident seemed, with a concern (worried / needs a visit /
-- urgent) that opens a watch alert. Read by the household's watchers and city hall, never by
-- other shops. Times: ms since the epoch (UTC).
CREATE TABLE call_notes (
  id INTEGER PRIMARY KEY,
  call_id INTEGER NOT NULL UNIQUE REFERENCES calls(id) ON DELETE CASCADE,
  household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
  author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
  author_name TEXT NOT NULL,
  note TEXT NOT NULL CHECK (length(note) <= 1000),
  concern TEXT CHECK (concern IN ('worried', 'visit', 'urgent')),
  written_at INTEGER NOT NULL,
  CHECK (concern IS NULL OR length(trim(note)) > 0)
) STRICT;
CREATE INDEX call_notes_household ON call_notes(household_id, written_at);
