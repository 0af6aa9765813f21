-- The tension index: a LEVEL, 0-100, from the last $level_window days (day included), with no baseline in
-- it, so a conflict that stays intense stays high (docs/indicators.md, "Tension index and change"):
--   100 * (w_int * c / (c + half) + w_cs * share) / (w_int + w_cs)
-- c = mean conflict incidents per evaluable day of the window, share = conflict events / counted events
-- over the window. Both parts rise with material conflict, all else equal. NULL on partial days.
-- tension_change: the index minus its value $change_days days before (NULL when that day has none).
CREATE OR REPLACE TEMP TABLE ind_level AS
WITH w AS (
    SELECT *,
           avg(conflict_incidents) OVER lw AS level_c,
           sum(verbal_conflict + material_conflict) OVER lw AS level_conflict,
           sum(events_total) OVER lw AS level_events
    FROM ind_z1
    WINDOW lw AS (PARTITION BY region_id ORDER BY day
                  RANGE BETWEEN to_days(CAST($level_window - 1 AS INTEGER)) PRECEDING AND CURRENT ROW)
),
lv AS (
    SELECT * EXCLUDE (level_c, level_conflict, level_events),
           CASE WHEN NOT partial AND level_c IS NOT NULL THEN
               round(100 * ($w_int * level_c / (level_c + $half)
                            + $w_cs * coalesce(level_conflict / nullif(level_events, 0), 0)) / ($w_int + $w_cs), 2)
           END AS tension_index
    FROM w
)
SELECT *,
       round(tension_index - first_value(tension_index) OVER (
           PARTITION BY region_id ORDER BY day
           RANGE BETWEEN to_days(CAST($change_days AS INTEGER)) PRECEDING
                     AND to_days(CAST($change_days AS INTEGER)) PRECEDING), 2) AS tension_change
FROM lv
