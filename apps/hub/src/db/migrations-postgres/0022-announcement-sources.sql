-- PostgreSQL pair of ../migrations/0022-announcement-sources.sql.
CREATE TABLE announcement_sources (
  announcement_id BIGINT PRIMARY KEY REFERENCES announcements(id) ON DELETE CASCADE,
  source TEXT NOT NULL CHECK (source IN ('jma'))
);
