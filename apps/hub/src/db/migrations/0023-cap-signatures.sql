-- Each CAP message's signature as the gateway found it: 'verified' (with a trusted certificate,
-- named in signed_by), 'unverified' (signed, but no trusted certificate is configured) or
-- 'unsigned'. NULL for messages received before this was recorded. City hall sees it on the
-- announcement the message made or changed.
ALTER TABLE cap_messages ADD COLUMN signature TEXT CHECK (signature IN ('verified', 'unverified', 'unsigned'));
ALTER TABLE cap_messages ADD COLUMN signed_by TEXT CHECK (signed_by IS NULL OR signature = 'verified');
