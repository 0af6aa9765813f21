-- The data dictionary in the database (issue 16): a comment on every researcher table, view and table column
-- (`tracktwo describe` prints them, docs/dictionary.md is generated from them). DuckLake keeps no comments on
-- view columns: those are in dictionary_view_columns. Later migrations comment the columns they add.

-- key: (view_name, column_name). Descriptions of view columns (DuckLake comments tables and their columns only).
CREATE TABLE IF NOT EXISTS dictionary_view_columns (view_name VARCHAR NOT NULL, column_name VARCHAR NOT NULL, comment VARCHAR NOT NULL);
DELETE FROM dictionary_view_columns;  -- an early copy of this migration (numbered 006) filled it

COMMENT ON TABLE alert_evidence IS 'The evidence of each alert version (key alert_id, as_of, rank).';
COMMENT ON TABLE alerts IS 'Every version of every alert (key alert_id, as_of).';
COMMENT ON TABLE alerts_current IS 'The latest version of every alert.';
COMMENT ON TABLE cameo_codes IS 'CAMEO event codes (reference).';
COMMENT ON TABLE cameo_countries IS 'CAMEO actor countries -> ISO3 (reference).';
COMMENT ON TABLE curated_coverage IS 'Which region-days each curated series covers, at the last indicator run (key region_id).';
COMMENT ON TABLE curated_event_regions IS 'Region membership of curated events (key event_id, region_id).';
COMMENT ON TABLE curated_event_versions IS 'Every version of every ACLED / UCDP event, deletions included (key event_id, version).';
COMMENT ON TABLE curated_events IS 'The current version of every curated event still published (key event_id).';
COMMENT ON TABLE digest_log IS 'One row per attempt to deliver a weekly digest to one recipient.';
COMMENT ON TABLE document_aliases IS 'Other feed item ids of a story (key doc_id, item_key).';
COMMENT ON TABLE document_places IS 'The countries and regions each document names, with the matched term (the evidence).';
COMMENT ON TABLE document_versions IS 'Every version of every story (key doc_id, version).';
COMMENT ON TABLE documents IS 'One row per story per source: its current version (key doc_id).';
COMMENT ON TABLE event_regions IS 'Region membership of GDELT events, with the reason (key event_id, region_id).';
COMMENT ON TABLE events IS 'GDELT coded events (key event_id).';
COMMENT ON TABLE fips_countries IS 'FIPS 10-4 -> ISO3 (reference).';
COMMENT ON TABLE gdelt_files IS 'One row per GDELT export file loaded (key file_url, md5).';
COMMENT ON TABLE indicator_runs IS 'One row per indicator computation (key as_of).';
COMMENT ON TABLE ingest_runs IS 'One row per fetch of a source (key run_id): outcome, HTTP status, counts, errors.';
COMMENT ON TABLE lake_info IS 'Which lake this is (one row).';
COMMENT ON TABLE region_daily IS 'Every version of every region-day of indicators (key region_id, day, as_of).';
COMMENT ON TABLE region_daily_current IS 'The latest version of every region-day (what v_region_daily reads).';
COMMENT ON TABLE regions IS 'regions.yaml, mirrored (key region_id).';
COMMENT ON TABLE schema_migrations IS 'Applied migrations.';
COMMENT ON TABLE sources IS 'sources.yaml, mirrored (key source_id).';
COMMENT ON VIEW v_alert_evidence IS 'One row per evidence item of the current alerts.';
COMMENT ON VIEW v_alerts IS 'Active alerts with their evidence.';
COMMENT ON VIEW v_curated_daily IS 'Curated events and fatalities per region, day and dataset (aggregates).';
COMMENT ON VIEW v_curated_events IS 'Curated events with their regions and licence.';
COMMENT ON VIEW v_dyad_daily IS 'Dialogue per dyad (dyadic regions).';
COMMENT ON VIEW v_indicator_runs IS 'The indicator computations, for reports.';
COMMENT ON VIEW v_region_daily IS 'Indicators per region and day: the current version (docs/indicators.md).';
COMMENT ON VIEW v_region_documents IS 'Documents about a region, one row per region and document.';
COMMENT ON VIEW v_source_status IS 'Per configured source: freshness and the last error.';
COMMENT ON COLUMN alert_evidence.alert_id IS 'the alert version';
COMMENT ON COLUMN alert_evidence.as_of IS 'the alert version';
COMMENT ON COLUMN alert_evidence.rank IS '1 = strongest';
COMMENT ON COLUMN alert_evidence.item_type IS 'one of event, document';
COMMENT ON COLUMN alert_evidence.item_id IS 'events.event_id or documents.doc_id';
COMMENT ON COLUMN alert_evidence.relevance IS 'why it supports the claim (docs/indicators.md, "Evidence")';
COMMENT ON COLUMN alert_evidence.url IS 'the report';
COMMENT ON COLUMN alert_evidence.publisher IS 'a document''s publisher, or the host of an event''s source URL';
COMMENT ON COLUMN alert_evidence.day IS 'the item''s day';
COMMENT ON COLUMN alert_evidence.title IS 'document title, or a description of the coded event (actors and CAMEO description)';
COMMENT ON COLUMN alert_evidence.score IS 'ranking score (mentions for events, mentions of the region for documents)';
COMMENT ON COLUMN alerts.alert_id IS 'md5(region_id|day|kind), stable across versions';
COMMENT ON COLUMN alerts.as_of IS 'the computation that produced this version';
COMMENT ON COLUMN alerts.status IS 'one of active, withdrawn';
COMMENT ON COLUMN alerts.region_id IS 'where and when';
COMMENT ON COLUMN alerts.day IS 'where and when';
COMMENT ON COLUMN alerts.kind IS 'one of escalation, de-escalation, dialogue-gap, dialogue-opening';
COMMENT ON COLUMN alerts.severity IS 'one of low, medium, high (the views give it the ordered type)';
COMMENT ON COLUMN alerts.trigger IS 'the test that fired, e.g. ''conflict incidents, 2 days, upper tail''';
COMMENT ON COLUMN alerts.p_value IS 'of that test under the baseline''s negative binomial';
COMMENT ON COLUMN alerts.alpha IS 'the threshold it passed';
COMMENT ON COLUMN alerts.window_days IS 'days the test summed';
COMMENT ON COLUMN alerts.observed IS 'the sum over those days';
COMMENT ON COLUMN alerts.expected IS 'its baseline expectation';
COMMENT ON COLUMN alerts.tension_index IS 'the day''s values, from v_region_daily';
COMMENT ON COLUMN alerts.tension_change IS 'the day''s values, from v_region_daily';
COMMENT ON COLUMN alerts.conflict_incidents IS 'the day''s values, from v_region_daily';
COMMENT ON COLUMN alerts.dialogue_activity IS 'the day''s values, from v_region_daily';
COMMENT ON COLUMN alerts.coverage IS 'the day''s values, from v_region_daily';
COMMENT ON COLUMN alerts.corroboration IS 'independent publishers among the relevant evidence';
COMMENT ON COLUMN alerts.evidence_count IS 'evidence items shown, and a hash of their ids (a change makes a new version)';
COMMENT ON COLUMN alerts.evidence_hash IS 'evidence items shown, and a hash of their ids (a change makes a new version)';
COMMENT ON COLUMN alerts.curated_support IS 'escalation and de-escalation: whether each curated series agrees (its fatalities in the test window against its mean over the 28 days before), e.g. ACLED agrees (97 fatalities, 39.9 expected), UCDP does not cover these days, NULL when no curated data cover the region then';
COMMENT ON COLUMN alerts_current.alert_id IS 'md5(region_id|day|kind), stable across versions';
COMMENT ON COLUMN alerts_current.as_of IS 'the computation that produced this version';
COMMENT ON COLUMN alerts_current.status IS 'one of active, withdrawn';
COMMENT ON COLUMN alerts_current.region_id IS 'where and when';
COMMENT ON COLUMN alerts_current.day IS 'where and when';
COMMENT ON COLUMN alerts_current.kind IS 'one of escalation, de-escalation, dialogue-gap, dialogue-opening';
COMMENT ON COLUMN alerts_current.severity IS 'one of low, medium, high (the views give it the ordered type)';
COMMENT ON COLUMN alerts_current.trigger IS 'the test that fired, e.g. ''conflict incidents, 2 days, upper tail''';
COMMENT ON COLUMN alerts_current.p_value IS 'of that test under the baseline''s negative binomial';
COMMENT ON COLUMN alerts_current.alpha IS 'the threshold it passed';
COMMENT ON COLUMN alerts_current.window_days IS 'days the test summed';
COMMENT ON COLUMN alerts_current.observed IS 'the sum over those days';
COMMENT ON COLUMN alerts_current.expected IS 'its baseline expectation';
COMMENT ON COLUMN alerts_current.tension_index IS 'the day''s values, from v_region_daily';
COMMENT ON COLUMN alerts_current.tension_change IS 'the day''s values, from v_region_daily';
COMMENT ON COLUMN alerts_current.conflict_incidents IS 'the day''s values, from v_region_daily';
COMMENT ON COLUMN alerts_current.dialogue_activity IS 'the day''s values, from v_region_daily';
COMMENT ON COLUMN alerts_current.coverage IS 'the day''s values, from v_region_daily';
COMMENT ON COLUMN alerts_current.corroboration IS 'independent publishers among the relevant evidence';
COMMENT ON COLUMN alerts_current.evidence_count IS 'evidence items shown, and a hash of their ids (a change makes a new version)';
COMMENT ON COLUMN alerts_current.evidence_hash IS 'evidence items shown, and a hash of their ids (a change makes a new version)';
COMMENT ON COLUMN alerts_current.curated_support IS 'escalation and de-escalation: whether each curated series agrees (its fatalities in the test window against its mean over the 28 days before), e.g. ACLED agrees (97 fatalities, 39.9 expected), UCDP does not cover these days, NULL when no curated data cover the region then';
COMMENT ON COLUMN cameo_codes.event_code IS 'CAMEO event code with leading zeros';
COMMENT ON COLUMN cameo_codes.description IS 'what the code means (GDELT''s CAMEO table)';
COMMENT ON COLUMN cameo_codes.base_code IS 'the 3-digit base code';
COMMENT ON COLUMN cameo_codes.root_code IS 'the 2-digit root code';
COMMENT ON COLUMN cameo_codes.quad_class IS '1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict';
COMMENT ON COLUMN cameo_codes.goldstein IS 'Goldstein scale of the event type (-10..+10)';
COMMENT ON COLUMN cameo_countries.cameo_code IS 'CAMEO actor country code';
COMMENT ON COLUMN cameo_countries.iso3 IS 'its ISO3 code';
COMMENT ON COLUMN cameo_countries.name IS 'country name';
COMMENT ON COLUMN curated_coverage.region_id IS 'the region (regions.region_id)';
COMMENT ON COLUMN curated_coverage.acled_from IS 'NULL: ACLED does not cover the region (no source asks for all its places)';
COMMENT ON COLUMN curated_coverage.acled_through IS 'the last day ACLED has published (its latest event date)';
COMMENT ON COLUMN curated_coverage.ucdp_from IS 'UCDP: GED (final) then Candidate (preliminary), one series';
COMMENT ON COLUMN curated_coverage.ucdp_through IS 'UCDP''s last covered day (GED, then Candidate)';
COMMENT ON COLUMN curated_coverage.ucdp_gap_from IS 'days between GED''s last and Candidate''s first day: unknown';
COMMENT ON COLUMN curated_coverage.ucdp_gap_to IS 'last day of that gap';
COMMENT ON COLUMN curated_coverage.ged_through IS 'UCDP GED''s last day for this region: Candidate counts only after it';
COMMENT ON COLUMN curated_coverage.computed_at IS 'the indicator run (indicator_runs.as_of)';
COMMENT ON COLUMN curated_event_regions.event_id IS 'curated_events.event_id';
COMMENT ON COLUMN curated_event_regions.region_id IS 'the region';
COMMENT ON COLUMN curated_event_regions.day IS 'curated_events.event_date';
COMMENT ON COLUMN curated_event_regions.dataset IS 'acled, ucdp_ged or ucdp_candidate';
COMMENT ON COLUMN curated_event_regions.reason IS 'one of dyad, area, dyad+area';
COMMENT ON COLUMN curated_event_versions.event_id IS '''<dataset>:<source_event_id>'', e.g. acled:UKR12345, ucdp_ged:300380';
COMMENT ON COLUMN curated_event_versions.dataset IS 'acled, ucdp_ged or ucdp_candidate';
COMMENT ON COLUMN curated_event_versions.source_event_id IS 'ACLED event_id_cnty, UCDP id';
COMMENT ON COLUMN curated_event_versions.version IS '1, 2, ... per event: a re-delivery with changed content is a new version, the same content is none';
COMMENT ON COLUMN curated_event_versions.deleted IS 'this version records the dataset''s deletion of the event (ACLED''s deleted-events list), with its last content';
COMMENT ON COLUMN curated_event_versions.content_hash IS 'of the columns below (the ids, release and licence excluded)';
COMMENT ON COLUMN curated_event_versions.event_date IS 'ACLED event_date, UCDP date_start: the day the event is counted on';
COMMENT ON COLUMN curated_event_versions.date_end IS 'UCDP date_end (NULL for ACLED)';
COMMENT ON COLUMN curated_event_versions.date_precision IS 'ACLED time_precision (1 the day .. 3 the month), UCDP date_prec (1 the day .. 5 the year)';
COMMENT ON COLUMN curated_event_versions.event_type IS 'ACLED''s, UCDP''s type_of_violence as text (state-based conflict, non-state conflict, one-sided violence)';
COMMENT ON COLUMN curated_event_versions.sub_event_type IS 'ACLED''s, UCDP''s type_of_violence as text (state-based conflict, non-state conflict, one-sided violence)';
COMMENT ON COLUMN curated_event_versions.political_violence IS 'armed violence: every UCDP event, ACLED battles, explosions/remote violence, violence against civilians (not protests, riots or strategic developments)';
COMMENT ON COLUMN curated_event_versions.actor1 IS 'ACLED actor1, actor2, UCDP side_a, side_b';
COMMENT ON COLUMN curated_event_versions.actor2 IS 'ACLED actor1, actor2, UCDP side_a, side_b';
COMMENT ON COLUMN curated_event_versions.actor1_iso3 IS 'UCDP gwnoa, gwnob (the states of the sides) as ISO3 through config/gw_iso3.csv, NULL for non-state sides and for ACLED';
COMMENT ON COLUMN curated_event_versions.actor2_iso3 IS 'UCDP gwnoa, gwnob (the states of the sides) as ISO3 through config/gw_iso3.csv, NULL for non-state sides and for ACLED';
COMMENT ON COLUMN curated_event_versions.conflict_name IS 'UCDP conflict_name';
COMMENT ON COLUMN curated_event_versions.country IS 'as the dataset names it (UCDP: Russia (Soviet Union), and Gaza and the West Bank under Israel)';
COMMENT ON COLUMN curated_event_versions.country_iso3 IS 'ACLED iso (ISO 3166 numeric) or UCDP country_id (Gleditsch-Ward) as ISO3, Kosovo XKX';
COMMENT ON COLUMN curated_event_versions.admin1 IS 'ACLED admin1, admin2, location, UCDP adm_1, adm_2, where_coordinates';
COMMENT ON COLUMN curated_event_versions.admin1_key IS '''ISO3:folded name'', compared with regions.area_admin1';
COMMENT ON COLUMN curated_event_versions.admin2 IS 'ACLED admin1, admin2, location, UCDP adm_1, adm_2, where_coordinates';
COMMENT ON COLUMN curated_event_versions.location IS 'ACLED admin1, admin2, location, UCDP adm_1, adm_2, where_coordinates';
COMMENT ON COLUMN curated_event_versions.lat IS 'coordinates';
COMMENT ON COLUMN curated_event_versions.lon IS 'coordinates';
COMMENT ON COLUMN curated_event_versions.geo_precision IS 'ACLED geo_precision (1 town .. 3 region), UCDP where_prec (1 exact .. 7 international waters)';
COMMENT ON COLUMN curated_event_versions.below_country IS 'located more precisely than a whole country (ACLED 1-2, UCDP 1-4): only these match a region''s boxes';
COMMENT ON COLUMN curated_event_versions.fatalities_best IS 'ACLED fatalities (best only), UCDP best, low, high';
COMMENT ON COLUMN curated_event_versions.fatalities_low IS 'ACLED fatalities (best only), UCDP best, low, high';
COMMENT ON COLUMN curated_event_versions.fatalities_high IS 'ACLED fatalities (best only), UCDP best, low, high';
COMMENT ON COLUMN curated_event_versions.source_notes IS 'ACLED notes, UCDP source_headline (capped at 2,000 characters)';
COMMENT ON COLUMN curated_event_versions.sources IS 'ACLED source, UCDP source_office';
COMMENT ON COLUMN curated_event_versions.source_timestamp IS 'ACLED timestamp (its last change, Unix seconds), NULL for UCDP';
COMMENT ON COLUMN curated_event_versions.dataset_version IS 'UCDP release of the first version (e.g. 25.1, 26.0.10), NULL for ACLED';
COMMENT ON COLUMN curated_event_versions.licence IS 'the dataset''s terms (or the source entry''s license)';
COMMENT ON COLUMN curated_event_versions.source_id IS 'the fetch, its ingest_runs row, the landed page, when it was loaded (UTC)';
COMMENT ON COLUMN curated_event_versions.run_id IS 'the fetch, its ingest_runs row, the landed page, when it was loaded (UTC)';
COMMENT ON COLUMN curated_event_versions.landing_file IS 'the fetch, its ingest_runs row, the landed page, when it was loaded (UTC)';
COMMENT ON COLUMN curated_event_versions.seen_at IS 'the fetch, its ingest_runs row, the landed page, when it was loaded (UTC)';
COMMENT ON COLUMN curated_events.event_id IS '''<dataset>:<source_event_id>'', e.g. acled:UKR12345, ucdp_ged:300380';
COMMENT ON COLUMN curated_events.dataset IS 'acled, ucdp_ged or ucdp_candidate';
COMMENT ON COLUMN curated_events.source_event_id IS 'ACLED event_id_cnty, UCDP id';
COMMENT ON COLUMN curated_events.version IS '1, 2, ... per event: a re-delivery with changed content is a new version, the same content is none';
COMMENT ON COLUMN curated_events.content_hash IS 'of the columns below (the ids, release and licence excluded)';
COMMENT ON COLUMN curated_events.event_date IS 'ACLED event_date, UCDP date_start: the day the event is counted on';
COMMENT ON COLUMN curated_events.date_end IS 'UCDP date_end (NULL for ACLED)';
COMMENT ON COLUMN curated_events.date_precision IS 'ACLED time_precision (1 the day .. 3 the month), UCDP date_prec (1 the day .. 5 the year)';
COMMENT ON COLUMN curated_events.event_type IS 'ACLED''s, UCDP''s type_of_violence as text (state-based conflict, non-state conflict, one-sided violence)';
COMMENT ON COLUMN curated_events.sub_event_type IS 'ACLED''s, UCDP''s type_of_violence as text (state-based conflict, non-state conflict, one-sided violence)';
COMMENT ON COLUMN curated_events.political_violence IS 'armed violence: every UCDP event, ACLED battles, explosions/remote violence, violence against civilians (not protests, riots or strategic developments)';
COMMENT ON COLUMN curated_events.actor1 IS 'ACLED actor1, actor2, UCDP side_a, side_b';
COMMENT ON COLUMN curated_events.actor2 IS 'ACLED actor1, actor2, UCDP side_a, side_b';
COMMENT ON COLUMN curated_events.actor1_iso3 IS 'UCDP gwnoa, gwnob (the states of the sides) as ISO3 through config/gw_iso3.csv, NULL for non-state sides and for ACLED';
COMMENT ON COLUMN curated_events.actor2_iso3 IS 'UCDP gwnoa, gwnob (the states of the sides) as ISO3 through config/gw_iso3.csv, NULL for non-state sides and for ACLED';
COMMENT ON COLUMN curated_events.conflict_name IS 'UCDP conflict_name';
COMMENT ON COLUMN curated_events.country IS 'as the dataset names it (UCDP: Russia (Soviet Union), and Gaza and the West Bank under Israel)';
COMMENT ON COLUMN curated_events.country_iso3 IS 'ACLED iso (ISO 3166 numeric) or UCDP country_id (Gleditsch-Ward) as ISO3, Kosovo XKX';
COMMENT ON COLUMN curated_events.admin1 IS 'ACLED admin1, admin2, location, UCDP adm_1, adm_2, where_coordinates';
COMMENT ON COLUMN curated_events.admin1_key IS '''ISO3:folded name'', compared with regions.area_admin1';
COMMENT ON COLUMN curated_events.admin2 IS 'ACLED admin1, admin2, location, UCDP adm_1, adm_2, where_coordinates';
COMMENT ON COLUMN curated_events.location IS 'ACLED admin1, admin2, location, UCDP adm_1, adm_2, where_coordinates';
COMMENT ON COLUMN curated_events.lat IS 'coordinates';
COMMENT ON COLUMN curated_events.lon IS 'coordinates';
COMMENT ON COLUMN curated_events.geo_precision IS 'ACLED geo_precision (1 town .. 3 region), UCDP where_prec (1 exact .. 7 international waters)';
COMMENT ON COLUMN curated_events.below_country IS 'located more precisely than a whole country (ACLED 1-2, UCDP 1-4): only these match a region''s boxes';
COMMENT ON COLUMN curated_events.fatalities_best IS 'ACLED fatalities (best only), UCDP best, low, high';
COMMENT ON COLUMN curated_events.fatalities_low IS 'ACLED fatalities (best only), UCDP best, low, high';
COMMENT ON COLUMN curated_events.fatalities_high IS 'ACLED fatalities (best only), UCDP best, low, high';
COMMENT ON COLUMN curated_events.source_notes IS 'ACLED notes, UCDP source_headline (capped at 2,000 characters)';
COMMENT ON COLUMN curated_events.sources IS 'ACLED source, UCDP source_office';
COMMENT ON COLUMN curated_events.source_timestamp IS 'ACLED timestamp (its last change, Unix seconds), NULL for UCDP';
COMMENT ON COLUMN curated_events.dataset_version IS 'UCDP release of the first version (e.g. 25.1, 26.0.10), NULL for ACLED';
COMMENT ON COLUMN curated_events.licence IS 'the dataset''s terms (or the source entry''s license)';
COMMENT ON COLUMN curated_events.source_id IS 'the fetch, its ingest_runs row, the landed page, when it was loaded (UTC)';
COMMENT ON COLUMN curated_events.run_id IS 'the fetch, its ingest_runs row, the landed page, when it was loaded (UTC)';
COMMENT ON COLUMN curated_events.landing_file IS 'the fetch, its ingest_runs row, the landed page, when it was loaded (UTC)';
COMMENT ON COLUMN curated_events.seen_at IS 'the fetch, its ingest_runs row, the landed page, when it was loaded (UTC)';
COMMENT ON COLUMN digest_log.week IS 'ISO week, 2026-W47';
COMMENT ON COLUMN digest_log.recipient IS 'lower-cased address';
COMMENT ON COLUMN digest_log.message_id IS 'the Message-ID header sent';
COMMENT ON COLUMN digest_log.status IS 'sent or failed, a (week, recipient) with a sent row is not sent again unless --resend';
COMMENT ON COLUMN digest_log.error IS 'the SMTP reply or exception when it failed (never credentials)';
COMMENT ON COLUMN digest_log.regions IS 'the region ids the message covered';
COMMENT ON COLUMN digest_log.subject IS 'the subject line';
COMMENT ON COLUMN digest_log.resend IS 'sent with --resend';
COMMENT ON COLUMN digest_log.sent_at IS 'when it was attempted';
COMMENT ON COLUMN document_aliases.doc_id IS 'documents.doc_id';
COMMENT ON COLUMN document_aliases.item_key IS 'another feed item id of the same story';
COMMENT ON COLUMN document_aliases.first_seen IS 'when the alias was first seen';
COMMENT ON COLUMN document_places.doc_id IS 'the document';
COMMENT ON COLUMN document_places.place_type IS 'country or region';
COMMENT ON COLUMN document_places.place_id IS 'ISO3 code, or a region id from regions.yaml';
COMMENT ON COLUMN document_places.matched_term IS 'the word in the title or summary that matched (the evidence)';
COMMENT ON COLUMN document_places.mentions IS 'how often that term occurs';
COMMENT ON COLUMN document_places.reason IS 'regions: dyad (both sides named) or area (a place of the region named), NULL for countries';
COMMENT ON COLUMN document_versions.doc_id IS 'stable id: hash of source_id and the feed''s item id (guid / Atom id, else the link)';
COMMENT ON COLUMN document_versions.version IS '1 for the first version seen, +1 for each change at the source';
COMMENT ON COLUMN document_versions.content_hash IS 'SHA-256 of url, title, summary and publication time: a change makes a new version';
COMMENT ON COLUMN document_versions.url IS 'canonical link: fragment and tracking parameters (utm_*, fbclid, …) removed';
COMMENT ON COLUMN document_versions.title IS 'plain text (markup removed, entities decoded, capped at 500 characters)';
COMMENT ON COLUMN document_versions.summary IS 'plain text, HTML stripped, capped at 4,000 characters';
COMMENT ON COLUMN document_versions.published_at IS 'publication (else update) time from the feed, converted to UTC, NULL when the feed gives none, the fetch time when the feed''s date is more than 10 minutes after the fetch (future_dated): indicators count a story on this time''s day';
COMMENT ON COLUMN document_versions.seen_at IS 'when this version was first fetched (UTC)';
COMMENT ON COLUMN document_versions.landing_file IS 'the landed payload the current version came from';
COMMENT ON COLUMN document_versions.run_id IS 'the ingest_runs row that loaded it';
COMMENT ON COLUMN document_versions.published_at_stated IS 'the date the feed gave, kept as it was (UTC)';
COMMENT ON COLUMN document_versions.future_dated IS 'the feed''s date was more than 10 minutes after the fetch (a publisher''s wrong time zone, a scheduled post): published_at is the fetch time';
COMMENT ON COLUMN documents.doc_id IS 'stable id: hash of source_id and the feed''s item id (guid / Atom id, else the link)';
COMMENT ON COLUMN documents.source_id IS 'the source it came from';
COMMENT ON COLUMN documents.publisher IS 'the source''s publisher';
COMMENT ON COLUMN documents.perspective IS 'un, international or the ISO3 of the country whose view the source carries';
COMMENT ON COLUMN documents.item_key IS 'the feed''s own item id';
COMMENT ON COLUMN documents.url IS 'canonical link: fragment and tracking parameters (utm_*, fbclid, …) removed';
COMMENT ON COLUMN documents.title IS 'plain text (markup removed, entities decoded, capped at 500 characters)';
COMMENT ON COLUMN documents.summary IS 'plain text, HTML stripped, capped at 4,000 characters';
COMMENT ON COLUMN documents.published_at IS 'publication (else update) time from the feed, converted to UTC, NULL when the feed gives none, the fetch time when the feed''s date is more than 10 minutes after the fetch (future_dated): indicators count a story on this time''s day';
COMMENT ON COLUMN documents.fetched_at IS 'when tracktwo first saw the story';
COMMENT ON COLUMN documents.updated_at IS 'when its current version was first seen';
COMMENT ON COLUMN documents.language IS 'item or feed language as declared';
COMMENT ON COLUMN documents.content_hash IS 'SHA-256 of url, title, summary and publication time: a change makes a new version';
COMMENT ON COLUMN documents.version IS '1 for the first version seen, +1 for each change at the source';
COMMENT ON COLUMN documents.landing_file IS 'the landed payload the current version came from';
COMMENT ON COLUMN documents.run_id IS 'the ingest_runs row that loaded it';
COMMENT ON COLUMN documents.published_at_stated IS 'the date the feed gave, kept as it was (UTC)';
COMMENT ON COLUMN documents.future_dated IS 'the feed''s date was more than 10 minutes after the fetch (a publisher''s wrong time zone, a scheduled post): published_at is the fetch time';
COMMENT ON COLUMN event_regions.event_id IS 'events.event_id';
COMMENT ON COLUMN event_regions.region_id IS 'the region';
COMMENT ON COLUMN event_regions.day IS 'the event''s event_date';
COMMENT ON COLUMN event_regions.reason IS 'dyad (the two actors on opposite sides), area (in the region''s areas, with a party, an armed actor coded without a country or known group, or no actor at all, any actor for an internal region), or dyad+area';
COMMENT ON COLUMN event_regions.actor1_side IS 'a or b when the actor is on a side of the (dyadic) region, else NULL';
COMMENT ON COLUMN event_regions.actor2_side IS 'a or b when the actor is on a side of the (dyadic) region, else NULL';
COMMENT ON COLUMN event_regions.counted IS 'passes the evidence filter (root event, sources, mentions, not a reference to a past day)';
COMMENT ON COLUMN event_regions.incident_id IS 'events sharing it are one incident: same day, actor codes, CAMEO code and place (a hash, compared within a day)';
COMMENT ON COLUMN events.event_id IS '''<source>:<source_event_id>'', e.g. gdelt:881990833, unique';
COMMENT ON COLUMN events.source IS 'gdelt';
COMMENT ON COLUMN events.source_event_id IS 'GDELT GLOBALEVENTID (as text, so other sources fit)';
COMMENT ON COLUMN events.event_date IS 'GDELT SQLDATE: the date the event is said to have happened (may be days or years before it was reported)';
COMMENT ON COLUMN events.date_added IS 'GDELT DATEADDED: the 15-minute window in which GDELT first saw it. Use this for "what was new when"';
COMMENT ON COLUMN events.actor1_code IS 'full CAMEO actor code (RUSMIL, IGOEUREEC, ...)';
COMMENT ON COLUMN events.actor1_name IS 'actor name as coded (RUSSIA, THE EU), capped at 255 characters';
COMMENT ON COLUMN events.actor1_country IS 'CAMEO three-letter country code as given, also regional codes such as EUR, AFR, MEA';
COMMENT ON COLUMN events.actor1_iso3 IS 'ISO3, set only when the CAMEO code is a country (via cameo_countries), NULL for regions, IGOs, blanks';
COMMENT ON COLUMN events.actor2_code IS 'full CAMEO actor code (RUSMIL, IGOEUREEC, ...)';
COMMENT ON COLUMN events.actor2_name IS 'actor name as coded (RUSSIA, THE EU), capped at 255 characters';
COMMENT ON COLUMN events.actor2_country IS 'CAMEO three-letter country code as given, also regional codes such as EUR, AFR, MEA';
COMMENT ON COLUMN events.actor2_iso3 IS 'ISO3, set only when the CAMEO code is a country (via cameo_countries), NULL for regions, IGOs, blanks';
COMMENT ON COLUMN events.is_root_event IS 'event was in the lead paragraph of the first article';
COMMENT ON COLUMN events.event_code IS 'CAMEO codes **with leading zeros** (''0211'', ''021'', ''02''), always compare as strings';
COMMENT ON COLUMN events.base_code IS 'CAMEO codes **with leading zeros** (''0211'', ''021'', ''02''), always compare as strings';
COMMENT ON COLUMN events.root_code IS 'CAMEO codes **with leading zeros** (''0211'', ''021'', ''02''), always compare as strings';
COMMENT ON COLUMN events.quad_class IS '1 verbal cooperation (roots 01-05), 2 material cooperation (06-09), 3 verbal conflict (10-14), 4 material conflict (15-20)';
COMMENT ON COLUMN events.goldstein IS 'Goldstein score of the event *type* (-10..+10), not of the specific event';
COMMENT ON COLUMN events.num_mentions IS 'coverage in the 15 minutes the event was first seen (not updated later)';
COMMENT ON COLUMN events.num_sources IS 'coverage in the 15 minutes the event was first seen (not updated later)';
COMMENT ON COLUMN events.num_articles IS 'coverage in the 15 minutes the event was first seen (not updated later)';
COMMENT ON COLUMN events.avg_tone IS 'average tone of those articles (-100..+100, usually -10..+10)';
COMMENT ON COLUMN events.action_geo_type IS '1 country, 2 US state, 3 US city, 4 world city, 5 world state (ADM1)';
COMMENT ON COLUMN events.action_geo_name IS 'place name as matched, capped at 255 characters';
COMMENT ON COLUMN events.action_fips IS 'FIPS 10-4 country code **as given** by GDELT (RS, UP, GZ, OS, ...)';
COMMENT ON COLUMN events.action_iso3 IS 'ISO3 mapped through fips_countries (GZ/WE -> PSE, OS oceans and disputed islets -> NULL)';
COMMENT ON COLUMN events.action_adm1 IS 'FIPS country + ADM1 code (UP07)';
COMMENT ON COLUMN events.lat IS 'centroid of the action location (country centroid when action_geo_type = 1)';
COMMENT ON COLUMN events.lon IS 'centroid of the action location (country centroid when action_geo_type = 1)';
COMMENT ON COLUMN events.source_url IS 'first article GDELT coded the event from, capped at 2,048 characters (untrusted text: escape it, link only http(s))';
COMMENT ON COLUMN events.landing_file IS 'landed zip the row came from (<data>/<landing_file>), run_id the load in ingest_runs';
COMMENT ON COLUMN events.run_id IS 'ingest_runs.run_id';
COMMENT ON COLUMN events.actor1_group IS 'GDELT Actor1KnownGroupCode (e.g. HMS, TAL)';
COMMENT ON COLUMN events.actor2_group IS 'GDELT Actor2KnownGroupCode';
COMMENT ON COLUMN events.action_feature_id IS 'GDELT ActionGeo_FeatureID (the place of an incident)';
COMMENT ON COLUMN fips_countries.fips IS 'FIPS 10-4 country code as GDELT writes it';
COMMENT ON COLUMN fips_countries.iso3 IS 'its ISO3 code (NULL: oceans, no country)';
COMMENT ON COLUMN fips_countries.name IS 'country name';
COMMENT ON COLUMN fips_countries.note IS 'why a code maps as it does (GZ, WE -> PSE)';
COMMENT ON COLUMN gdelt_files.file_url IS 'the export''s URL as listed in lastupdate.txt / masterfilelist.txt';
COMMENT ON COLUMN gdelt_files.md5 IS 'as listed, and checked at download, (file_url, md5) is the key, so a file is never loaded twice';
COMMENT ON COLUMN gdelt_files.file_ts IS 'the 15-minute window in the file name';
COMMENT ON COLUMN gdelt_files.run_id IS 'the ingest_runs row of the download';
COMMENT ON COLUMN gdelt_files.landing_file IS 'the landed zip';
COMMENT ON COLUMN gdelt_files.rows_read IS 'well-formed rows in the file';
COMMENT ON COLUMN gdelt_files.rows_new IS 'rows added to events (the others were already there)';
COMMENT ON COLUMN gdelt_files.rows_malformed IS 'rows skipped: wrong column count, unparsable value, no id or date';
COMMENT ON COLUMN gdelt_files.loaded_at IS 'when it was loaded';
COMMENT ON COLUMN indicator_runs.as_of IS 'the computation''s time, stamped on every row it wrote';
COMMENT ON COLUMN indicator_runs.mode IS 'full, incremental (days touched by newly loaded data) or range (--start/--end)';
COMMENT ON COLUMN indicator_runs.days_recomputed IS 'calendar days whose aggregates were recomputed (for every region)';
COMMENT ON COLUMN indicator_runs.first_day IS 'the span of days with data';
COMMENT ON COLUMN indicator_runs.last_day IS 'the span of days with data';
COMMENT ON COLUMN indicator_runs.rows_written IS 'region_daily rows that changed (unchanged rows get no new version)';
COMMENT ON COLUMN indicator_runs.alerts_written IS 'alert versions written (new, changed or withdrawn)';
COMMENT ON COLUMN indicator_runs.loaded_through IS 'watermark over ingest_runs.loaded_at: data loaded up to here was included';
COMMENT ON COLUMN indicator_runs.config_hash IS 'hash of indicators.yaml and the region definitions, a change forces a full recompute';
COMMENT ON COLUMN indicator_runs.seconds IS 'how long it took';
COMMENT ON COLUMN indicator_runs.events_through IS 'the last complete event day, later days are partial';
COMMENT ON COLUMN indicator_runs.rules_version IS 'version of the indicator rules (docs/indicators.md)';
COMMENT ON COLUMN ingest_runs.run_id IS 'the fetch''s id: its landing path without suffix (<source_id>/<date>/<stamp>-<tag>)';
COMMENT ON COLUMN ingest_runs.source_id IS 'the source (sources.source_id)';
COMMENT ON COLUMN ingest_runs.kind IS 'rss, gdelt_events, ucdp_ged, acled, reliefweb';
COMMENT ON COLUMN ingest_runs.url IS 'what was fetched';
COMMENT ON COLUMN ingest_runs.started_at IS 'when the fetch started and ended';
COMMENT ON COLUMN ingest_runs.finished_at IS 'when the fetch started and ended';
COMMENT ON COLUMN ingest_runs.loaded_at IS 'when the warehouse recorded it';
COMMENT ON COLUMN ingest_runs.status IS 'ok, failed, or not_modified (HTTP 304 to a conditional GET)';
COMMENT ON COLUMN ingest_runs.http_status IS 'last HTTP status (NULL for a timeout or connection error)';
COMMENT ON COLUMN ingest_runs.items_seen IS 'items in the payload, new documents, documents whose content changed';
COMMENT ON COLUMN ingest_runs.items_new IS 'items in the payload, new documents, documents whose content changed';
COMMENT ON COLUMN ingest_runs.items_updated IS 'items in the payload, new documents, documents whose content changed';
COMMENT ON COLUMN ingest_runs.error IS 'why it failed (timeout, HTTP 500 after N attempts, empty body, HTML page instead of a feed, body too large, …)';
COMMENT ON COLUMN ingest_runs.warning IS 'a problem that did not stop the load (e.g. malformed XML that still yielded entries)';
COMMENT ON COLUMN ingest_runs.landing_file IS 'the landed payload, relative to the data folder (NULL when nothing was received)';
COMMENT ON COLUMN ingest_runs.sha256 IS 'hash and size of the landed payload';
COMMENT ON COLUMN ingest_runs.bytes IS 'hash and size of the landed payload';
COMMENT ON COLUMN lake_info.lake_id IS 'this lake''s id: fresh for every lake (a rebuild makes a new one, snapshot ids start over)';
COMMENT ON COLUMN lake_info.created_at IS 'when this lake was created (UTC)';
COMMENT ON COLUMN region_daily.region_id IS 'region id from regions.yaml';
COMMENT ON COLUMN region_daily.day IS 'UTC day (an event''s event_date, a document''s published_at date)';
COMMENT ON COLUMN region_daily.as_of IS 'the computation that wrote this version (indicator_runs)';
COMMENT ON COLUMN region_daily.events_raw IS 'member events before the evidence filter (NULL on partial days)';
COMMENT ON COLUMN region_daily.events_total IS 'member events that pass the evidence filter ("counted")';
COMMENT ON COLUMN region_daily.verbal_coop IS 'counted events by CAMEO quad class 1..4';
COMMENT ON COLUMN region_daily.material_coop IS 'counted member events by CAMEO quad class 1, 2, 3, 4';
COMMENT ON COLUMN region_daily.verbal_conflict IS 'counted member events by CAMEO quad class 1, 2, 3, 4';
COMMENT ON COLUMN region_daily.material_conflict IS 'counted member events by CAMEO quad class 1, 2, 3, 4';
COMMENT ON COLUMN region_daily.incidents IS 'distinct incidents among counted events (day, actors, CAMEO code, place)';
COMMENT ON COLUMN region_daily.conflict_incidents IS 'distinct incidents of material conflict (quad class 4)';
COMMENT ON COLUMN region_daily.cooperation_incidents IS 'distinct incidents of cooperation (quad class 1, 2)';
COMMENT ON COLUMN region_daily.goldstein_mean IS 'mentions-weighted mean Goldstein scale of counted events';
COMMENT ON COLUMN region_daily.tone_mean IS 'mentions-weighted mean tone of counted events';
COMMENT ON COLUMN region_daily.conflict_share IS '(verbal + material conflict) / counted events';
COMMENT ON COLUMN region_daily.documents IS 'documents about the region published that day';
COMMENT ON COLUMN region_daily.publishers IS 'documents about the region published that day, their distinct publishers, those from UN sources';
COMMENT ON COLUMN region_daily.un_documents IS 'documents about the region published that day, their distinct publishers, those from UN sources';
COMMENT ON COLUMN region_daily.dialogue_documents IS 'documents matching the dialogue lexicon';
COMMENT ON COLUMN region_daily.conflict_documents IS 'documents matching the conflict lexicon';
COMMENT ON COLUMN region_daily.side_a_sources IS 'dyadic: sources of side A''s countries that published anything that day';
COMMENT ON COLUMN region_daily.side_b_sources IS 'dyadic regions: configured sources of each side''s countries that published anything that day, NULL for internal regions';
COMMENT ON COLUMN region_daily.fatalities IS 'the larger of acled_fatalities and ucdp_fatalities (they count the same deaths: never added), NULL when neither dataset covers the day';
COMMENT ON COLUMN region_daily.dialogue_events IS 'counted events between the two sides with CAMEO root 03-05';
COMMENT ON COLUMN region_daily.shared_events IS 'counted member events that also belong to another region';
COMMENT ON COLUMN region_daily.overlapping_regions IS 'those other regions';
COMMENT ON COLUMN region_daily.events_total_z IS 'robust z-score of events_total: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)';
COMMENT ON COLUMN region_daily.events_total_chg7 IS 'events_total minus its mean over the previous 7 days';
COMMENT ON COLUMN region_daily.verbal_coop_z IS 'robust z-score of verbal_coop: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)';
COMMENT ON COLUMN region_daily.verbal_coop_chg7 IS 'verbal_coop minus its mean over the previous 7 days';
COMMENT ON COLUMN region_daily.material_coop_z IS 'robust z-score of material_coop: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)';
COMMENT ON COLUMN region_daily.material_coop_chg7 IS 'material_coop minus its mean over the previous 7 days';
COMMENT ON COLUMN region_daily.verbal_conflict_z IS 'robust z-score of verbal_conflict: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)';
COMMENT ON COLUMN region_daily.verbal_conflict_chg7 IS 'verbal_conflict minus its mean over the previous 7 days';
COMMENT ON COLUMN region_daily.material_conflict_z IS 'robust z-score of material_conflict: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)';
COMMENT ON COLUMN region_daily.material_conflict_chg7 IS 'material_conflict minus its mean over the previous 7 days';
COMMENT ON COLUMN region_daily.goldstein_mean_z IS 'robust z-score of goldstein_mean: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)';
COMMENT ON COLUMN region_daily.goldstein_mean_chg7 IS 'goldstein_mean minus its mean over the previous 7 days';
COMMENT ON COLUMN region_daily.tone_mean_z IS 'robust z-score of tone_mean: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)';
COMMENT ON COLUMN region_daily.tone_mean_chg7 IS 'tone_mean minus its mean over the previous 7 days';
COMMENT ON COLUMN region_daily.conflict_share_z IS 'robust z-score of conflict_share: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)';
COMMENT ON COLUMN region_daily.conflict_share_chg7 IS 'conflict_share minus its mean over the previous 7 days';
COMMENT ON COLUMN region_daily.documents_z IS 'robust z-score of documents: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)';
COMMENT ON COLUMN region_daily.documents_chg7 IS 'documents minus its mean over the previous 7 days';
COMMENT ON COLUMN region_daily.publishers_z IS 'robust z-score of publishers: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)';
COMMENT ON COLUMN region_daily.publishers_chg7 IS 'publishers minus its mean over the previous 7 days';
COMMENT ON COLUMN region_daily.un_documents_z IS 'robust z-score of un_documents: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)';
COMMENT ON COLUMN region_daily.un_documents_chg7 IS 'un_documents minus its mean over the previous 7 days';
COMMENT ON COLUMN region_daily.dialogue_events_z IS 'robust z-score of dialogue_events: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)';
COMMENT ON COLUMN region_daily.dialogue_events_chg7 IS 'dialogue_events minus its mean over the previous 7 days';
COMMENT ON COLUMN region_daily.dialogue_documents_z IS 'robust z-score of dialogue_documents: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)';
COMMENT ON COLUMN region_daily.dialogue_documents_chg7 IS 'dialogue_documents minus its mean over the previous 7 days';
COMMENT ON COLUMN region_daily.incidents_z IS 'robust z-score of incidents: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)';
COMMENT ON COLUMN region_daily.incidents_chg7 IS 'incidents minus its mean over the previous 7 days';
COMMENT ON COLUMN region_daily.conflict_incidents_z IS 'robust z-score of conflict_incidents: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)';
COMMENT ON COLUMN region_daily.conflict_incidents_chg7 IS 'conflict_incidents minus its mean over the previous 7 days';
COMMENT ON COLUMN region_daily.tension_index IS 'level 0-100 (docs/indicators.md): high while the conflict is intense';
COMMENT ON COLUMN region_daily.tension_change IS '% change of conflict incidents, last 7 days vs the 7 before (smoothed)';
COMMENT ON COLUMN region_daily.conflict_expected IS 'baseline mean of conflict_incidents per day';
COMMENT ON COLUMN region_daily.conflict_size IS 'negative-binomial size of the daily counts (NULL: Poisson)';
COMMENT ON COLUMN region_daily.escalation_p IS 'upper tail of conflict_incidents: min of 1 and 2 days, times 2';
COMMENT ON COLUMN region_daily.deescalation_p IS 'lower-tail p-value of the 7-day conflict_incidents';
COMMENT ON COLUMN region_daily.dialogue_activity IS 'dialogue_events + dialogue_documents';
COMMENT ON COLUMN region_daily.dialogue_expected IS 'baseline mean of dialogue_events per day (dyadic regions)';
COMMENT ON COLUMN region_daily.dialogue_gap_p IS 'lower-tail p-value of the 7-day dialogue events';
COMMENT ON COLUMN region_daily.dialogue_opening_p IS 'upper-tail p-value of the 2-day dialogue events';
COMMENT ON COLUMN region_daily.coverage IS 'dyadic: ''observed'' or ''no coverage'', NULL for internal regions';
COMMENT ON COLUMN region_daily.acled_events IS 'member ACLED events and their fatalities that day (docs/indicators.md, "Curated data"), NULL (unknown, not zero) on days ACLED does not cover: after its latest published event date, before its first, or in a region outside its sources'' countries';
COMMENT ON COLUMN region_daily.acled_fatalities IS 'member ACLED events and their fatalities that day (docs/indicators.md, "Curated data"), NULL (unknown, not zero) on days ACLED does not cover: after its latest published event date, before its first, or in a region outside its sources'' countries';
COMMENT ON COLUMN region_daily.ucdp_events IS 'the same for UCDP (GED through its last day, Candidate after it), with UCDP''s best, low and high estimates';
COMMENT ON COLUMN region_daily.ucdp_fatalities IS 'the same for UCDP (GED through its last day, Candidate after it), with UCDP''s best, low and high estimates';
COMMENT ON COLUMN region_daily.ucdp_fatalities_low IS 'the same for UCDP (GED through its last day, Candidate after it), with UCDP''s best, low and high estimates';
COMMENT ON COLUMN region_daily.ucdp_fatalities_high IS 'the same for UCDP (GED through its last day, Candidate after it), with UCDP''s best, low and high estimates';
COMMENT ON COLUMN region_daily_current.region_id IS 'region id from regions.yaml';
COMMENT ON COLUMN region_daily_current.day IS 'UTC day (an event''s event_date, a document''s published_at date)';
COMMENT ON COLUMN region_daily_current.as_of IS 'the computation that wrote this version (indicator_runs)';
COMMENT ON COLUMN region_daily_current.events_raw IS 'member events before the evidence filter (NULL on partial days)';
COMMENT ON COLUMN region_daily_current.events_total IS 'member events that pass the evidence filter ("counted")';
COMMENT ON COLUMN region_daily_current.verbal_coop IS 'counted events by CAMEO quad class 1..4';
COMMENT ON COLUMN region_daily_current.material_coop IS 'counted member events by CAMEO quad class 1, 2, 3, 4';
COMMENT ON COLUMN region_daily_current.verbal_conflict IS 'counted member events by CAMEO quad class 1, 2, 3, 4';
COMMENT ON COLUMN region_daily_current.material_conflict IS 'counted member events by CAMEO quad class 1, 2, 3, 4';
COMMENT ON COLUMN region_daily_current.incidents IS 'distinct incidents among counted events (day, actors, CAMEO code, place)';
COMMENT ON COLUMN region_daily_current.conflict_incidents IS 'distinct incidents of material conflict (quad class 4)';
COMMENT ON COLUMN region_daily_current.cooperation_incidents IS 'distinct incidents of cooperation (quad class 1, 2)';
COMMENT ON COLUMN region_daily_current.goldstein_mean IS 'mentions-weighted mean Goldstein scale of counted events';
COMMENT ON COLUMN region_daily_current.tone_mean IS 'mentions-weighted mean tone of counted events';
COMMENT ON COLUMN region_daily_current.conflict_share IS '(verbal + material conflict) / counted events';
COMMENT ON COLUMN region_daily_current.documents IS 'documents about the region published that day';
COMMENT ON COLUMN region_daily_current.publishers IS 'documents about the region published that day, their distinct publishers, those from UN sources';
COMMENT ON COLUMN region_daily_current.un_documents IS 'documents about the region published that day, their distinct publishers, those from UN sources';
COMMENT ON COLUMN region_daily_current.dialogue_documents IS 'documents matching the dialogue lexicon';
COMMENT ON COLUMN region_daily_current.conflict_documents IS 'documents matching the conflict lexicon';
COMMENT ON COLUMN region_daily_current.side_a_sources IS 'dyadic: sources of side A''s countries that published anything that day';
COMMENT ON COLUMN region_daily_current.side_b_sources IS 'dyadic regions: configured sources of each side''s countries that published anything that day, NULL for internal regions';
COMMENT ON COLUMN region_daily_current.fatalities IS 'the larger of acled_fatalities and ucdp_fatalities (they count the same deaths: never added), NULL when neither dataset covers the day';
COMMENT ON COLUMN region_daily_current.dialogue_events IS 'counted events between the two sides with CAMEO root 03-05';
COMMENT ON COLUMN region_daily_current.shared_events IS 'counted member events that also belong to another region';
COMMENT ON COLUMN region_daily_current.overlapping_regions IS 'those other regions';
COMMENT ON COLUMN region_daily_current.events_total_z IS 'robust z-score of events_total: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)';
COMMENT ON COLUMN region_daily_current.events_total_chg7 IS 'events_total minus its mean over the previous 7 days';
COMMENT ON COLUMN region_daily_current.verbal_coop_z IS 'robust z-score of verbal_coop: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)';
COMMENT ON COLUMN region_daily_current.verbal_coop_chg7 IS 'verbal_coop minus its mean over the previous 7 days';
COMMENT ON COLUMN region_daily_current.material_coop_z IS 'robust z-score of material_coop: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)';
COMMENT ON COLUMN region_daily_current.material_coop_chg7 IS 'material_coop minus its mean over the previous 7 days';
COMMENT ON COLUMN region_daily_current.verbal_conflict_z IS 'robust z-score of verbal_conflict: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)';
COMMENT ON COLUMN region_daily_current.verbal_conflict_chg7 IS 'verbal_conflict minus its mean over the previous 7 days';
COMMENT ON COLUMN region_daily_current.material_conflict_z IS 'robust z-score of material_conflict: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)';
COMMENT ON COLUMN region_daily_current.material_conflict_chg7 IS 'material_conflict minus its mean over the previous 7 days';
COMMENT ON COLUMN region_daily_current.goldstein_mean_z IS 'robust z-score of goldstein_mean: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)';
COMMENT ON COLUMN region_daily_current.goldstein_mean_chg7 IS 'goldstein_mean minus its mean over the previous 7 days';
COMMENT ON COLUMN region_daily_current.tone_mean_z IS 'robust z-score of tone_mean: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)';
COMMENT ON COLUMN region_daily_current.tone_mean_chg7 IS 'tone_mean minus its mean over the previous 7 days';
COMMENT ON COLUMN region_daily_current.conflict_share_z IS 'robust z-score of conflict_share: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)';
COMMENT ON COLUMN region_daily_current.conflict_share_chg7 IS 'conflict_share minus its mean over the previous 7 days';
COMMENT ON COLUMN region_daily_current.documents_z IS 'robust z-score of documents: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)';
COMMENT ON COLUMN region_daily_current.documents_chg7 IS 'documents minus its mean over the previous 7 days';
COMMENT ON COLUMN region_daily_current.publishers_z IS 'robust z-score of publishers: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)';
COMMENT ON COLUMN region_daily_current.publishers_chg7 IS 'publishers minus its mean over the previous 7 days';
COMMENT ON COLUMN region_daily_current.un_documents_z IS 'robust z-score of un_documents: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)';
COMMENT ON COLUMN region_daily_current.un_documents_chg7 IS 'un_documents minus its mean over the previous 7 days';
COMMENT ON COLUMN region_daily_current.dialogue_events_z IS 'robust z-score of dialogue_events: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)';
COMMENT ON COLUMN region_daily_current.dialogue_events_chg7 IS 'dialogue_events minus its mean over the previous 7 days';
COMMENT ON COLUMN region_daily_current.dialogue_documents_z IS 'robust z-score of dialogue_documents: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)';
COMMENT ON COLUMN region_daily_current.dialogue_documents_chg7 IS 'dialogue_documents minus its mean over the previous 7 days';
COMMENT ON COLUMN region_daily_current.incidents_z IS 'robust z-score of incidents: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)';
COMMENT ON COLUMN region_daily_current.incidents_chg7 IS 'incidents minus its mean over the previous 7 days';
COMMENT ON COLUMN region_daily_current.conflict_incidents_z IS 'robust z-score of conflict_incidents: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)';
COMMENT ON COLUMN region_daily_current.conflict_incidents_chg7 IS 'conflict_incidents minus its mean over the previous 7 days';
COMMENT ON COLUMN region_daily_current.tension_index IS 'level 0-100 (docs/indicators.md): high while the conflict is intense';
COMMENT ON COLUMN region_daily_current.tension_change IS '% change of conflict incidents, last 7 days vs the 7 before (smoothed)';
COMMENT ON COLUMN region_daily_current.conflict_expected IS 'baseline mean of conflict_incidents per day';
COMMENT ON COLUMN region_daily_current.conflict_size IS 'negative-binomial size of the daily counts (NULL: Poisson)';
COMMENT ON COLUMN region_daily_current.escalation_p IS 'upper tail of conflict_incidents: min of 1 and 2 days, times 2';
COMMENT ON COLUMN region_daily_current.deescalation_p IS 'lower-tail p-value of the 7-day conflict_incidents';
COMMENT ON COLUMN region_daily_current.dialogue_activity IS 'dialogue_events + dialogue_documents';
COMMENT ON COLUMN region_daily_current.dialogue_expected IS 'baseline mean of dialogue_events per day (dyadic regions)';
COMMENT ON COLUMN region_daily_current.dialogue_gap_p IS 'lower-tail p-value of the 7-day dialogue events';
COMMENT ON COLUMN region_daily_current.dialogue_opening_p IS 'upper-tail p-value of the 2-day dialogue events';
COMMENT ON COLUMN region_daily_current.coverage IS 'dyadic: ''observed'' or ''no coverage'', NULL for internal regions';
COMMENT ON COLUMN region_daily_current.acled_events IS 'member ACLED events and their fatalities that day (docs/indicators.md, "Curated data"), NULL (unknown, not zero) on days ACLED does not cover: after its latest published event date, before its first, or in a region outside its sources'' countries';
COMMENT ON COLUMN region_daily_current.acled_fatalities IS 'member ACLED events and their fatalities that day (docs/indicators.md, "Curated data"), NULL (unknown, not zero) on days ACLED does not cover: after its latest published event date, before its first, or in a region outside its sources'' countries';
COMMENT ON COLUMN region_daily_current.ucdp_events IS 'the same for UCDP (GED through its last day, Candidate after it), with UCDP''s best, low and high estimates';
COMMENT ON COLUMN region_daily_current.ucdp_fatalities IS 'the same for UCDP (GED through its last day, Candidate after it), with UCDP''s best, low and high estimates';
COMMENT ON COLUMN region_daily_current.ucdp_fatalities_low IS 'the same for UCDP (GED through its last day, Candidate after it), with UCDP''s best, low and high estimates';
COMMENT ON COLUMN region_daily_current.ucdp_fatalities_high IS 'the same for UCDP (GED through its last day, Candidate after it), with UCDP''s best, low and high estimates';
COMMENT ON COLUMN regions.region_id IS 'stable slug, the region key';
COMMENT ON COLUMN regions.name IS 'display name';
COMMENT ON COLUMN regions.type IS 'one of dyadic, internal';
COMMENT ON COLUMN regions.side_a IS 'dyadic: name of side A';
COMMENT ON COLUMN regions.side_a_countries IS 'ISO3 codes of side A''s states';
COMMENT ON COLUMN regions.side_a_actors IS 'CAMEO known-group codes of side A''s non-state actors';
COMMENT ON COLUMN regions.side_b IS 'dyadic: name of side B';
COMMENT ON COLUMN regions.side_b_countries IS 'ISO3 codes of side B''s states';
COMMENT ON COLUMN regions.side_b_actors IS 'CAMEO known-group codes of side B''s non-state actors';
COMMENT ON COLUMN regions.area_countries IS 'ISO3 codes of the countries where the conflict happens';
COMMENT ON COLUMN regions.area_adm1 IS 'GDELT ADM1 codes (FIPS country + subdivision) where it happens';
COMMENT ON COLUMN regions.area_boxes IS 'latitude/longitude boxes (name, south, north, west, east, optional country)';
COMMENT ON COLUMN regions.keywords IS 'place names and terms matched in document titles and summaries';
COMMENT ON COLUMN regions.area_admin1 IS 'curated datasets'' subdivisions as ISO3:folded name (e.g. RUS:belgorod)';
COMMENT ON COLUMN schema_migrations.version IS 'migration number';
COMMENT ON COLUMN schema_migrations.name IS 'migration file name';
COMMENT ON COLUMN schema_migrations.applied_at IS 'when it was applied (UTC)';
COMMENT ON COLUMN sources.source_id IS 'sources.yaml id';
COMMENT ON COLUMN sources.kind IS 'rss, gdelt_events, ucdp_ged, acled or reliefweb';
COMMENT ON COLUMN sources.url IS 'what is fetched (an API base for curated kinds)';
COMMENT ON COLUMN sources.publisher IS 'who publishes it';
COMMENT ON COLUMN sources.perspective IS 'un, international, or the ISO3 of the country whose view it carries';
COMMENT ON COLUMN sources.license IS 'terms of use, copied into export manifests';
COMMENT ON COLUMN sources.enabled IS 'fetched by ingest';
INSERT INTO dictionary_view_columns VALUES
    ('v_alert_evidence', 'alert_id', 'the alert version'),
    ('v_alert_evidence', 'as_of', 'the alert version'),
    ('v_alert_evidence', 'rank', '1 = strongest'),
    ('v_alert_evidence', 'item_type', 'event, document or curated_event (an ACLED or UCDP event of the region in the test window, item_id is curated_events.event_id, not counted in corroboration)'),
    ('v_alert_evidence', 'item_id', 'events.event_id or documents.doc_id: always a row that exists'),
    ('v_alert_evidence', 'relevance', 'why it supports the claim: conflict event, reports conflict, source of a conflict event, cooperation event, dialogue event, reports dialogue'),
    ('v_alert_evidence', 'url', 'the report'),
    ('v_alert_evidence', 'publisher', 'the document''s publisher, or the host of the event''s source URL'),
    ('v_alert_evidence', 'day', 'the item''s day'),
    ('v_alert_evidence', 'title', 'document title, or a description of the coded event (actors and CAMEO description)'),
    ('v_alert_evidence', 'score', 'ranking score (mentions for events, mentions of the region for documents)'),
    ('v_alerts', 'alert_id', 'stable id of (region, day, kind)'),
    ('v_alerts', 'as_of', 'the computation that produced this version'),
    ('v_alerts', 'region_id', 'where and when'),
    ('v_alerts', 'day', 'where and when'),
    ('v_alerts', 'kind', 'escalation, de-escalation, dialogue-gap or dialogue-opening'),
    ('v_alerts', 'severity', 'ENUM low < medium < high: max(severity) and ORDER BY severity follow that order'),
    ('v_alerts', 'trigger', 'the test that fired, in words'),
    ('v_alerts', 'p_value', 'its p-value under the baseline''s negative binomial (escalation: the smaller of its two windows'' times 2), and the threshold it passed'),
    ('v_alerts', 'alpha', 'its p-value under the baseline''s negative binomial (escalation: the smaller of its two windows'' times 2), and the threshold it passed'),
    ('v_alerts', 'window_days', 'the days the test summed, the sum, and its expectation'),
    ('v_alerts', 'observed', 'the days the test summed, the sum, and its expectation'),
    ('v_alerts', 'expected', 'the days the test summed, the sum, and its expectation'),
    ('v_alerts', 'tension_index', 'the day''s values, from v_region_daily'),
    ('v_alerts', 'tension_change', 'the day''s values, from v_region_daily'),
    ('v_alerts', 'conflict_incidents', 'the day''s values, from v_region_daily'),
    ('v_alerts', 'dialogue_activity', 'the day''s values, from v_region_daily'),
    ('v_alerts', 'coverage', 'the day''s values, from v_region_daily'),
    ('v_alerts', 'corroboration', 'independent outlets among the relevant evidence (high needs 2)'),
    ('v_alerts', 'evidence_count', 'evidence items shown, and a hash of their ids (a change makes a new version)'),
    ('v_alerts', 'evidence_hash', 'evidence items shown, and a hash of their ids (a change makes a new version)'),
    ('v_alerts', 'curated_support', 'escalation and de-escalation: whether each curated series agrees (its fatalities in the test window against its mean over the 28 days before), e.g. ACLED agrees (97 fatalities, 39.9 expected), UCDP does not cover these days, NULL when no curated data cover the region then'),
    ('v_alerts', 'evidence', '{rank, item_type, item_id, relevance, url, publisher, day, title, score}, strongest first'),
    ('v_curated_daily', 'region_id', 'the region'),
    ('v_curated_daily', 'day', 'curated_events.event_date'),
    ('v_curated_daily', 'dataset', 'acled, ucdp_ged or ucdp_candidate'),
    ('v_curated_daily', 'events', 'curated events of the region that day (dated to the day or week)'),
    ('v_curated_daily', 'fatalities_best', 'ACLED fatalities (best only), UCDP best, low, high'),
    ('v_curated_daily', 'fatalities_low', 'ACLED fatalities (best only), UCDP best, low, high'),
    ('v_curated_daily', 'fatalities_high', 'ACLED fatalities (best only), UCDP best, low, high'),
    ('v_curated_daily', 'licence', 'the dataset''s terms (or the source entry''s license)'),
    ('v_curated_events', 'event_id', '''<dataset>:<source_event_id>'', e.g. acled:UKR12345, ucdp_ged:300380'),
    ('v_curated_events', 'dataset', 'acled, ucdp_ged or ucdp_candidate'),
    ('v_curated_events', 'source_event_id', 'ACLED event_id_cnty, UCDP id'),
    ('v_curated_events', 'version', '1, 2, ... per event: a re-delivery with changed content is a new version, the same content is none'),
    ('v_curated_events', 'content_hash', 'of the columns below (the ids, release and licence excluded)'),
    ('v_curated_events', 'event_date', 'ACLED event_date, UCDP date_start: the day the event is counted on'),
    ('v_curated_events', 'date_end', 'UCDP date_end (NULL for ACLED)'),
    ('v_curated_events', 'date_precision', 'ACLED time_precision (1 the day .. 3 the month), UCDP date_prec (1 the day .. 5 the year)'),
    ('v_curated_events', 'event_type', 'ACLED''s, UCDP''s type_of_violence as text (state-based conflict, non-state conflict, one-sided violence)'),
    ('v_curated_events', 'sub_event_type', 'ACLED''s, UCDP''s type_of_violence as text (state-based conflict, non-state conflict, one-sided violence)'),
    ('v_curated_events', 'political_violence', 'armed violence: every UCDP event, ACLED battles, explosions/remote violence, violence against civilians (not protests, riots or strategic developments)'),
    ('v_curated_events', 'actor1', 'ACLED actor1, actor2, UCDP side_a, side_b'),
    ('v_curated_events', 'actor2', 'ACLED actor1, actor2, UCDP side_a, side_b'),
    ('v_curated_events', 'actor1_iso3', 'UCDP gwnoa, gwnob (the states of the sides) as ISO3 through config/gw_iso3.csv, NULL for non-state sides and for ACLED'),
    ('v_curated_events', 'actor2_iso3', 'UCDP gwnoa, gwnob (the states of the sides) as ISO3 through config/gw_iso3.csv, NULL for non-state sides and for ACLED'),
    ('v_curated_events', 'conflict_name', 'UCDP conflict_name'),
    ('v_curated_events', 'country', 'as the dataset names it (UCDP: Russia (Soviet Union), and Gaza and the West Bank under Israel)'),
    ('v_curated_events', 'country_iso3', 'ACLED iso (ISO 3166 numeric) or UCDP country_id (Gleditsch-Ward) as ISO3, Kosovo XKX'),
    ('v_curated_events', 'admin1', 'ACLED admin1, admin2, location, UCDP adm_1, adm_2, where_coordinates'),
    ('v_curated_events', 'admin1_key', '''ISO3:folded name'', compared with regions.area_admin1'),
    ('v_curated_events', 'admin2', 'ACLED admin1, admin2, location, UCDP adm_1, adm_2, where_coordinates'),
    ('v_curated_events', 'location', 'ACLED admin1, admin2, location, UCDP adm_1, adm_2, where_coordinates'),
    ('v_curated_events', 'lat', 'coordinates'),
    ('v_curated_events', 'lon', 'coordinates'),
    ('v_curated_events', 'geo_precision', 'ACLED geo_precision (1 town .. 3 region), UCDP where_prec (1 exact .. 7 international waters)'),
    ('v_curated_events', 'below_country', 'located more precisely than a whole country (ACLED 1-2, UCDP 1-4): only these match a region''s boxes'),
    ('v_curated_events', 'fatalities_best', 'ACLED fatalities (best only), UCDP best, low, high'),
    ('v_curated_events', 'fatalities_low', 'ACLED fatalities (best only), UCDP best, low, high'),
    ('v_curated_events', 'fatalities_high', 'ACLED fatalities (best only), UCDP best, low, high'),
    ('v_curated_events', 'source_notes', 'ACLED notes, UCDP source_headline (capped at 2,000 characters)'),
    ('v_curated_events', 'sources', 'ACLED source, UCDP source_office'),
    ('v_curated_events', 'source_timestamp', 'ACLED timestamp (its last change, Unix seconds), NULL for UCDP'),
    ('v_curated_events', 'dataset_version', 'UCDP release of the first version (e.g. 25.1, 26.0.10), NULL for ACLED'),
    ('v_curated_events', 'licence', 'the dataset''s terms (or the source entry''s license)'),
    ('v_curated_events', 'source_id', 'the fetch, its ingest_runs row, the landed page, when it was loaded (UTC)'),
    ('v_curated_events', 'run_id', 'the fetch, its ingest_runs row, the landed page, when it was loaded (UTC)'),
    ('v_curated_events', 'landing_file', 'the fetch, its ingest_runs row, the landed page, when it was loaded (UTC)'),
    ('v_curated_events', 'seen_at', 'the fetch, its ingest_runs row, the landed page, when it was loaded (UTC)'),
    ('v_curated_events', 'regions', 'the regions the event belongs to'),
    ('v_dyad_daily', 'region_id', 'region id from regions.yaml'),
    ('v_dyad_daily', 'side_a', 'dyadic: name of side A'),
    ('v_dyad_daily', 'side_b', 'dyadic: name of side B'),
    ('v_dyad_daily', 'day', 'UTC day (an event''s event_date, a document''s published_at date)'),
    ('v_dyad_daily', 'dialogue_events', 'counted events between the two sides with CAMEO root 03-05'),
    ('v_dyad_daily', 'dialogue_documents', 'documents matching the dialogue lexicon'),
    ('v_dyad_daily', 'dialogue_activity', 'dialogue_events + dialogue_documents'),
    ('v_dyad_daily', 'dialogue_expected', 'baseline mean of dialogue_events per day (dyadic regions)'),
    ('v_dyad_daily', 'side_a_sources', 'dyadic: sources of side A''s countries that published anything that day'),
    ('v_dyad_daily', 'side_b_sources', 'dyadic regions: configured sources of each side''s countries that published anything that day, NULL for internal regions'),
    ('v_dyad_daily', 'coverage', 'dyadic: ''observed'' or ''no coverage'', NULL for internal regions'),
    ('v_indicator_runs', 'as_of', 'the computation''s time, stamped on every row it wrote'),
    ('v_indicator_runs', 'mode', 'full, incremental (days touched by newly loaded data) or range (--start/--end)'),
    ('v_indicator_runs', 'days_recomputed', 'calendar days whose aggregates were recomputed (for every region)'),
    ('v_indicator_runs', 'first_day', 'the span of days with data'),
    ('v_indicator_runs', 'last_day', 'the span of days with data'),
    ('v_indicator_runs', 'rows_written', 'region_daily rows that changed (unchanged rows get no new version)'),
    ('v_indicator_runs', 'alerts_written', 'alert versions written (new, changed or withdrawn)'),
    ('v_indicator_runs', 'loaded_through', 'watermark over ingest_runs.loaded_at: data loaded up to here was included'),
    ('v_indicator_runs', 'config_hash', 'hash of indicators.yaml and the region definitions, a change forces a full recompute'),
    ('v_indicator_runs', 'seconds', 'how long it took'),
    ('v_indicator_runs', 'events_through', 'the last complete event day, later days are partial'),
    ('v_region_daily', 'region_id', 'region id from regions.yaml'),
    ('v_region_daily', 'day', 'UTC day (an event''s event_date, a document''s published_at date)'),
    ('v_region_daily', 'as_of', 'the computation that produced this version (indicator_runs.as_of)'),
    ('v_region_daily', 'events_raw', 'member events of the day (event_regions), counted or not'),
    ('v_region_daily', 'events_total', 'member events that count (event_regions.counted)'),
    ('v_region_daily', 'verbal_coop', 'counted member events by CAMEO quad class 1, 2, 3, 4'),
    ('v_region_daily', 'material_coop', 'counted member events by CAMEO quad class 1, 2, 3, 4'),
    ('v_region_daily', 'verbal_conflict', 'counted member events by CAMEO quad class 1, 2, 3, 4'),
    ('v_region_daily', 'material_conflict', 'counted member events by CAMEO quad class 1, 2, 3, 4'),
    ('v_region_daily', 'incidents', 'distinct incidents among counted events: all, material conflict (quad class 4), cooperation (1, 2)'),
    ('v_region_daily', 'conflict_incidents', 'distinct incidents among counted events: all, material conflict (quad class 4), cooperation (1, 2)'),
    ('v_region_daily', 'cooperation_incidents', 'distinct incidents among counted events: all, material conflict (quad class 4), cooperation (1, 2)'),
    ('v_region_daily', 'goldstein_mean', 'Goldstein scale and GDELT avg_tone of counted events, weighted by num_mentions, NULL without events'),
    ('v_region_daily', 'tone_mean', 'Goldstein scale and GDELT avg_tone of counted events, weighted by num_mentions, NULL without events'),
    ('v_region_daily', 'conflict_share', '(verbal + material conflict) / events_total, 0 without events'),
    ('v_region_daily', 'documents', 'documents about the region published that day, their distinct publishers, those from UN sources'),
    ('v_region_daily', 'publishers', 'documents about the region published that day, their distinct publishers, those from UN sources'),
    ('v_region_daily', 'un_documents', 'documents about the region published that day, their distinct publishers, those from UN sources'),
    ('v_region_daily', 'dialogue_documents', 'those that speak of dialogue (talks, mediation, ceasefire, ...) / of conflict (strikes, shelling, ...)'),
    ('v_region_daily', 'conflict_documents', 'those that speak of dialogue (talks, mediation, ceasefire, ...) / of conflict (strikes, shelling, ...)'),
    ('v_region_daily', 'side_a_sources', 'dyadic regions: configured sources of each side''s countries that published anything that day, NULL for internal regions'),
    ('v_region_daily', 'side_b_sources', 'dyadic regions: configured sources of each side''s countries that published anything that day, NULL for internal regions'),
    ('v_region_daily', 'fatalities', 'the larger of acled_fatalities and ucdp_fatalities (they count the same deaths: never added), NULL when neither dataset covers the day'),
    ('v_region_daily', 'dialogue_events', 'counted events between the two sides with CAMEO roots 03, 04, 05 (Track-I dialogue)'),
    ('v_region_daily', 'shared_events', 'counted events that also belong to other regions, and those regions'),
    ('v_region_daily', 'overlapping_regions', 'counted events that also belong to other regions, and those regions'),
    ('v_region_daily', 'events_total_z', 'robust z-score of events_total: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)'),
    ('v_region_daily', 'events_total_chg7', 'events_total minus its mean over the previous 7 days'),
    ('v_region_daily', 'verbal_coop_z', 'robust z-score of verbal_coop: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)'),
    ('v_region_daily', 'verbal_coop_chg7', 'verbal_coop minus its mean over the previous 7 days'),
    ('v_region_daily', 'material_coop_z', 'robust z-score of material_coop: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)'),
    ('v_region_daily', 'material_coop_chg7', 'material_coop minus its mean over the previous 7 days'),
    ('v_region_daily', 'verbal_conflict_z', 'robust z-score of verbal_conflict: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)'),
    ('v_region_daily', 'verbal_conflict_chg7', 'verbal_conflict minus its mean over the previous 7 days'),
    ('v_region_daily', 'material_conflict_z', 'robust z-score of material_conflict: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)'),
    ('v_region_daily', 'material_conflict_chg7', 'material_conflict minus its mean over the previous 7 days'),
    ('v_region_daily', 'goldstein_mean_z', 'robust z-score of goldstein_mean: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)'),
    ('v_region_daily', 'goldstein_mean_chg7', 'goldstein_mean minus its mean over the previous 7 days'),
    ('v_region_daily', 'tone_mean_z', 'robust z-score of tone_mean: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)'),
    ('v_region_daily', 'tone_mean_chg7', 'tone_mean minus its mean over the previous 7 days'),
    ('v_region_daily', 'conflict_share_z', 'robust z-score of conflict_share: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)'),
    ('v_region_daily', 'conflict_share_chg7', 'conflict_share minus its mean over the previous 7 days'),
    ('v_region_daily', 'documents_z', 'robust z-score of documents: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)'),
    ('v_region_daily', 'documents_chg7', 'documents minus its mean over the previous 7 days'),
    ('v_region_daily', 'publishers_z', 'robust z-score of publishers: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)'),
    ('v_region_daily', 'publishers_chg7', 'publishers minus its mean over the previous 7 days'),
    ('v_region_daily', 'un_documents_z', 'robust z-score of un_documents: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)'),
    ('v_region_daily', 'un_documents_chg7', 'un_documents minus its mean over the previous 7 days'),
    ('v_region_daily', 'dialogue_events_z', 'robust z-score of dialogue_events: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)'),
    ('v_region_daily', 'dialogue_events_chg7', 'dialogue_events minus its mean over the previous 7 days'),
    ('v_region_daily', 'dialogue_documents_z', 'robust z-score of dialogue_documents: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)'),
    ('v_region_daily', 'dialogue_documents_chg7', 'dialogue_documents minus its mean over the previous 7 days'),
    ('v_region_daily', 'incidents_z', 'robust z-score of incidents: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)'),
    ('v_region_daily', 'incidents_chg7', 'incidents minus its mean over the previous 7 days'),
    ('v_region_daily', 'conflict_incidents_z', 'robust z-score of conflict_incidents: (value - median) / (1.4826 x MAD) of the previous 28 days, MAD floored (docs/indicators.md)'),
    ('v_region_daily', 'conflict_incidents_chg7', 'conflict_incidents minus its mean over the previous 7 days'),
    ('v_region_daily', 'tension_index', 'the level, 0 (calm) to 100, of the last 7 days: [indicators.md](indicators.md#tension-index-and-change)'),
    ('v_region_daily', 'tension_change', 'conflict incidents of the last 7 days against the 7 before, in percent, smoothed by one incident a day'),
    ('v_region_daily', 'conflict_expected', 'the baseline''s mean conflict incidents per day, and the negative-binomial size of the daily counts estimated over the dispersion window (NULL: no variance beyond the mean''s), the tests add the uncertainty of the baseline mean ([indicators.md](indicators.md#alerts))'),
    ('v_region_daily', 'conflict_size', 'the baseline''s mean conflict incidents per day, and the negative-binomial size of the daily counts estimated over the dispersion window (NULL: no variance beyond the mean''s), the tests add the uncertainty of the baseline mean ([indicators.md](indicators.md#alerts))'),
    ('v_region_daily', 'escalation_p', 'p-values of the escalation (the smaller of the 1-day and 2-day upper tails, times 2) and de-escalation (7 days, lower tail) tests, 1 when the count is on the other side of its expectation, NULL when not evaluable'),
    ('v_region_daily', 'deescalation_p', 'p-values of the escalation (the smaller of the 1-day and 2-day upper tails, times 2) and de-escalation (7 days, lower tail) tests, 1 when the count is on the other side of its expectation, NULL when not evaluable'),
    ('v_region_daily', 'dialogue_activity', 'dialogue events + dialogue documents'),
    ('v_region_daily', 'dialogue_expected', 'dyadic regions: the baseline''s mean dialogue events per day, NULL for internal regions'),
    ('v_region_daily', 'dialogue_gap_p', 'dyadic regions: p-values of the dialogue tests on dialogue events (7 days lower tail, 2 days upper tail), NULL for internal regions'),
    ('v_region_daily', 'dialogue_opening_p', 'dyadic regions: p-values of the dialogue tests on dialogue events (7 days lower tail, 2 days upper tail), NULL for internal regions'),
    ('v_region_daily', 'coverage', 'dyadic regions: observed (dialogue in the baseline, or sources of both sides reporting) or no coverage, NULL for internal regions'),
    ('v_region_daily', 'acled_events', 'member ACLED events and their fatalities that day (docs/indicators.md, "Curated data"), NULL (unknown, not zero) on days ACLED does not cover: after its latest published event date, before its first, or in a region outside its sources'' countries'),
    ('v_region_daily', 'acled_fatalities', 'member ACLED events and their fatalities that day (docs/indicators.md, "Curated data"), NULL (unknown, not zero) on days ACLED does not cover: after its latest published event date, before its first, or in a region outside its sources'' countries'),
    ('v_region_daily', 'ucdp_events', 'the same for UCDP (GED through its last day, Candidate after it), with UCDP''s best, low and high estimates'),
    ('v_region_daily', 'ucdp_fatalities', 'the same for UCDP (GED through its last day, Candidate after it), with UCDP''s best, low and high estimates'),
    ('v_region_daily', 'ucdp_fatalities_low', 'the same for UCDP (GED through its last day, Candidate after it), with UCDP''s best, low and high estimates'),
    ('v_region_daily', 'ucdp_fatalities_high', 'the same for UCDP (GED through its last day, Candidate after it), with UCDP''s best, low and high estimates'),
    ('v_region_daily', 'region_type', 'dyadic or internal (from regions)'),
    ('v_region_documents', 'region_id', 'the region'),
    ('v_region_documents', 'doc_id', 'as in documents'),
    ('v_region_documents', 'source_id', 'as in documents'),
    ('v_region_documents', 'publisher', 'as in documents'),
    ('v_region_documents', 'perspective', 'un, international or an ISO3 code'),
    ('v_region_documents', 'title', 'as in documents'),
    ('v_region_documents', 'url', 'as in documents'),
    ('v_region_documents', 'published_at', 'as in documents'),
    ('v_region_documents', 'fetched_at', 'as in documents'),
    ('v_region_documents', 'mentions', 'how often the region''s countries and keywords occur in title and summary'),
    ('v_source_status', 'source_id', 'as in sources'),
    ('v_source_status', 'kind', 'as in sources'),
    ('v_source_status', 'publisher', 'as in sources'),
    ('v_source_status', 'perspective', 'as in sources'),
    ('v_source_status', 'enabled', 'as in sources'),
    ('v_source_status', 'last_success', 'start of the last fetch that was ok or not_modified'),
    ('v_source_status', 'last_failure', 'start of the last failed fetch'),
    ('v_source_status', 'last_error', 'the error of that failed fetch'),
    ('v_source_status', 'fetches', 'fetches recorded in ingest_runs, all and failed'),
    ('v_source_status', 'failed_fetches', 'fetches recorded in ingest_runs, all and failed');
COMMENT ON TABLE dictionary_view_columns IS 'Descriptions of view columns (DuckLake comments tables and their columns only): tracktwo describe reads them.';
COMMENT ON COLUMN dictionary_view_columns.view_name IS 'the view';
COMMENT ON COLUMN dictionary_view_columns.column_name IS 'its column';
COMMENT ON COLUMN dictionary_view_columns.comment IS 'what the column holds';
