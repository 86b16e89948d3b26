-- pg/0002-attempt-counts.sql: the five attempt counters SQLite's 0012
-- creates with its table, which pg/0001 left out: the mailer raises them
-- with an UPDATE, so without their rows PostgreSQL counted nothing and
-- /metrics listed no npsd_mail_attempts_total.

INSERT INTO mail_attempt_counts (outcome) VALUES
    ('sent'), ('tempfail'), ('permfail'), ('unknown'), ('interrupted')
    ON CONFLICT (outcome) DO NOTHING;
