-- 0012-attempt-counts.sql: delivery attempts counted by outcome, one row
-- per outcome, raised in the transaction that records each attempt, so
-- npsd_mail_attempts_total only ever goes up (it used to be summed from
-- the outbox, where a retried message moved its attempts between labels).
-- Counting starts at this migration.

CREATE TABLE mail_attempt_counts (
	outcome		TEXT PRIMARY KEY
			    CHECK (outcome IN ('sent', 'tempfail', 'permfail', 'unknown',
			    'interrupted')),
	count		INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
INSERT INTO mail_attempt_counts (outcome) VALUES
    ('sent'), ('tempfail'), ('permfail'), ('unknown'), ('interrupted');
