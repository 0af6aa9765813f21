-- An ACLED deleted-events page (registered as cur_deleted_ids): each listed event still in curated_events
-- gets a version marked deleted (its last content, kept queryable) and leaves curated_events, so the
-- indicators no longer count it. An id not (or no longer) present is ignored. Returns how many left.
CREATE OR REPLACE TEMP TABLE cur_gone AS
SELECT * FROM curated_events WHERE event_id IN (SELECT event_id FROM cur_deleted_ids);

INSERT INTO curated_event_versions BY NAME
SELECT * EXCLUDE (version, run_id, landing_file, seen_at), version + 1 AS version, true AS deleted,
       $run_id AS run_id, $landing_file AS landing_file, $seen_at AS seen_at
FROM cur_gone;

DELETE FROM curated_events WHERE event_id IN (SELECT event_id FROM cur_gone);

SELECT count(*) FROM cur_gone
