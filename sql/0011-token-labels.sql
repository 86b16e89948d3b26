-- 0011-token-labels.sql: an API token says whose it is (npsctl token
-- create --label), shown by npsctl token list.

ALTER TABLE api_tokens ADD COLUMN label TEXT NOT NULL DEFAULT '';
