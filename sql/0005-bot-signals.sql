-- 0005-bot-signals.sql: what tells a person from a mail scanner. Every
-- view of a survey page (and of the invisible honeypot link) is logged;
-- each answer version keeps how long after its page it was sent and, when
-- a rule fired, which.

CREATE TABLE page_views (
	id		INTEGER PRIMARY KEY,
	survey		INTEGER NOT NULL REFERENCES surveys(id),
	at_ms		INTEGER NOT NULL,
	score		INTEGER,
	kind		TEXT NOT NULL CHECK (kind IN ('page', 'head', 'honeypot'))
);
CREATE INDEX page_views_survey ON page_views (survey, at_ms);

ALTER TABLE answers ADD COLUMN flag_rule TEXT;
ALTER TABLE answer_versions ADD COLUMN render_ms INTEGER;
ALTER TABLE answer_versions ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0;
ALTER TABLE answer_versions ADD COLUMN flag_rule TEXT;

-- one row: the key that signs the render time carried by each form
CREATE TABLE settings (
	name		TEXT PRIMARY KEY,
	value		BLOB NOT NULL
) WITHOUT ROWID;
