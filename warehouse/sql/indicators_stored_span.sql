-- For an incremental run with no day to recompute: the span of the stored days with data (counted events or
-- documents, or partial) of the configured regions, and whether every region has a stored row on every day of it and none
-- outside it. Only then does the run change nothing (indicators_grid.sql.j2 would rebuild that same grid, a
-- grid day without a stored row would be written and a stored row outside it withdrawn), so
-- warehouse.indicators records the run and stops.
WITH mine AS (
    SELECT * FROM ind_stored WHERE region_id IN (SELECT region_id FROM ind_regions)
),
span AS (  -- a partial day (event columns NULL) counts: its events are unknown here (indicators_days_partial.sql)
    SELECT min(day) AS lo, max(day) AS hi FROM mine WHERE events_total IS NULL OR events_total > 0 OR documents > 0
)
SELECT lo, hi,
       NOT EXISTS (SELECT 1 FROM mine WHERE lo IS NULL OR day NOT BETWEEN lo AND hi)
       AND (lo IS NULL OR (SELECT count(DISTINCT (region_id, day)) FROM mine WHERE day BETWEEN lo AND hi)
                          = (SELECT count(*) FROM ind_regions) * (date_diff('day', lo, hi) + 1)) AS complete
FROM span
