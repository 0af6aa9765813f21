-- The tension index: a LEVEL, 0-100, from the last $level_window days (day included), with no baseline in
-- it, so a conflict that stays intense stays high (docs/indicators.md, "Tension index and change"): the larger of
--   news = 100 * (w_int * c / (c + half) + w_cs * share) / (w_int + w_cs)   and
--   100 * (w_int * c / (c + half) + w_cs * share + w_fat * f / (f + fat_half)) / (w_int + w_cs + w_fat),
-- so deaths raise the level where they say more than the news does, and their absence never lowers it: a
-- region whose curated data count no deaths stays on the scale of a region without curated data.
-- c = mean conflict incidents per evaluable day of the window, share = conflict events / counted events
-- over the window, f = mean curated fatalities per covered day of the window, on a day ACLED or UCDP
-- cover; after the last covered day (their publication lag: ACLED weekly, UCDP Candidate monthly), that
-- day's f for up to $fat_carry days, so the level does not jump when a dataset has not yet published a week;
-- the f terms are dropped, from the sum and the weights, when neither applies. Every part rises with the
-- conflict, all else equal. NULL on partial days.
-- tension_change: whether tension is rising or falling, in percent: conflict incidents of the last
-- $change_days days against the $change_days before, each smoothed by one incident a day, so a quiet
-- region's single incident is not a surge and a large conflict's change is not flattened by the level's
-- saturation: 100 * ((this + n) / (previous + n) - 1), n = $change_days. NULL unless both windows are complete.
CREATE OR REPLACE TEMP TABLE ind_level AS
WITH w AS (
    SELECT *,
           avg(conflict_incidents) OVER lw AS level_c,
           sum(verbal_conflict + material_conflict) OVER lw AS level_conflict,
           sum(events_total) OVER lw AS level_events,
           avg(fatalities) OVER lw AS window_f
    FROM ind_z1
    WINDOW lw AS (PARTITION BY region_id ORDER BY day
                  RANGE BETWEEN to_days(CAST($level_window - 1 AS INTEGER)) PRECEDING AND CURRENT ROW)
),
wf AS (
    SELECT * EXCLUDE (window_f),
           last_value(CASE WHEN fatalities IS NOT NULL THEN window_f END IGNORE NULLS) OVER (
               PARTITION BY region_id ORDER BY day
               RANGE BETWEEN to_days(CAST($fat_carry AS INTEGER)) PRECEDING AND CURRENT ROW) AS level_f
    FROM w
),
parts AS (
    SELECT * EXCLUDE (level_c, level_conflict, level_events, level_f),
           CASE WHEN NOT partial AND level_c IS NOT NULL THEN
               $w_int * level_c / (level_c + $half) + $w_cs * coalesce(level_conflict / nullif(level_events, 0), 0)
           END AS news_part,
           $w_fat * level_f / (level_f + $fat_half) AS fatalities_part
    FROM wf
),
lv AS (
    SELECT * EXCLUDE (news_part, fatalities_part),
           round(100 * greatest(news_part / nullif($w_int + $w_cs, 0),
                                (news_part + fatalities_part) / nullif($w_int + $w_cs + $w_fat, 0)), 2) AS tension_index
    FROM parts
)
SELECT * EXCLUDE (this_c, this_n, prev_c, prev_n),
       CASE WHEN this_n = $change_days AND prev_n = $change_days
            THEN round(100 * ((this_c + $change_days) / (prev_c + $change_days) - 1), 1) END AS tension_change
FROM (
    SELECT *,
           sum(conflict_incidents) OVER cw AS this_c, count(conflict_incidents) OVER cw AS this_n,
           sum(conflict_incidents) OVER pw AS prev_c, count(conflict_incidents) OVER pw AS prev_n
    FROM lv
    WINDOW cw AS (PARTITION BY region_id ORDER BY day
                  RANGE BETWEEN to_days(CAST($change_days - 1 AS INTEGER)) PRECEDING AND CURRENT ROW),
           pw AS (PARTITION BY region_id ORDER BY day
                  RANGE BETWEEN to_days(CAST(2 * $change_days - 1 AS INTEGER)) PRECEDING
                            AND to_days(CAST($change_days AS INTEGER)) PRECEDING)
)
