-- Incremental run: days touched by fetches loaded after the watermark ($since): the dates of their
-- events, every publication date any version of their documents had (an edit can move a story), and every
-- date any version of their curated events had (a revision can move an event; a deletion removes one).
CREATE OR REPLACE TEMP TABLE ind_days AS
WITH runs AS (SELECT run_id FROM ingest_runs WHERE loaded_at > $since)
SELECT DISTINCT event_date AS day FROM events WHERE run_id IN (SELECT run_id FROM runs)
UNION
SELECT DISTINCT published_at::DATE FROM document_versions
WHERE published_at IS NOT NULL
  AND doc_id IN (SELECT doc_id FROM document_versions WHERE run_id IN (SELECT run_id FROM runs))
UNION
SELECT DISTINCT event_date FROM curated_event_versions
WHERE event_id IN (SELECT event_id FROM curated_event_versions WHERE run_id IN (SELECT run_id FROM runs))
