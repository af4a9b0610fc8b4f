-- City hall's readings (ふりがな) for words the speech engine gets wrong, per announcement. The
-- hub's voice clips themselves are files named by what they say (<data>/announcement-speech/).

CREATE TABLE announcement_readings (
  announcement_id INTEGER PRIMARY KEY REFERENCES announcements(id) ON DELETE CASCADE,
  readings TEXT NOT NULL CHECK (json_valid(readings) AND json_type(readings) = 'array')
) STRICT;
