-- Rules revision 20 (docs/indicators.md, "Coverage"): on a day whose event numbers are unknown (too few of its
-- GDELT update files, or after the last loaded one) a dyad's coverage is NULL, like its counts: it read
-- 'observed' on such days (on the real GDELT export, the 84 days after the one loaded day, with no event data at
-- all). The indicators recompute by themselves (the rules revision is part of their configuration hash).
COMMENT ON COLUMN region_daily.coverage IS 'dyadic: ''observed'' or ''no coverage''; NULL for internal regions and on days whose event numbers are unknown';
COMMENT ON COLUMN region_daily_current.coverage IS 'dyadic: ''observed'' or ''no coverage''; NULL for internal regions and on days whose event numbers are unknown';
UPDATE dictionary_view_columns SET comment = 'dyadic: ''observed'' or ''no coverage''; NULL for internal regions and on days whose event numbers are unknown'
WHERE view_name = 'v_dyad_daily' AND column_name = 'coverage';
UPDATE dictionary_view_columns SET comment = 'dyadic regions: observed (dialogue seen in the dispersion window, or sources of both sides reporting in the last 7 days) or no coverage; NULL for internal regions and on days whose event numbers are unknown'
WHERE view_name = 'v_region_daily' AND column_name = 'coverage';
