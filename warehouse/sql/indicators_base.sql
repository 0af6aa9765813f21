-- Daily aggregates per region for the days in temp table ind_days, from event_regions (membership, the
-- evidence filter, incidents) and documents. Only (region, day) pairs with some data come out; zero days
-- are filled by indicators_grid.sql.j2.
CREATE OR REPLACE TEMP TABLE ind_base_new AS
WITH mem AS (
    SELECT er.region_id, er.day, er.event_id, er.counted, er.incident_id, er.actor1_side, er.actor2_side,
           e.quad_class, e.root_code, e.goldstein, e.avg_tone, greatest(coalesce(e.num_mentions, 1), 1) AS w
    FROM event_regions er JOIN events e USING (event_id)
    WHERE er.day IN (SELECT day FROM ind_days)
      AND e.event_date IN (SELECT day FROM ind_days)  -- the same day: lets the scan of events skip the rest
),
ev_agg AS (
    SELECT region_id, day,
           count(*) AS events_raw,
           count(*) FILTER (counted) AS events_total,
           count(*) FILTER (counted AND quad_class = 1) AS verbal_coop,
           count(*) FILTER (counted AND quad_class = 2) AS material_coop,
           count(*) FILTER (counted AND quad_class = 3) AS verbal_conflict,
           count(*) FILTER (counted AND quad_class = 4) AS material_conflict,
           count(DISTINCT incident_id) FILTER (counted) AS incidents,
           count(DISTINCT incident_id) FILTER (counted AND quad_class = 4) AS conflict_incidents,
           count(DISTINCT incident_id) FILTER (counted AND quad_class IN (1, 2)) AS cooperation_incidents,
           -- exact (DECIMAL) sums: the same events give the same mean whatever the summation order,
           -- so incremental and full runs round identically
           sum(goldstein::DECIMAL(18, 6) * w) FILTER (counted AND goldstein IS NOT NULL)::DOUBLE
               / sum(w) FILTER (counted AND goldstein IS NOT NULL) AS goldstein_mean,
           sum(avg_tone::DECIMAL(18, 6) * w) FILTER (counted AND avg_tone IS NOT NULL)::DOUBLE
               / sum(w) FILTER (counted AND avg_tone IS NOT NULL) AS tone_mean,
           -- Track-I dialogue: counted events between the two sides with a dialogue CAMEO root (03-05)
           count(*) FILTER (counted AND actor1_side IS NOT NULL AND actor2_side IS NOT NULL
                            AND actor1_side <> actor2_side AND root_code IN (SELECT unnest($roots))) AS dialogue_events
    FROM mem
    GROUP BY ALL
),
shared AS (
    -- counted member events that also belong to another region: the regions overlap that day
    SELECT a.region_id, a.day, count(DISTINCT a.event_id) AS shared_events,
           list_sort(list_distinct(list(b.region_id))) AS overlapping_regions
    FROM event_regions a
    JOIN event_regions b ON b.day = a.day AND b.event_id = a.event_id AND b.region_id <> a.region_id AND b.counted
    WHERE a.day IN (SELECT day FROM ind_days) AND a.counted
    GROUP BY ALL
),
docs AS (
    SELECT p.region_id, d.published_at::DATE AS day, d.doc_id,
           coalesce(d.publisher, d.source_id) AS publisher,
           coalesce(s.perspective, d.perspective) AS perspective,
           regexp_matches(coalesce(d.title, '') || ' ' || coalesce(d.summary, ''), $pattern) AS dialogue,
           regexp_matches(coalesce(d.title, '') || ' ' || coalesce(d.summary, ''), $conflict_pattern) AS conflict
    FROM documents d
    JOIN (SELECT DISTINCT doc_id, place_id AS region_id FROM document_places WHERE place_type = 'region') p USING (doc_id)
    JOIN ind_regions r ON r.region_id = p.region_id
    LEFT JOIN sources s ON s.source_id = d.source_id
    WHERE d.published_at IS NOT NULL AND d.published_at::DATE IN (SELECT day FROM ind_days)
),
doc_agg AS (
    SELECT region_id, day,
           count(*) AS documents,
           count(DISTINCT publisher) AS publishers,
           count(*) FILTER (perspective = 'un') AS un_documents,
           count(*) FILTER (dialogue) AS dialogue_documents,
           count(*) FILTER (conflict) AS conflict_documents
    FROM docs
    GROUP BY ALL
),
side_src AS (
    -- sources of each side's countries that published anything that day (who is reporting at all)
    SELECT s.region_id, d.published_at::DATE AS day,
           count(DISTINCT d.source_id) FILTER (s.side = 'a') AS side_a_sources,
           count(DISTINCT d.source_id) FILTER (s.side = 'b') AS side_b_sources
    FROM documents d JOIN ind_side_sources s ON s.source_id = d.source_id
    WHERE d.published_at IS NOT NULL AND d.published_at::DATE IN (SELECT day FROM ind_days)
    GROUP BY ALL
),
cur_agg AS (
    -- curated events (membership: curated_membership.sql). UCDP is one series per region: GED (final) through
    -- its last day there (ind_curated_coverage.ged_through), Candidate (preliminary) after it: no death counted twice
    SELECT m.region_id, m.day,
           count(*) FILTER (m.dataset = 'acled') AS acled_events,
           sum(e.fatalities_best) FILTER (m.dataset = 'acled') AS acled_fatalities,
           count(*) FILTER (ucdp) AS ucdp_events,
           sum(e.fatalities_best) FILTER (ucdp) AS ucdp_fatalities,
           sum(e.fatalities_low) FILTER (ucdp) AS ucdp_fatalities_low,
           sum(e.fatalities_high) FILTER (ucdp) AS ucdp_fatalities_high
    FROM (SELECT r.*, (r.dataset = 'ucdp_ged' AND v.ged_through IS NOT NULL AND r.day <= v.ged_through)
                      OR (r.dataset = 'ucdp_candidate' AND r.day > coalesce(v.ged_through, DATE '0001-01-01')) AS ucdp
          FROM curated_event_regions r LEFT JOIN ind_curated_coverage v USING (region_id)
          WHERE r.day IN (SELECT day FROM ind_days)) m
    JOIN curated_events e USING (event_id)
    -- an event dated only to a month or a year (ACLED time_precision 3, UCDP date_prec 4-5) is not put on a day
    WHERE coalesce(e.date_precision, 1) <= CASE WHEN e.dataset = 'acled' THEN 2 ELSE 3 END
    GROUP BY ALL
),
keys AS (
    SELECT region_id, day FROM ev_agg
    UNION SELECT region_id, day FROM doc_agg
    UNION SELECT region_id, day FROM side_src
    UNION SELECT region_id, day FROM cur_agg
)
SELECT k.region_id, k.day,
       coalesce(e.events_raw, 0) AS events_raw,
       coalesce(e.events_total, 0) AS events_total,
       coalesce(e.verbal_coop, 0) AS verbal_coop,
       coalesce(e.material_coop, 0) AS material_coop,
       coalesce(e.verbal_conflict, 0) AS verbal_conflict,
       coalesce(e.material_conflict, 0) AS material_conflict,
       coalesce(e.incidents, 0) AS incidents,
       coalesce(e.conflict_incidents, 0) AS conflict_incidents,
       coalesce(e.cooperation_incidents, 0) AS cooperation_incidents,
       round(e.goldstein_mean, 6) AS goldstein_mean,
       round(e.tone_mean, 6) AS tone_mean,
       CASE WHEN coalesce(e.events_total, 0) > 0
            THEN round((e.verbal_conflict + e.material_conflict) / e.events_total, 6) ELSE 0 END AS conflict_share,
       coalesce(d.documents, 0) AS documents,
       coalesce(d.publishers, 0) AS publishers,
       coalesce(d.un_documents, 0) AS un_documents,
       coalesce(d.dialogue_documents, 0) AS dialogue_documents,
       coalesce(d.conflict_documents, 0) AS conflict_documents,
       coalesce(ss.side_a_sources, 0) AS side_a_sources,
       coalesce(ss.side_b_sources, 0) AS side_b_sources,
       NULL::DOUBLE AS fatalities,  -- set by the grid from the covered curated columns
       coalesce(e.dialogue_events, 0) AS dialogue_events,
       coalesce(sh.shared_events, 0) AS shared_events,
       coalesce(sh.overlapping_regions, []::VARCHAR[]) AS overlapping_regions,
       cu.acled_events, cu.acled_fatalities, cu.ucdp_events, cu.ucdp_fatalities, cu.ucdp_fatalities_low,
       cu.ucdp_fatalities_high
FROM keys k
LEFT JOIN ev_agg e USING (region_id, day)
LEFT JOIN doc_agg d USING (region_id, day)
LEFT JOIN side_src ss USING (region_id, day)
LEFT JOIN shared sh USING (region_id, day)
LEFT JOIN cur_agg cu USING (region_id, day)
