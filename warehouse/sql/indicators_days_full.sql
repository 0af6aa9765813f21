-- Full run: every day with events, documents or curated events.
CREATE OR REPLACE TEMP TABLE ind_days AS
SELECT DISTINCT event_date AS day FROM events
UNION
SELECT DISTINCT published_at::DATE FROM documents WHERE published_at IS NOT NULL
UNION
SELECT DISTINCT event_date FROM curated_events
