-- A run that recomputes anything also recomputes the stored partial days after $through (their events are
-- still arriving): their event columns are stored NULL, so only their events say whether they still hold data
-- and belong to the span (indicators_grid.sql.j2). A run with nothing else to recompute, whose stored grid is
-- whole, leaves them (indicators_stored_span.sql). Missing days up to $through (too few update files) are not
-- re-added here: they lie inside the span, and change only when their events come (a new run's days) or their
-- files do (indicators_days_status.sql), so an outage is not recomputed by every 15-minute run.
INSERT INTO ind_days
SELECT DISTINCT day FROM ind_stored
WHERE region_id IN (SELECT region_id FROM ind_regions)
  AND events_total IS NULL
  AND coalesce(day > $through::DATE, true)
  AND day NOT IN (SELECT day FROM ind_days)
