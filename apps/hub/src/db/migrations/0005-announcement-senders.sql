-- Every path that creates or changes an announcement goes through one policy (issue 11).

-- City hall's policy for each API key: the CAP sender it speaks for (its messages must carry that
-- <sender>, so de-duplication, Update and Cancel stay within its own alerts) and whether what it
-- sends is published at once ('auto') or waits for a person's approval ('hold'; also what a key
-- without a row gets).
CREATE TABLE announcement_sender_policies (
  api_key_id INTEGER PRIMARY KEY REFERENCES api_keys(id) ON DELETE CASCADE,
  cap_sender TEXT CHECK (cap_sender IS NULL OR (length(cap_sender) BETWEEN 1 AND 200 AND cap_sender NOT GLOB '*[ ,<&]*')),
  publish TEXT NOT NULL CHECK (publish IN ('auto', 'hold')),
  updated_by TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

-- The latest edit of an announcement that needs a fresh approval: who made it, and for one already
-- published the change itself (JSON), kept aside until a second person approves it while terminals
-- go on showing what was approved. (A separate table: the announcements table itself is rebuilt by
-- later migrations.)
CREATE TABLE announcement_revisions (
  announcement_id INTEGER PRIMARY KEY REFERENCES announcements(id) ON DELETE CASCADE,
  change TEXT CHECK (change IS NULL OR json_valid(change)),
  revised_by TEXT NOT NULL,
  revised_at INTEGER NOT NULL
) STRICT;
