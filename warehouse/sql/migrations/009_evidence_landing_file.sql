-- Every evidence item names the stored copy it was read from (the landed payload, relative to the data folder),
-- so a claim can be checked against the exact bytes fetched, even after the source edits or removes its page.
-- A document or curated event: the version current at the alert's computation (its first version when every
-- version was loaded later, as after a rebuild). A GDELT event is never revised: its one file.
CREATE OR REPLACE MACRO evidence_landing_file(item_type, item_id, computed_at) AS
CASE item_type
    WHEN 'event' THEN (SELECT v.landing_file FROM events v WHERE v.event_id = item_id)
    WHEN 'document' THEN (
        SELECT coalesce(arg_max(v.landing_file, v.version) FILTER (WHERE v.seen_at <= computed_at),
                        arg_min(v.landing_file, v.version))
        FROM document_versions v WHERE v.doc_id = item_id)
    WHEN 'curated_event' THEN (
        SELECT coalesce(arg_max(v.landing_file, v.version) FILTER (WHERE v.seen_at <= computed_at),
                        arg_min(v.landing_file, v.version))
        FROM curated_event_versions v WHERE v.event_id = item_id)
END;

CREATE OR REPLACE VIEW v_alert_evidence AS
SELECT e.*, evidence_landing_file(e.item_type, e.item_id, e.as_of) AS landing_file
FROM alert_evidence e
JOIN (SELECT alert_id, as_of FROM alerts_current) a USING (alert_id, as_of);

CREATE OR REPLACE VIEW v_alerts AS
SELECT l.* EXCLUDE (status) REPLACE (l.severity::ENUM('low', 'medium', 'high') AS severity),
       (SELECT list({'rank': e.rank, 'item_type': e.item_type, 'item_id': e.item_id, 'relevance': e.relevance,
                     'url': e.url, 'publisher': e.publisher, 'day': e.day, 'title': e.title, 'score': e.score,
                     'landing_file': evidence_landing_file(e.item_type, e.item_id, e.as_of)}
                    ORDER BY e.rank)
        FROM alert_evidence e WHERE e.alert_id = l.alert_id AND e.as_of = l.as_of) AS evidence
FROM alerts_current l
WHERE l.status = 'active';

CREATE OR REPLACE MACRO alerts_as_of(t) AS TABLE
SELECT a.* EXCLUDE (status) REPLACE (a.severity::ENUM('low', 'medium', 'high') AS severity),
       (SELECT list({'rank': e.rank, 'item_type': e.item_type, 'item_id': e.item_id, 'relevance': e.relevance,
                     'url': e.url, 'publisher': e.publisher, 'day': e.day, 'title': e.title, 'score': e.score,
                     'landing_file': evidence_landing_file(e.item_type, e.item_id, e.as_of)}
                    ORDER BY e.rank)
        FROM alert_evidence e WHERE e.alert_id = a.alert_id AND e.as_of = a.as_of) AS evidence
FROM (
    SELECT * FROM alerts WHERE as_of <= t
    QUALIFY row_number() OVER (PARTITION BY alert_id ORDER BY as_of DESC) = 1
) a
WHERE a.status = 'active';

COMMENT ON VIEW v_alert_evidence IS 'One row per evidence item of the current alerts.';
COMMENT ON VIEW v_alerts IS 'Active alerts with their evidence.';

DELETE FROM dictionary_view_columns WHERE (view_name = 'v_alert_evidence' AND column_name = 'landing_file')
    OR (view_name = 'v_alerts' AND column_name = 'evidence');
INSERT INTO dictionary_view_columns VALUES
    ('v_alert_evidence', 'landing_file', 'the stored copy it was read from: the landed payload (relative to the data folder) of the version current when the alert was computed'),
    ('v_alerts', 'evidence', '{rank, item_type, item_id, relevance, url, publisher, day, title, score, landing_file}, strongest first');
