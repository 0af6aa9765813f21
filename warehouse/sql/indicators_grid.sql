-- One row per configured region and day from the first to the last day with data:
-- recomputed days from ind_base_new, other days from the stored rows (incremental),
-- zeros where neither has a row.
CREATE OR REPLACE TEMP TABLE ind_base AS
WITH stored AS (
    SELECT region_id, day, events_total, verbal_coop, material_coop, verbal_conflict, material_conflict,
           goldstein_mean, tone_mean, conflict_share, documents, publishers, un_documents, fatalities,
           dialogue_events, dialogue_documents
    FROM v_region_daily
    WHERE $use_stored
      AND day NOT IN (SELECT day FROM ind_days)
      AND region_id IN (SELECT region_id FROM ind_regions)
),
have AS (
    SELECT * FROM ind_base_new
    UNION ALL
    SELECT * FROM stored
),
span AS (
    SELECT min(day) AS lo, max(day) AS hi FROM have
    WHERE events_total > 0 OR documents > 0 OR dialogue_events > 0
),
days AS (
    SELECT unnest(generate_series(lo, hi, INTERVAL 1 DAY)) AS d FROM span WHERE lo IS NOT NULL
),
grid AS (
    SELECT r.region_id, days.d::DATE AS day FROM ind_regions r, days
)
SELECT grid.region_id, grid.day,
       coalesce(h.events_total, 0) AS events_total,
       coalesce(h.verbal_coop, 0) AS verbal_coop,
       coalesce(h.material_coop, 0) AS material_coop,
       coalesce(h.verbal_conflict, 0) AS verbal_conflict,
       coalesce(h.material_conflict, 0) AS material_conflict,
       h.goldstein_mean,
       h.tone_mean,
       coalesce(h.conflict_share, 0) AS conflict_share,
       coalesce(h.documents, 0) AS documents,
       coalesce(h.publishers, 0) AS publishers,
       coalesce(h.un_documents, 0) AS un_documents,
       h.fatalities,
       coalesce(h.dialogue_events, 0) AS dialogue_events,
       coalesce(h.dialogue_documents, 0) AS dialogue_documents
FROM grid LEFT JOIN have h USING (region_id, day)
