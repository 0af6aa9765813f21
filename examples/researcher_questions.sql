-- Researcher questions on the tracktwo warehouse, for the DuckDB shell: `tracktwo shell` (or
-- `.venv/bin/tracktwo --data-dir data/demo shell`), then `.read examples/researcher_questions.sql`.
-- The same questions as examples/researcher_questions.ipynb; `make test` runs both on the demo warehouse.
-- Every time is UTC.

-- 1. Tension and its change in a region, last two weeks
SELECT day, tension_index, tension_change, conflict_incidents, acled_fatalities, ucdp_fatalities
FROM v_region_daily WHERE region_id = 'russia-ukraine'
ORDER BY day DESC LIMIT 14;

-- 2. Active alerts of the last week, with the evidence and sources behind each
SELECT a.region_id, a.day, a.kind, a.severity, a.corroboration, a.curated_support,
       e.rank, e.item_type, e.item_id, e.publisher, e.url, e.title
FROM v_alerts a JOIN v_alert_evidence e USING (alert_id)
WHERE a.day >= (SELECT max(day) FROM v_alerts) - 6
ORDER BY a.day DESC, a.severity DESC, a.alert_id, e.rank;

-- 3. Who is reporting: the balance of perspectives behind the week's documents
SELECT region_id, perspective, count(*) AS documents, count(DISTINCT publisher) AS publishers
FROM v_region_documents
WHERE published_at >= (SELECT max(published_at) FROM v_region_documents) - INTERVAL 7 DAY
GROUP BY ALL ORDER BY region_id, documents DESC;

-- 4. Official dialogue per dyad over the last week, and whether it can be seen at all (coverage)
SELECT region_id, side_a, side_b, sum(dialogue_events) AS dialogue_events,
       sum(dialogue_documents) AS dialogue_documents, any_value(coverage ORDER BY day DESC) AS coverage
FROM v_dyad_daily
WHERE day > (SELECT max(day) FROM v_dyad_daily) - 7
GROUP BY ALL ORDER BY dialogue_events DESC;

-- 5. Fatalities in the curated datasets (known days only: unknown is not zero), with their licences
SELECT region_id, dataset, count(DISTINCT day) AS days_with_events, sum(events) AS events,
       sum(fatalities_best) AS fatalities, any_value(licence) AS licence
FROM v_curated_daily GROUP BY ALL ORDER BY fatalities DESC;

-- 6. What changed since the first indicator run (paste the as-of a dashboard, digest or export printed instead):
-- IS DISTINCT FROM, not <>: a value that was NULL then (a day not yet complete) is a change
SELECT b.region_id, b.day, b.tension_index AS then_index, n.tension_index AS now_index
FROM region_daily_as_of((SELECT min(as_of) FROM v_indicator_runs)) b JOIN v_region_daily n USING (region_id, day)
WHERE b.tension_index IS DISTINCT FROM n.tension_index
ORDER BY b.region_id, b.day;

-- ... and the alerts that were active then, with the evidence they cited
SELECT region_id, day, kind, severity, evidence
FROM alerts_as_of((SELECT min(as_of) FROM v_indicator_runs)) ORDER BY day DESC;
