-- Daily aggregates per region for the days in temp table ind_days, from events and documents.
-- Only (region, day) pairs with some data come out, zero days are filled by indicators_grid.sql.
CREATE OR REPLACE TEMP TABLE ind_base_new AS
WITH ev AS (
    SELECT event_date, actor1_iso3, actor2_iso3, action_iso3, quad_class, goldstein, avg_tone,
           greatest(coalesce(num_mentions, 1), 1) AS w
    FROM events
    WHERE event_date IN (SELECT day FROM ind_days)
),
/*MEMBER_EVENTS*/,
ev_agg AS (
    SELECT region_id, event_date AS day,
           count(*) AS events_total,
           count(*) FILTER (quad_class = 1) AS verbal_coop,
           count(*) FILTER (quad_class = 2) AS material_coop,
           count(*) FILTER (quad_class = 3) AS verbal_conflict,
           count(*) FILTER (quad_class = 4) AS material_conflict,
           -- exact (DECIMAL) sums: the same events give the same mean whatever the summation order,
           -- so incremental and full runs round identically
           sum(goldstein::DECIMAL(18, 6) * w) FILTER (goldstein IS NOT NULL)::DOUBLE
               / sum(w) FILTER (goldstein IS NOT NULL) AS goldstein_mean,
           sum(avg_tone::DECIMAL(18, 6) * w) FILTER (avg_tone IS NOT NULL)::DOUBLE
               / sum(w) FILTER (avg_tone IS NOT NULL) AS tone_mean
    FROM member
    GROUP BY ALL
),
dlg AS (
    SELECT y.region_id, e.event_date AS day, count(*) AS dialogue_events
    FROM events e
    JOIN ind_dyads y ON least(e.actor1_iso3, e.actor2_iso3) = y.lo AND greatest(e.actor1_iso3, e.actor2_iso3) = y.hi
    WHERE e.event_date IN (SELECT day FROM ind_days)
      AND e.actor1_iso3 IS NOT NULL AND e.actor2_iso3 IS NOT NULL
      AND e.root_code IN (SELECT unnest($roots))
    GROUP BY ALL
),
docs AS (
    SELECT p.region_id, d.published_at::DATE AS day, d.doc_id,
           coalesce(d.publisher, d.source_id) AS publisher,
           coalesce(s.perspective, d.perspective) AS perspective,
           regexp_matches(coalesce(d.title, '') || ' ' || coalesce(d.summary, ''), $pattern) AS dialogue
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
           count(*) FILTER (dialogue) AS dialogue_documents
    FROM docs
    GROUP BY ALL
),
keys AS (
    SELECT region_id, day FROM ev_agg
    UNION SELECT region_id, day FROM dlg
    UNION SELECT region_id, day FROM doc_agg
)
SELECT k.region_id, k.day,
       coalesce(e.events_total, 0) AS events_total,
       coalesce(e.verbal_coop, 0) AS verbal_coop,
       coalesce(e.material_coop, 0) AS material_coop,
       coalesce(e.verbal_conflict, 0) AS verbal_conflict,
       coalesce(e.material_conflict, 0) AS material_conflict,
       round(e.goldstein_mean, 6) AS goldstein_mean,
       round(e.tone_mean, 6) AS tone_mean,
       CASE WHEN coalesce(e.events_total, 0) > 0
            THEN round((e.verbal_conflict + e.material_conflict) / e.events_total, 6) ELSE 0 END AS conflict_share,
       coalesce(d.documents, 0) AS documents,
       coalesce(d.publishers, 0) AS publishers,
       coalesce(d.un_documents, 0) AS un_documents,
       NULL::DOUBLE AS fatalities,
       coalesce(g.dialogue_events, 0) AS dialogue_events,
       coalesce(d.dialogue_documents, 0) AS dialogue_documents
FROM keys k
LEFT JOIN ev_agg e USING (region_id, day)
LEFT JOIN dlg g USING (region_id, day)
LEFT JOIN doc_agg d USING (region_id, day)
