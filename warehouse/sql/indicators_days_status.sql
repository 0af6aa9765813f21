-- Stored days whose partial state differs from the current rule (the feed has moved on, or the rule's
-- setting changed): recompute their aggregates from events.
INSERT INTO ind_days
SELECT DISTINCT day FROM region_daily_current
WHERE region_id IN (SELECT region_id FROM ind_regions)
  AND (events_total IS NULL) <> coalesce(day > $through::DATE, false)
  AND day NOT IN (SELECT day FROM ind_days)
