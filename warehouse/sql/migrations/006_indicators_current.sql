-- Indicators: current versions as plain tables, and partial days (docs/indicators.md).
--
-- 1. region_daily_current / alerts_current hold the latest version of every region_daily /
--    alerts row (one row per (region_id, day) / alert_id). warehouse.indicators writes them in
--    the same transaction as the history rows, so they always equal "the row with the largest
--    as_of" of the history; the v_* views read them instead of ranking the whole history with a
--    window function. The history tables and the *_as_of macros are unchanged.
-- 2. Event-based columns of region_daily are NULL on days the event feed has not finished yet
--    (after indicator_runs.events_through), so their NOT NULL constraints go.
-- Every TIMESTAMP is UTC.

ALTER TABLE region_daily ALTER COLUMN events_total DROP NOT NULL;
ALTER TABLE region_daily ALTER COLUMN verbal_coop DROP NOT NULL;
ALTER TABLE region_daily ALTER COLUMN material_coop DROP NOT NULL;
ALTER TABLE region_daily ALTER COLUMN verbal_conflict DROP NOT NULL;
ALTER TABLE region_daily ALTER COLUMN material_conflict DROP NOT NULL;
ALTER TABLE region_daily ALTER COLUMN conflict_share DROP NOT NULL;
ALTER TABLE region_daily ALTER COLUMN dialogue_events DROP NOT NULL;
ALTER TABLE region_daily ALTER COLUMN tension_index DROP NOT NULL;

-- the last day whose events the computation treated as complete (NULL: runs before this migration)
ALTER TABLE indicator_runs ADD COLUMN events_through DATE;

-- Same columns, in the same order, as region_daily (so v_region_daily keeps its columns).
CREATE TABLE region_daily_current AS
SELECT * FROM region_daily
QUALIFY row_number() OVER (PARTITION BY region_id, day ORDER BY as_of DESC) = 1;
ALTER TABLE region_daily_current ADD PRIMARY KEY (region_id, day);
ALTER TABLE region_daily_current ALTER COLUMN as_of SET NOT NULL;

-- Same columns as alerts, latest version of every alert_id, withdrawn ones included (status).
CREATE TABLE alerts_current AS
SELECT * FROM alerts
QUALIFY row_number() OVER (PARTITION BY alert_id ORDER BY as_of DESC) = 1;
ALTER TABLE alerts_current ADD PRIMARY KEY (alert_id);
ALTER TABLE alerts_current ALTER COLUMN as_of SET NOT NULL;
ALTER TABLE alerts_current ALTER COLUMN status SET NOT NULL;

CREATE OR REPLACE VIEW v_region_daily AS
SELECT * FROM region_daily_current
WHERE region_id IN (SELECT region_id FROM regions);

CREATE OR REPLACE VIEW v_alert_evidence AS
SELECT e.* FROM alert_evidence e
JOIN (SELECT alert_id, as_of FROM alerts_current) a USING (alert_id, as_of);

CREATE OR REPLACE VIEW v_alerts AS
SELECT l.* EXCLUDE (status),
       (SELECT list({'rank': e.rank, 'item_type': e.item_type, 'item_id': e.item_id, 'url': e.url,
                     'publisher': e.publisher, 'day': e.day, 'title': e.title, 'score': e.score} ORDER BY e.rank)
        FROM alert_evidence e WHERE e.alert_id = l.alert_id AND e.as_of = l.as_of) AS evidence
FROM alerts_current l
WHERE l.status = 'active';
