-- Per source: last success, last error, documents and events stored.
SELECT s.source_id,
       s.kind,
       s.enabled,
       date_trunc('second', max(r.started_at) FILTER (WHERE r.status IN ('ok', 'not_modified'))) AS last_success,
       date_trunc('second', max(r.started_at) FILTER (WHERE r.status = 'failed'))               AS last_failure,
       arg_max(r.error, r.started_at) FILTER (WHERE r.status = 'failed')   AS last_error,
       (SELECT count(*) FROM documents d WHERE d.source_id = s.source_id)  AS documents,
       (SELECT coalesce(sum(g.rows_new), 0) FROM gdelt_files g JOIN ingest_runs gr USING (run_id)
         WHERE gr.source_id = s.source_id)                                 AS events
FROM sources s
LEFT JOIN ingest_runs r USING (source_id)
GROUP BY ALL
ORDER BY s.source_id
