-- GDELT update files loaded per day (docs/indicators.md, "Partial days"): a day with fewer than
-- $min_day_files of them is missing, not calm; indicators_grid.sql.j2 and indicators_days_status.sql treat it
-- like a partial day (event columns NULL, no test). Only when any file is recorded at all: events written by
-- other means (tests, benchmarks) have no file records, and every day of theirs counts as covered.
CREATE OR REPLACE TEMP TABLE ind_event_files AS
SELECT CAST(file_ts AS DATE) AS day, count(DISTINCT file_ts) AS files
FROM gdelt_files
WHERE file_ts IS NOT NULL
GROUP BY ALL
