-- 0007-dashboard.sql: signing in to the dashboard without passwords.
-- Admins are named by npsctl; sign-in links and sessions are kept only as
-- SHA-256 of their secret; addresses are lower-cased.

CREATE TABLE admins (
	email		TEXT PRIMARY KEY,
	added_at	INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE login_links (
	hash		TEXT PRIMARY KEY,
	email		TEXT NOT NULL,
	created_at	INTEGER NOT NULL,
	expires_at	INTEGER NOT NULL,
	used_at		INTEGER
) WITHOUT ROWID;
CREATE INDEX login_links_email ON login_links (email, created_at);

CREATE TABLE sessions (
	hash		TEXT PRIMARY KEY,
	email		TEXT NOT NULL,
	created_at	INTEGER NOT NULL,
	expires_at	INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE outbox_new (
	id		INTEGER PRIMARY KEY,
	survey		INTEGER REFERENCES surveys(id),
	recipient	TEXT NOT NULL,
	message_id	TEXT NOT NULL UNIQUE,
	message		BLOB NOT NULL,
	state		TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'failed', 'cancelled')),
	attempts	INTEGER NOT NULL DEFAULT 0,
	next_attempt_at	INTEGER NOT NULL,
	last_error	TEXT,
	created_at	INTEGER NOT NULL,
	done_at		INTEGER,
	kind		TEXT NOT NULL DEFAULT 'survey'
			    CHECK (kind IN ('survey', 'reminder', 'alert', 'login'))
);
INSERT INTO outbox_new SELECT id, survey, recipient, message_id, message, state, attempts,
    next_attempt_at, last_error, created_at, done_at, kind FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

-- agents are found by address when they sign in: addresses lower-cased
UPDATE agents SET email = lower(email);
