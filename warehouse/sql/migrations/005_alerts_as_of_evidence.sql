-- alerts_as_of(t) returns each alert's evidence as it stood at t (the evidence rows written with that alert
-- version), like v_alerts does for the current one.
CREATE OR REPLACE MACRO alerts_as_of(t) AS TABLE
SELECT a.* EXCLUDE (status) REPLACE (a.severity::ENUM('low', 'medium', 'high') AS severity),
       (SELECT list({'rank': e.rank, 'item_type': e.item_type, 'item_id': e.item_id, 'relevance': e.relevance,
                     'url': e.url, 'publisher': e.publisher, 'day': e.day, 'title': e.title, 'score': e.score}
                    ORDER BY e.rank)
        FROM alert_evidence e WHERE e.alert_id = a.alert_id AND e.as_of = a.as_of) AS evidence
FROM (
    SELECT * FROM alerts WHERE as_of <= t
    QUALIFY row_number() OVER (PARTITION BY alert_id ORDER BY as_of DESC) = 1
) a
WHERE a.status = 'active';
