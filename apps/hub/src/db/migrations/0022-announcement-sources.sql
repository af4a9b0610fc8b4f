-- Announcements the hub made from the Japan Meteorological Agency's national warnings (source
-- 'jma'): terminals sound their emergencies at the national level, above the city's own. The source
-- lives here, not in announcements.source, because a migration numbered below 0030 cannot relax
-- that column's CHECK: 0030 rebuilds the announcements table with CHECK (source IN ('console',
-- 'cap')), and on a new database it runs after this one (as for announcement_tones, 0021). Reads
-- take the source from this table first; announcements.source keeps its default for these rows.
CREATE TABLE announcement_sources (
  announcement_id INTEGER PRIMARY KEY REFERENCES announcements(id) ON DELETE CASCADE,
  source TEXT NOT NULL CHECK (source IN ('jma'))
) STRICT;
