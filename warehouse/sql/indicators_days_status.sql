-- Stored days whose partial state differs from the current rule (the feed has moved on, a missing day's
-- update files came in, or the rule's settings changed): recompute their aggregates from events. The rule is
-- indicators_grid.sql.j2's.
INSERT INTO ind_days
SELECT DISTINCT c.day FROM ind_stored c
WHERE c.region_id IN (SELECT region_id FROM ind_regions)
  AND (c.events_total IS NULL) <> (coalesce(c.day > $through::DATE, false) OR ind_day_missing(c.day))
  AND c.day NOT IN (SELECT day FROM ind_days)
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
