-- PostgreSQL pair of ../migrations/0023-cap-signatures.sql.
ALTER TABLE cap_messages ADD COLUMN signature TEXT CHECK (signature IN ('verified', 'unverified', 'unsigned'));
ALTER TABLE cap_messages ADD COLUMN signed_by TEXT CHECK (signed_by IS NULL OR signature = 'verified');
