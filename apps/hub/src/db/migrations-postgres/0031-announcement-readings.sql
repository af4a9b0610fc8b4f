-- PostgreSQL pair of ../migrations/0031-announcement-readings.sql.
CREATE TABLE announcement_readings (
  announcement_id BIGINT PRIMARY KEY REFERENCES announcements(id) ON DELETE CASCADE,
  readings TEXT NOT NULL CHECK (json_typeof(readings::json) = 'array')
);
