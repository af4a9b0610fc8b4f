-- The hub's voice clips (Ogg/Opus), keyed by a hash of what they say and in which language (the
-- clip's HTTP ETag). In the database rather than as files in one hub's data folder: with several
-- hubs on one database (issue 18) a hub that did not synthesise a clip still serves it. Before
-- this migration they were files in <data>/announcement-speech/ (no longer read).
CREATE TABLE announcement_speech_clips (
  key TEXT PRIMARY KEY CHECK (length(key) = 40),
  language TEXT NOT NULL CHECK (language IN ('ja', 'en')),
  ogg BLOB NOT NULL,
  made_at INTEGER NOT NULL
) STRICT;
