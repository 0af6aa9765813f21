-- The data dictionary checked against the warehouse's rows (a review of the real GDELT/UN News/ReliefWeb lake
-- and the demo's, 2026-12-02): descriptions that the data contradicted, rewritten to say what the columns hold.
COMMENT ON COLUMN indicator_runs.days_recomputed IS 'days with data (events, documents or curated events, old dates they refer to included) whose memberships and aggregates the run recomputed; the daily rows it wrote cover first_day to last_day for every region';
UPDATE dictionary_view_columns SET comment = 'days with data (events, documents or curated events, old dates they refer to included) whose memberships and aggregates the run recomputed; the daily rows it wrote cover first_day to last_day for every region'
WHERE view_name = 'v_indicator_runs' AND column_name = 'days_recomputed';
COMMENT ON COLUMN ingest_runs.status IS 'ok, failed, or not_modified (nothing new: HTTP 304 to a conditional GET, GDELT''s update list naming no file not yet loaded, or a complete UCDP release not asked for again)';
COMMENT ON COLUMN ingest_runs.http_status IS 'last HTTP status (200 also for an unchanged GDELT update list); NULL for a timeout or connection error, or when nothing was asked (a complete UCDP release)';
COMMENT ON COLUMN alert_evidence.relevance IS 'why it supports the claim (docs/indicators.md, "Evidence"): conflict event, reports conflict, source of a conflict event, cooperation event, dialogue event, reports dialogue; a curated event says its dataset and fatalities (''UCDP Candidate: 3 fatalities (low 1, high 3)'')';
UPDATE dictionary_view_columns SET comment = 'why it supports the claim: conflict event, reports conflict, source of a conflict event, cooperation event, dialogue event, reports dialogue; a curated event says its dataset and fatalities (''UCDP Candidate: 3 fatalities (low 1, high 3)'')'
WHERE view_name = 'v_alert_evidence' AND column_name = 'relevance';
COMMENT ON COLUMN alert_evidence.url IS 'the report (NULL for a curated event: its sources are named in publisher)';
UPDATE dictionary_view_columns SET comment = 'the report (NULL for a curated event: its sources are named in publisher)'
WHERE view_name = 'v_alert_evidence' AND column_name = 'url';
COMMENT ON COLUMN alert_evidence.publisher IS 'a document''s publisher, the host of an event''s source URL, or a curated event''s dataset with the sources it cites (''ACLED (Reuters; Local radio)'')';
UPDATE dictionary_view_columns SET comment = 'the document''s publisher, the host of the event''s source URL, or a curated event''s dataset with the sources it cites (''ACLED (Reuters; Local radio)'')'
WHERE view_name = 'v_alert_evidence' AND column_name = 'publisher';
COMMENT ON COLUMN alert_evidence.score IS 'ranking score: mentions for events, mentions of the region for documents, best fatality estimate for curated events';
UPDATE dictionary_view_columns SET comment = 'ranking score: mentions for events, mentions of the region for documents, best fatality estimate for curated events'
WHERE view_name = 'v_alert_evidence' AND column_name = 'score';
COMMENT ON COLUMN alert_evidence.title IS 'document title, a description of the coded event (actors and CAMEO description), or a curated event''s conflict or event type with its notes (else its actors)';
UPDATE dictionary_view_columns SET comment = 'document title, a description of the coded event (actors and CAMEO description), or a curated event''s conflict or event type with its notes (else its actors)'
WHERE view_name = 'v_alert_evidence' AND column_name = 'title';
COMMENT ON COLUMN document_places.matched_term IS 'the word in the title or summary that matched (the evidence), or ''coded:<ISO3>'' for a country the source itself tagged the report with (ReliefWeb''s country field), which the text need not name';
COMMENT ON COLUMN documents.publisher IS 'the source''s publisher; for a ReliefWeb API report, the organisations ReliefWeb credits with it (''UNHCR; MSF'')';
COMMENT ON COLUMN alerts.alert_id IS 'the first 16 hex digits of md5(region_id|day|kind): stable across versions';
COMMENT ON COLUMN alerts_current.alert_id IS 'the first 16 hex digits of md5(region_id|day|kind): stable across versions';
COMMENT ON COLUMN curated_events.licence IS 'the source entry''s license when sources.yaml sets one, else the dataset''s terms';
COMMENT ON COLUMN curated_event_versions.licence IS 'the source entry''s license when sources.yaml sets one, else the dataset''s terms';
UPDATE dictionary_view_columns SET comment = 'the source entry''s license when sources.yaml sets one, else the dataset''s terms'
WHERE view_name IN ('v_curated_events', 'v_curated_daily') AND column_name = 'licence';
COMMENT ON COLUMN events.action_geo_type IS '0 no place, 1 country, 2 US state, 3 US city, 4 world city, 5 world state (ADM1)';
COMMENT ON COLUMN cameo_codes.base_code IS 'the 3-digit base code (the 2-digit root for a root code)';
COMMENT ON COLUMN region_daily.conflict_share IS '(verbal + material conflict) / counted events, rounded to 6 decimals';
COMMENT ON COLUMN region_daily_current.conflict_share IS '(verbal + material conflict) / counted events, rounded to 6 decimals';
UPDATE dictionary_view_columns SET comment = '(verbal + material conflict) / events_total, rounded to 6 decimals, 0 without events'
WHERE view_name = 'v_region_daily' AND column_name = 'conflict_share';
-- Rules revision 23 (docs/indicators.md, "Noise controls"): an event whose source is a site's listing page does
-- not count.
COMMENT ON COLUMN event_regions.counted IS 'passes the evidence filter (root event, sources, mentions, not a reference to a past day, not from a site''s listing page)';
