-- Rules revision 24 (docs/indicators.md, "Curated data"): a UCDP event in international waters or airspace
-- (where_prec 7), which UCDP places where it happened on the water, matches a region's boxes as a place does:
-- the boxes drawn over seas, straits and lakes are there for such events. On the real UCDP GED sample, id 23893
-- (FRPI against civilians on Lake Albert off Irumu, 10 deaths) lies inside the Ituri box and was in no region.
-- The stored events follow the rule here; new ones get it at load (warehouse.curated.UCDP_IN_BOXES). Only the
-- rows that change are rewritten; the next indicators run recomputes every day (the rules revision is part of
-- the configuration hash), so curated_event_regions follows.
UPDATE curated_events SET below_country = true
WHERE dataset <> 'acled' AND NOT below_country AND geo_precision = 7;
UPDATE curated_event_versions SET below_country = true
WHERE dataset <> 'acled' AND NOT below_country AND geo_precision = 7;

COMMENT ON COLUMN curated_events.below_country IS 'located to a place or district (ACLED 1-2, UCDP 1-3), to a linear feature or named area (UCDP 5: a front line, a border) or on international waters (UCDP 7), not only to a province or the country: only these match a region''s boxes';
COMMENT ON COLUMN curated_event_versions.below_country IS 'located to a place or district (ACLED 1-2, UCDP 1-3), to a linear feature or named area (UCDP 5: a front line, a border) or on international waters (UCDP 7), not only to a province or the country: only these match a region''s boxes';
UPDATE dictionary_view_columns SET comment = 'located to a place or district (ACLED 1-2, UCDP 1-3), to a linear feature or named area (UCDP 5: a front line, a border) or on international waters (UCDP 7), not only to a province or the country: only these match a region''s boxes'
WHERE view_name = 'v_curated_events' AND column_name = 'below_country';

-- re-flagged rows keep the hash of their old flag (as after 015 and 018)
COMMENT ON COLUMN curated_events.content_hash IS 'of the columns below (the ids, release and licence excluded) as loaded: rows whose below_country a migration re-set (015, 018, 024) keep their old hash, and a reload compares the columns themselves';
COMMENT ON COLUMN curated_event_versions.content_hash IS 'of the columns below (the ids, release and licence excluded) as loaded: rows whose below_country a migration re-set (015, 018, 024) keep their old hash, and a reload compares the columns themselves';
UPDATE dictionary_view_columns SET comment = 'of the columns below (the ids, release and licence excluded) as loaded: rows whose below_country a migration re-set (015, 018, 024) keep their old hash, and a reload compares the columns themselves'
WHERE view_name = 'v_curated_events' AND column_name = 'content_hash';

-- a real-data audit summed curated_event_regions by day and found a month-dated event's deaths on its first day
COMMENT ON COLUMN curated_event_regions.day IS 'curated_events.event_date; an event dated only to a month or a year (ACLED time_precision 3, UCDP date_prec 4-5) has its first day here but is counted on no day (v_curated_daily and v_region_daily leave it out): join curated_events and filter on date_precision before summing by day';
