-- 0008-sending.sql: a delivery is marked before it starts. The mailer
-- commits 'sending' (with the attempt and a lease) before it hands a
-- message to the transport, so a crash or a database that can no longer
-- be written never leads to the same mail being sent in a loop. A row
-- found 'sending' after a crash is delivered again from its stored
-- message, so any extra copy carries the first copy's Message-ID.
-- unknown_at: when an attempt's outcome was unknown (the whole message
-- was handed over but the final reply never came); such a survey may have
-- reached its reader, so it is never marked failed.

CREATE TABLE outbox_new (
	id		INTEGER PRIMARY KEY,
	survey		INTEGER REFERENCES surveys(id),
	recipient	TEXT NOT NULL,
	message_id	TEXT NOT NULL UNIQUE,
	message		BLOB NOT NULL,
	state		TEXT NOT NULL
			    CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'cancelled')),
	attempts	INTEGER NOT NULL DEFAULT 0,
	next_attempt_at	INTEGER NOT NULL,
	last_error	TEXT,
	created_at	INTEGER NOT NULL,
	done_at		INTEGER,
	kind		TEXT NOT NULL DEFAULT 'survey'
			    CHECK (kind IN ('survey', 'reminder', 'alert', 'login')),
	lease_until	INTEGER,
	unknown_at	INTEGER
);
INSERT INTO outbox_new (id, survey, recipient, message_id, message, state, attempts,
    next_attempt_at, last_error, created_at, done_at, kind)
    SELECT id, survey, recipient, message_id, message, state, attempts,
    next_attempt_at, last_error, created_at, done_at, kind FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
