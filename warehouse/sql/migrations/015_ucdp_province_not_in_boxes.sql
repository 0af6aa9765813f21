-- UCDP events located only to a first-order unit (where_prec 4: a province or governorate, placed at its
-- centroid) no longer match a region's boxes, as ACLED's region-level events (geo_precision 3) never did: on the
-- real UCDP GED sample, three Syrian government-insurgent clashes located only to Quneitra governorate sat at its
-- centroid inside the Golan Heights box and counted as Israel-Iran fatalities (docs/indicators.md, "Curated data").
-- The stored events follow the rule here; new ones get it at load (warehouse.curated.UCDP_BELOW_COUNTRY).
-- Only the rows that change are rewritten (a lake rewrites the files of every row an UPDATE touches).
UPDATE curated_events SET below_country = false
WHERE dataset <> 'acled' AND below_country AND NOT coalesce(geo_precision <= 3, false);
UPDATE curated_event_versions SET below_country = false
WHERE dataset <> 'acled' AND below_country AND NOT coalesce(geo_precision <= 3, false);

COMMENT ON COLUMN curated_events.below_country IS 'located to a place or district (ACLED 1-2, UCDP 1-3), not only to a province or the country: only these match a region''s boxes';
COMMENT ON COLUMN curated_event_versions.below_country IS 'located to a place or district (ACLED 1-2, UCDP 1-3), not only to a province or the country: only these match a region''s boxes';
UPDATE dictionary_view_columns SET comment = 'located to a place or district (ACLED 1-2, UCDP 1-3), not only to a province or the country: only these match a region''s boxes'
WHERE view_name = 'v_curated_events' AND column_name = 'below_country'
