-- 0010-address-lookups.sql: a close whose requester address is not in
-- the webhook (GLPI) waits here while npsd asks the ticket system's API
-- for it, off the HTTP thread. The row holds what the survey will carry
-- (agent and team frozen at close) and the survey id the webhook was
-- promised; it is deleted once the survey is scheduled or skipped
-- (no_address after the last try, or a policy reason), or when a reopen
-- cancels it, so no address is ever stored here.
-- tickets.event_time: the newest event time applied to a ticket, for a
-- source whose deliveries can arrive out of order (GLPI resends a failed
-- delivery from its queue, possibly after a later one): an older event is
-- recorded and ignored, so a late close cannot undo a reopen.

ALTER TABLE tickets ADD COLUMN event_time INTEGER NOT NULL DEFAULT 0;

CREATE TABLE address_lookups (
	id		INTEGER PRIMARY KEY,
	ticket		INTEGER NOT NULL REFERENCES tickets(id),
	close_seq	INTEGER NOT NULL,
	source		TEXT NOT NULL,
	ticket_id	TEXT NOT NULL,
	delivery_id	TEXT NOT NULL,
	public_id	TEXT NOT NULL UNIQUE,
	subject		TEXT NOT NULL DEFAULT '',
	category	TEXT NOT NULL DEFAULT '',
	closed_at	INTEGER NOT NULL,
	requester_name	TEXT NOT NULL DEFAULT '',
	language	TEXT NOT NULL DEFAULT '',
	agent_id	TEXT NOT NULL DEFAULT '',
	agent_email	TEXT NOT NULL DEFAULT '',
	agent_name	TEXT NOT NULL DEFAULT '',
	self_score	INTEGER,
	team_id		TEXT NOT NULL DEFAULT '',
	team_name	TEXT NOT NULL DEFAULT '',
	attempts	INTEGER NOT NULL DEFAULT 0,
	next_attempt_at	INTEGER NOT NULL,
	last_error	TEXT,
	created_at	INTEGER NOT NULL,
	UNIQUE (ticket, close_seq)
);
CREATE INDEX address_lookups_due ON address_lookups (next_attempt_at);
