-- 0004-answer-versions.sql: every answer a person sends is kept, in order;
-- answers holds the latest, which the reports use.

CREATE TABLE answer_versions (
	id		INTEGER PRIMARY KEY,
	survey		INTEGER NOT NULL REFERENCES surveys(id),
	score		INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
	comment		TEXT,
	at		INTEGER NOT NULL
);
CREATE INDEX answer_versions_survey ON answer_versions (survey, id);
INSERT INTO answer_versions (survey, score, comment, at)
    SELECT survey, score, comment, updated_at FROM answers;
