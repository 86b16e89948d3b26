-- 0009-unsurveyable.sql: an authentic close that cannot be surveyed (no
-- usable requester address) is recorded like any close and skipped with a
-- named reason; detail says which field made it so (never a value), for
-- `npsctl survey show`. The closings index lets that command show what
-- was recorded for one ticket without reading the whole table.

ALTER TABLE deliveries ADD COLUMN detail TEXT;
CREATE INDEX closings_ticket ON closings (source, ticket_id);
