-- GDELT update files loaded per day (docs/indicators.md, "Partial days"): a day with fewer than
-- $min_day_files of them is missing, not calm; indicators_grid.sql.j2 and indicators_days_status.sql treat it
-- like a partial day (event columns NULL, no test) through the one rule below, ind_day_missing(day). Only when
-- any file is recorded at all: events written by other means (tests, benchmarks) have no file records, and every
-- day of theirs counts as covered.
CREATE OR REPLACE TEMP TABLE ind_event_files AS
SELECT CAST(file_ts AS DATE) AS day, count(DISTINCT file_ts) AS files
FROM gdelt_files
WHERE file_ts IS NOT NULL
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE ind_event_feed AS
SELECT (SELECT count(*) FROM ind_event_files) > 0 AS has_files, CAST($min_day_files AS INTEGER) AS min_files;

CREATE OR REPLACE TEMP MACRO ind_day_missing(d) AS (
    (SELECT has_files FROM ind_event_feed)
    AND coalesce((SELECT files FROM ind_event_files f WHERE f.day = d), 0) < (SELECT min_files FROM ind_event_feed)
)
