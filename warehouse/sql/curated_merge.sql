-- One landed page of curated events (registered as cur_stage, one row per event_id) merged into
-- curated_event_versions / curated_events: a new event is version 1, changed content the next version,
-- the same content again nothing. The last statement returns (new, updated).
CREATE OR REPLACE TEMP TABLE cur_changes AS
SELECT s.*,
       coalesce(v.last_version, 0) + 1 AS version,
       c.event_id IS NULL AS is_new
FROM cur_stage s
LEFT JOIN curated_events c ON c.event_id = s.event_id
LEFT JOIN (SELECT event_id, max(version) AS last_version FROM curated_event_versions
           WHERE event_id IN (SELECT event_id FROM cur_stage) GROUP BY event_id) v ON v.event_id = s.event_id
WHERE c.event_id IS NULL OR c.content_hash <> s.content_hash;

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
