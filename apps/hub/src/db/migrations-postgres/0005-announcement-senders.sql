-- PostgreSQL pair of ../migrations/0005-announcement-senders.sql.
CREATE TABLE announcement_sender_policies (
  api_key_id BIGINT PRIMARY KEY REFERENCES api_keys(id) ON DELETE CASCADE,
  cap_sender TEXT CHECK (cap_sender IS NULL OR (length(cap_sender) BETWEEN 1 AND 200 AND cap_sender !~ '[ ,<&]')),
  publish TEXT NOT NULL CHECK (publish IN ('auto', 'hold')),
  updated_by TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE announcement_revisions (
  announcement_id BIGINT PRIMARY KEY REFERENCES announcements(id) ON DELETE CASCADE,
  change TEXT CHECK (change IS NULL OR change::json IS NOT NULL),
  revised_by TEXT NOT NULL,
  revised_at BIGINT NOT NULL
);
