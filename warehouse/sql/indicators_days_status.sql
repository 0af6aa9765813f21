-- Stored days whose partial state differs from the current rule (the feed has moved on, or the rule's
-- setting changed): recompute their aggregates from events.
INSERT INTO ind_days
SELECT DISTINCT day FROM ind_stored
WHERE region_id IN (SELECT region_id FROM ind_regions)
  AND (events_total IS NULL) <> coalesce(day > $through::DATE, false)
  AND day NOT IN (SELECT day FROM ind_days)
;

-- Stored days whose curated coverage differs from the current one (a dataset's new release reaches them, or
-- a source's countries changed): their curated columns go from unknown (NULL) to counted, or back.
INSERT INTO ind_days
SELECT DISTINCT c.day FROM ind_stored c
LEFT JOIN ind_curated_coverage v USING (region_id)
WHERE c.region_id IN (SELECT region_id FROM ind_regions)
  AND ((c.acled_events IS NULL) <> NOT coalesce(c.day BETWEEN v.acled_from AND v.acled_through, false)
       OR (c.ucdp_events IS NULL) <> NOT coalesce(c.day BETWEEN v.ucdp_from AND v.ucdp_through
                                                   AND NOT coalesce(c.day BETWEEN v.ucdp_gap_from AND v.ucdp_gap_to, false),
                                                   false))
  AND c.day NOT IN (SELECT day FROM ind_days)
