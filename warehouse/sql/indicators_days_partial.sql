-- A run that recomputes anything also recomputes the stored partial days (their events are still arriving):
-- their event columns are stored NULL, so only their events say whether they still hold data and belong to
-- the span (indicators_grid.sql.j2). A run with nothing else to recompute, whose stored grid is whole, leaves
-- them (indicators_stored_span.sql).
INSERT INTO ind_days
SELECT DISTINCT day FROM ind_stored
WHERE region_id IN (SELECT region_id FROM ind_regions)
  AND events_total IS NULL
  AND day NOT IN (SELECT day FROM ind_days)
