-- Rules revision 21 (docs/indicators.md, "Incidents"): an incident's actor pair is unordered and "host a visit"
-- (043) is read as "make a visit" (042): GDELT codes one meeting as A visits B and B hosts A, one clash as A -> B
-- and B -> A; on the real export 246 of the 448 counted dialogue incidents (CAMEO roots 03-05) were one side of
-- such a pair (320 incidents now; all counted incidents: 1,134 before, 985 now). The indicators recompute by themselves (the rules revision is part of their hash).
COMMENT ON COLUMN event_regions.incident_id IS 'events sharing it are one incident: same day, actor pair (in either order), CAMEO code (043 "host a visit" read as 042 "make a visit") and place (a hash, compared within a day)';
COMMENT ON COLUMN region_daily.dialogue_incidents IS 'distinct incidents among dialogue_events (the same meeting coded from several articles, or from either side, counts once): what the dialogue tests count';
COMMENT ON COLUMN region_daily_current.dialogue_incidents IS 'distinct incidents among dialogue_events (the same meeting coded from several articles, or from either side, counts once): what the dialogue tests count';
UPDATE dictionary_view_columns SET comment = 'distinct incidents among dialogue_events (one meeting coded from several articles, or from either side, counts once): what the dialogue tests count'
WHERE view_name IN ('v_dyad_daily', 'v_region_daily') AND column_name = 'dialogue_incidents';
