-- Rules revision 15 (docs/indicators.md, "Curated data"): a UCDP event located to a linear feature or a named area
-- (where_prec 5: "Line of Contact", "Nagorno-Karabakh", a border), which UCDP places on the feature or at the
-- area's centre, matches a region's boxes as a place does: on the real UCDP GED sample, the first day of the 2020
-- Karabakh war (id 376126) and two 1990s Karabakh clashes had no province and no state on the Artsakh side, so armenia-azerbaijan showed
-- a stated zero for them. A province at its centroid (4) still matches no box (migration 015).
-- The stored events follow the rule here; new ones get it at load (warehouse.curated.UCDP_IN_BOXES).
-- Only the rows that change are rewritten (a lake rewrites the files of every row an UPDATE touches).
UPDATE curated_events SET below_country = true
WHERE dataset <> 'acled' AND NOT below_country AND geo_precision = 5;
UPDATE curated_event_versions SET below_country = true
WHERE dataset <> 'acled' AND NOT below_country AND geo_precision = 5;

COMMENT ON COLUMN curated_events.below_country IS 'located to a place or district (ACLED 1-2, UCDP 1-3) or to a linear feature or named area (UCDP 5: a front line, a border), not only to a province or the country: only these match a region''s boxes';
COMMENT ON COLUMN curated_event_versions.below_country IS 'located to a place or district (ACLED 1-2, UCDP 1-3) or to a linear feature or named area (UCDP 5: a front line, a border), not only to a province or the country: only these match a region''s boxes';
UPDATE dictionary_view_columns SET comment = 'located to a place or district (ACLED 1-2, UCDP 1-3) or to a linear feature or named area (UCDP 5: a front line, a border), not only to a province or the country: only these match a region''s boxes'
WHERE view_name = 'v_curated_events' AND column_name = 'below_country';

-- stored rows re-flagged here and by 015 keep the hash of their old flag: a reload compares the columns themselves
COMMENT ON COLUMN curated_events.content_hash IS 'of the columns below (the ids, release and licence excluded) as loaded: rows whose below_country a migration re-set (015, 018) keep their old hash, and a reload compares the columns themselves';
COMMENT ON COLUMN curated_event_versions.content_hash IS 'of the columns below (the ids, release and licence excluded) as loaded: rows whose below_country a migration re-set (015, 018) keep their old hash, and a reload compares the columns themselves';
UPDATE dictionary_view_columns SET comment = 'of the columns below (the ids, release and licence excluded) as loaded: rows whose below_country a migration re-set (015, 018) keep their old hash, and a reload compares the columns themselves'
WHERE view_name = 'v_curated_events' AND column_name = 'content_hash';

-- the dictionary said less than the tables hold
COMMENT ON COLUMN alert_evidence.item_type IS 'event, document or curated_event (an ACLED or UCDP event of the region in the test window, not counted in corroboration)';
UPDATE dictionary_view_columns SET comment = 'dyadic regions: observed (dialogue seen in the dispersion window, or sources of both sides reporting in the last 7 days) or no coverage, NULL for internal regions'
WHERE view_name = 'v_region_daily' AND column_name = 'coverage';
