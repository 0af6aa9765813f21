-- One row per configured region and day from the first to the last day with data:
-- recomputed days from ind_base_new, other days from the stored current rows (incremental),
-- zeros where neither has a row.
-- Partial days (docs/indicators.md): after $through, the last day the event feed has finished,
-- the event-based columns are NULL (events of such a day are still arriving); document columns stay.
-- $through NULL (no events at all): no partial days.
CREATE OR REPLACE TEMP TABLE ind_base AS
WITH stored AS (
    SELECT region_id, day, events_total, verbal_coop, material_coop, verbal_conflict, material_conflict,
           goldstein_mean, tone_mean, conflict_share, documents, publishers, un_documents, fatalities,
           dialogue_events, dialogue_documents
    FROM region_daily_current
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
    SELECT r.region_id, days.d::DATE AS day, coalesce(days.d::DATE > $through::DATE, false) AS partial
    FROM ind_regions r, days
)
SELECT grid.region_id, grid.day,
       CASE WHEN NOT partial THEN coalesce(h.events_total, 0) END AS events_total,
       CASE WHEN NOT partial THEN coalesce(h.verbal_coop, 0) END AS verbal_coop,
       CASE WHEN NOT partial THEN coalesce(h.material_coop, 0) END AS material_coop,
       CASE WHEN NOT partial THEN coalesce(h.verbal_conflict, 0) END AS verbal_conflict,
       CASE WHEN NOT partial THEN coalesce(h.material_conflict, 0) END AS material_conflict,
       CASE WHEN NOT partial THEN h.goldstein_mean END AS goldstein_mean,
       CASE WHEN NOT partial THEN h.tone_mean END AS tone_mean,
       CASE WHEN NOT partial THEN coalesce(h.conflict_share, 0) END AS conflict_share,
       coalesce(h.documents, 0) AS documents,
       coalesce(h.publishers, 0) AS publishers,
       coalesce(h.un_documents, 0) AS un_documents,
       h.fatalities,
       CASE WHEN NOT partial THEN coalesce(h.dialogue_events, 0) END AS dialogue_events,
       coalesce(h.dialogue_documents, 0) AS dialogue_documents,
       grid.partial
FROM grid LEFT JOIN have h USING (region_id, day)
