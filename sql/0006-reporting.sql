-- 0006-reporting.sql: what reports, the API and the detractor loop need.
-- Answers carry the agent, team, category and self score of their survey
-- (fixed at closing, so copying them is safe) so that a team's or an
-- agent's year is read from one covering index; every close is counted
-- for category volume; agents and teams are named once; team managers,
-- API tokens and detractor follow-ups get their tables; the outbox learns
-- to carry alerts.

ALTER TABLE answers ADD COLUMN agent_id TEXT NOT NULL DEFAULT '';
ALTER TABLE answers ADD COLUMN team_id TEXT NOT NULL DEFAULT '';
ALTER TABLE answers ADD COLUMN category TEXT NOT NULL DEFAULT '';
ALTER TABLE answers ADD COLUMN self_score INTEGER;
UPDATE answers SET (agent_id, team_id, category, self_score) =
    (SELECT agent_id, team_id, category, self_score FROM surveys WHERE id = answers.survey);
CREATE INDEX answers_team ON answers
    (team_id, answered_at, agent_id, category, score, flagged, self_score);
CREATE INDEX answers_agent ON answers
    (agent_id, answered_at, team_id, category, score, flagged, self_score);
CREATE INDEX answers_category ON answers
    (category, answered_at, score, flagged, self_score);
DROP INDEX answers_time;
CREATE INDEX answers_time ON answers
    (answered_at, team_id, agent_id, category, score, flagged, self_score);
-- partial: a survey enters them when it is mailed, not at intake
CREATE INDEX surveys_team_sent ON surveys (team_id, sent_at, agent_id, category)
    WHERE sent_at IS NOT NULL;
CREATE INDEX surveys_agent_sent ON surveys (agent_id, sent_at, team_id, category)
    WHERE sent_at IS NOT NULL;
DROP INDEX surveys_sent;
CREATE INDEX surveys_sent ON surveys (sent_at, team_id, agent_id, category)
    WHERE sent_at IS NOT NULL;

-- one row per close of a ticket (a replayed delivery is not a close); the
-- table is its own index by time
CREATE TABLE closings (
	closed_at	INTEGER NOT NULL,
	team_id		TEXT NOT NULL DEFAULT '',
	agent_id	TEXT NOT NULL DEFAULT '',
	category	TEXT NOT NULL DEFAULT '',
	source		TEXT NOT NULL,
	ticket_id	TEXT NOT NULL,
	PRIMARY KEY (closed_at, team_id, agent_id, category, source, ticket_id)
) WITHOUT ROWID;
CREATE INDEX closings_team ON closings (team_id, closed_at, agent_id, category);

INSERT OR IGNORE INTO closings (source, ticket_id, closed_at, category, team_id, agent_id)
    SELECT source, ticket_id, closed_at, category, team_id, agent_id FROM surveys;

-- names as last seen in an event
CREATE TABLE agents (
	id		TEXT PRIMARY KEY,
	name		TEXT NOT NULL DEFAULT '',
	email		TEXT NOT NULL DEFAULT '',
	seen_at		INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX agents_email ON agents (email);
INSERT INTO agents (id, name, email, seen_at)
    SELECT agent_id, agent_name, agent_email, max(created_at) FROM surveys
    WHERE agent_id <> '' GROUP BY agent_id;
CREATE TABLE teams (
	id		TEXT PRIMARY KEY,
	name		TEXT NOT NULL DEFAULT '',
	seen_at		INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO teams (id, name, seen_at)
    SELECT team_id, team_name, max(created_at) FROM surveys
    WHERE team_id <> '' GROUP BY team_id;

-- addresses lower-cased
CREATE TABLE team_managers (
	team_id		TEXT NOT NULL,
	email		TEXT NOT NULL,
	added_at	INTEGER NOT NULL,
	PRIMARY KEY (team_id, email)
) WITHOUT ROWID;
CREATE INDEX team_managers_email ON team_managers (email);

-- only the SHA-256 of a token is kept
CREATE TABLE api_tokens (
	id		INTEGER PRIMARY KEY,
	hash		TEXT NOT NULL UNIQUE,
	role		TEXT NOT NULL CHECK (role IN ('agent', 'manager', 'admin')),
	agent_id	TEXT,
	created_at	INTEGER NOT NULL,
	expires_at	INTEGER,
	revoked_at	INTEGER,
	used_at		INTEGER,
	CHECK ((role = 'agent') = (agent_id IS NOT NULL))
);
CREATE TABLE api_token_teams (
	token		INTEGER NOT NULL REFERENCES api_tokens(id),
	team_id		TEXT NOT NULL,
	PRIMARY KEY (token, team_id)
) WITHOUT ROWID;

-- a detractor answer waiting for (or having had) a call back
CREATE TABLE followups (
	survey		INTEGER PRIMARY KEY REFERENCES surveys(id),
	created_at	INTEGER NOT NULL,
	mailed		INTEGER NOT NULL DEFAULT 0,
	done_at		INTEGER,
	done_by		TEXT,
	note		TEXT
);
CREATE INDEX followups_open ON followups (done_at, created_at);
CREATE INDEX followups_unmailed ON followups (mailed) WHERE mailed = 0;

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
			    CHECK (kind IN ('survey', 'reminder', 'alert'))
);
INSERT INTO outbox_new SELECT id, survey, recipient, message_id, message, state, attempts,
    next_attempt_at, last_error, created_at, done_at, kind FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
