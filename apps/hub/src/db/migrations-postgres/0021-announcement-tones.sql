-- PostgreSQL pair of ../migrations/0021-announcement-tones.sql.
CREATE TABLE announcement_tones (
  announcement_id BIGINT PRIMARY KEY REFERENCES announcements(id) ON DELETE CASCADE,
  tone TEXT NOT NULL CHECK (tone IN ('eew'))
);
