-- City hall's fleet view (issue 13): what each terminal reported when it last connected (app and
-- protocol version, the address it came from), and the volume tests city hall asked for with the
-- resident's answer (はい / いいえ to 「聞こえましたか」).
CREATE TABLE terminal_reports (
  terminal_id INTEGER PRIMARY KEY REFERENCES terminals(id) ON DELETE CASCADE,
  app_version TEXT,
  protocol_version INTEGER NOT NULL,
  address TEXT,
  connected_at INTEGER NOT NULL
) STRICT;

CREATE TABLE terminal_volume_tests (
  id INTEGER PRIMARY KEY,
  terminal_id INTEGER NOT NULL REFERENCES terminals(id) ON DELETE CASCADE,
  requested_by TEXT NOT NULL,
  requested_at INTEGER NOT NULL,
  heard INTEGER CHECK (heard IN (0, 1)),
  answered_at INTEGER,
  CHECK ((heard IS NULL) = (answered_at IS NULL))
) STRICT;
CREATE INDEX terminal_volume_tests_terminal ON terminal_volume_tests(terminal_id, id);
