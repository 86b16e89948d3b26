-- 0003-reminders.sql: a survey can have several links (the first mail and
-- its reminder), so tokens get their own table; surveys remember when
-- their one reminder went out; outbox rows say what they carry.

CREATE TABLE tokens (
	hash		TEXT PRIMARY KEY,
	survey		INTEGER NOT NULL REFERENCES surveys(id),
	created_at	INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO tokens (hash, survey, created_at)
    SELECT token_hash, id, coalesce(sent_at, created_at) FROM surveys
    WHERE token_hash IS NOT NULL;

-- NULL: no reminder yet; 0: none will be sent; else when it was queued
ALTER TABLE surveys ADD COLUMN reminded_at INTEGER;
-- surveys mailed before reminders existed were promised none: the upgrade
-- must not mail a burst of reminders for them
UPDATE surveys SET reminded_at = 0 WHERE state <> 'scheduled';
CREATE INDEX surveys_reminder ON surveys (state, reminded_at, sent_at);

ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'survey'
    CHECK (kind IN ('survey', 'reminder'));
