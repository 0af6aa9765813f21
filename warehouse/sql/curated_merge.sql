-- One landed page of curated events (registered as cur_stage, one row per event_id) merged into
-- curated_event_versions / curated_events. Against each event's latest version (a deletion included):
--   none yet: version 1;
--   a deletion: the event comes back only with a newer source_timestamp than the deletion's (ACLED
--     re-published it); an older or undated copy landed late does not undo the deletion;
--   a version: changed content is the next version, unless the staged copy is older than it (an ACLED page
--     loaded after a newer one: its older timestamp loses); the same content again is nothing.
-- UCDP rows have no timestamp: a later release's changed row is the next version. Returns (new, updated).
CREATE OR REPLACE TEMP TABLE cur_changes AS
WITH last AS (
    SELECT event_id, version, deleted, content_hash, source_timestamp
    FROM curated_event_versions
    WHERE event_id IN (SELECT event_id FROM cur_stage)
    QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY version DESC) = 1
)
SELECT s.*,
       coalesce(l.version, 0) + 1 AS version,
       l.event_id IS NULL AS is_new
FROM cur_stage s
LEFT JOIN last l ON l.event_id = s.event_id
WHERE l.event_id IS NULL
   OR (l.deleted AND coalesce(s.source_timestamp > l.source_timestamp, false))
   OR (NOT l.deleted AND l.content_hash <> s.content_hash
       AND NOT coalesce(s.source_timestamp < l.source_timestamp, false));

INSERT INTO curated_event_versions BY NAME
SELECT * EXCLUDE (is_new), false AS deleted, $source_id AS source_id, $run_id AS run_id,
       $landing_file AS landing_file, $seen_at AS seen_at
FROM cur_changes;

DELETE FROM curated_events WHERE event_id IN (SELECT event_id FROM cur_changes);

INSERT INTO curated_events BY NAME
SELECT * EXCLUDE (is_new), $source_id AS source_id, $run_id AS run_id, $landing_file AS landing_file,
       $seen_at AS seen_at
FROM cur_changes;

SELECT count(*) FILTER (is_new), count(*) FILTER (NOT is_new) FROM cur_changes
