-- Per source: last success, last error, documents stored.
SELECT s.source_id,
       s.kind,
       s.enabled,
       max(r.started_at) FILTER (WHERE r.status IN ('ok', 'not_modified')) AS last_success,
       max(r.started_at) FILTER (WHERE r.status = 'failed')               AS last_failure,
       arg_max(r.error, r.started_at) FILTER (WHERE r.status = 'failed')   AS last_error,
       (SELECT count(*) FROM documents d WHERE d.source_id = s.source_id)  AS documents
FROM sources s
LEFT JOIN ingest_runs r USING (source_id)
GROUP BY ALL
ORDER BY s.source_id
