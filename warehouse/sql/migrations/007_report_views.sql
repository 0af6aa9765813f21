-- Views the reports (dashboard, digest, `tracktwo status`) read, so that they read only
-- documented views, never raw tables. Documented in docs/warehouse.md.

-- Per configured source: freshness and the last error (what each kind stores is its own
-- status query, tracktwo.pipeline.kinds).
CREATE VIEW v_source_status AS
SELECT s.source_id, s.kind, s.publisher, s.perspective, s.enabled,
       max(r.started_at) FILTER (WHERE r.status IN ('ok', 'not_modified')) AS last_success,
       max(r.started_at) FILTER (WHERE r.status = 'failed')               AS last_failure,
       arg_max(r.error, r.started_at) FILTER (WHERE r.status = 'failed')  AS last_error,
       count(r.run_id)                                                     AS fetches,
       count(r.run_id) FILTER (WHERE r.status = 'failed')                  AS failed_fetches
FROM sources s
LEFT JOIN ingest_runs r USING (source_id)
GROUP BY ALL;

-- Documents matched to a region by the gazetteer (document_places), one row per region and document.
CREATE VIEW v_region_documents AS
SELECT p.region_id, d.doc_id, d.source_id, d.publisher,
       coalesce(d.perspective, s.perspective) AS perspective,
       d.title, d.url, d.published_at, d.fetched_at, p.mentions
FROM (SELECT place_id AS region_id, doc_id, sum(mentions) AS mentions
      FROM document_places WHERE place_type = 'region' GROUP BY ALL) p
JOIN documents d USING (doc_id)
LEFT JOIN sources s USING (source_id);

-- One row per indicator computation (what as_of a report's numbers come from).
CREATE VIEW v_indicator_runs AS
SELECT as_of, mode, days_recomputed, first_day, last_day, rows_written, alerts_written, loaded_through,
       config_hash, seconds, events_through
FROM indicator_runs;
