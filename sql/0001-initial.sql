-- 0001-initial.sql: tickets, surveys, answers, the mail outbox, webhook
-- deliveries and suppressed addresses.

CREATE TABLE deliveries (
	source		TEXT NOT NULL,
	delivery_id	TEXT NOT NULL,
	received_at	INTEGER NOT NULL,
	outcome		TEXT NOT NULL,
	PRIMARY KEY (source, delivery_id)
) WITHOUT ROWID;

CREATE TABLE tickets (
	id		INTEGER PRIMARY KEY,
	source		TEXT NOT NULL,
	ticket_id	TEXT NOT NULL,
	state		TEXT NOT NULL CHECK (state IN ('open', 'closed')),
	closes		INTEGER NOT NULL DEFAULT 0,
	updated_at	INTEGER NOT NULL,
	UNIQUE (source, ticket_id)
);

-- Agent, team, category and subject are copied from the closing event:
-- later changes in the ticket system do not move old scores.
CREATE TABLE surveys (
	id		INTEGER PRIMARY KEY,
	public_id	TEXT NOT NULL UNIQUE,
	ticket		INTEGER NOT NULL REFERENCES tickets(id),
	close_seq	INTEGER NOT NULL,
	source		TEXT NOT NULL,
	ticket_id	TEXT NOT NULL,
	subject		TEXT NOT NULL DEFAULT '',
	category	TEXT NOT NULL DEFAULT '',
	closed_at	INTEGER NOT NULL,
	requester_email	TEXT,
	requester_name	TEXT,
	language	TEXT NOT NULL,
	agent_id	TEXT NOT NULL,
	agent_email	TEXT NOT NULL DEFAULT '',
	agent_name	TEXT NOT NULL DEFAULT '',
	self_score	INTEGER CHECK (self_score BETWEEN 0 AND 10),
	team_id		TEXT NOT NULL DEFAULT '',
	team_name	TEXT NOT NULL DEFAULT '',
	state		TEXT NOT NULL CHECK (state IN
			    ('scheduled', 'sent', 'answered', 'expired', 'cancelled', 'failed')),
	created_at	INTEGER NOT NULL,
	send_at		INTEGER NOT NULL,
	queued		INTEGER NOT NULL DEFAULT 0,
	sent_at		INTEGER,
	expires_at	INTEGER,
	token_hash	TEXT UNIQUE,
	UNIQUE (ticket, close_seq)
);
CREATE INDEX surveys_due ON surveys (state, send_at);
CREATE INDEX surveys_sent ON surveys (sent_at);

CREATE TABLE answers (
	survey		INTEGER PRIMARY KEY REFERENCES surveys(id),
	score		INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
	comment		TEXT,
	answered_at	INTEGER NOT NULL,
	updated_at	INTEGER NOT NULL,
	flagged		INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX answers_time ON answers (answered_at);

-- The message (which holds the survey link) is kept only until it is
-- delivered or given up on; then it is blanked.
CREATE TABLE outbox (
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
	done_at		INTEGER
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

-- Addresses are kept only as SHA-256 of their lower-case form.
CREATE TABLE suppressions (
	address_hash	TEXT PRIMARY KEY,
	reason		TEXT NOT NULL,
	created_at	INTEGER NOT NULL
) WITHOUT ROWID;
