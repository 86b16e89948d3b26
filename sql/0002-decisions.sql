-- 0002-decisions.sql: every intake decision keeps its ticket and reason
-- (npsctl survey show), a cancelled survey keeps why, and requesters are
-- looked up by address for cooldown and caps.

ALTER TABLE deliveries ADD COLUMN ticket_id TEXT;
ALTER TABLE deliveries ADD COLUMN reason TEXT;
CREATE INDEX deliveries_ticket ON deliveries (source, ticket_id);

ALTER TABLE surveys ADD COLUMN reason TEXT;
CREATE INDEX surveys_requester ON surveys (lower(requester_email), sent_at);
