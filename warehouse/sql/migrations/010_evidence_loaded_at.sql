-- An evidence item's stored copy is the version the alert's computation could read: loaded (ingest_runs.loaded_at)
-- by then. A document version's seen_at is its fetch's start, which can precede a load that committed after the
-- computation; the load time is what decides, for documents and curated events alike. When every version was
-- loaded later (after a rebuild, which reloads landing), the first version.
CREATE OR REPLACE MACRO evidence_landing_file(item_type, item_id, computed_at) AS
CASE item_type
    WHEN 'event' THEN (SELECT v.landing_file FROM events v WHERE v.event_id = item_id)
    WHEN 'document' THEN (
        SELECT coalesce(arg_max(v.landing_file, v.version) FILTER (WHERE r.loaded_at <= computed_at),
                        arg_min(v.landing_file, v.version))
        FROM document_versions v LEFT JOIN ingest_runs r ON r.run_id = v.run_id
        WHERE v.doc_id = item_id)
    WHEN 'curated_event' THEN (
        SELECT coalesce(arg_max(v.landing_file, v.version) FILTER (WHERE r.loaded_at <= computed_at),
                        arg_min(v.landing_file, v.version))
        FROM curated_event_versions v LEFT JOIN ingest_runs r ON r.run_id = v.run_id
        WHERE v.event_id = item_id)
END;
