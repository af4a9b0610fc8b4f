-- City hall's own recordings for announcements (uploaded with POST /api/announcements/audio), keyed
-- by the 32 hex digits the hub gave them. In the database rather than as files in one hub's data
-- folder: with several hubs on one database (issue 18) a recording uploaded to one hub is served by
-- every hub. Before this migration they were files in <data>/announcement-audio/: the hub moves
-- them in at start (announcements/recordings.ts).
CREATE TABLE announcement_recordings (
  audio_id TEXT PRIMARY KEY CHECK (length(audio_id) = 32),
  -- Worked out from the bytes when uploaded (audio.ts: sniffAudio), never from the upload's name.
  mime_type TEXT NOT NULL CHECK (mime_type GLOB 'audio/*'),
  data BLOB NOT NULL,
  uploaded_at INTEGER NOT NULL
) STRICT;
