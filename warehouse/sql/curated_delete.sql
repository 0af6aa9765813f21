-- An ACLED deleted-events page (registered as cur_deleted_ids: event_id, deleted_timestamp): each listed event
-- still in curated_events gets a version marked deleted (its last content, kept queryable, with the deletion's
-- time as its source_timestamp) and leaves curated_events, so the indicators no longer count it. An id not (or
-- no longer) present is ignored, and so is a deletion older than the event's current version (ACLED
-- re-published it after deleting it). Returns how many left.
CREATE OR REPLACE TEMP TABLE cur_gone AS
SELECT c.* REPLACE (coalesce(d.deleted_timestamp, c.source_timestamp) AS source_timestamp)
FROM curated_events c
JOIN cur_deleted_ids d ON d.event_id = c.event_id
WHERE NOT coalesce(d.deleted_timestamp < c.source_timestamp, false);

INSERT INTO curated_event_versions BY NAME
SELECT * EXCLUDE (version, run_id, landing_file, seen_at), version + 1 AS version, true AS deleted,
       $run_id AS run_id, $landing_file AS landing_file, $seen_at AS seen_at
FROM cur_gone;

DELETE FROM curated_events WHERE event_id IN (SELECT event_id FROM cur_gone);

SELECT count(*) FROM cur_gone
