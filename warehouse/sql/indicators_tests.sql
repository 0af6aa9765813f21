-- Inputs of the alert tests (docs/indicators.md, "Alerts"), per region and day: the counts over the test
-- windows, and the baseline of conflict incidents and of dialogue activity. The baseline mean is taken over
-- $baseline days and the dispersion over $dispersion days, both ending $guard days before the day, so a
-- change is tested against what came before it. Partial days are NULL and count in no window.
-- The dialogue tests count dialogue incidents (events between the sides with a dialogue CAMEO root, one meeting
-- coded from several articles once; GDELT's coverage is continuous, while document counts change with the feeds
-- configured, so a newly added feed would look like an opening).
-- The size k of the daily counts' negative binomial is estimated by moments over the dispersion window:
-- k = m^2 / max(v - m, 0), m its mean (at least 0.5) and v the day-to-day variance: each day's deviation from
-- the mean of its trailing 7 days (as many as there are, at least 2), squared and times n / (n - 1) (for n
-- independent days the deviation has (n - 1) / n of a day's variance), averaged over the window. A level that moved within the window (a war that calmed down two months ago)
-- is not day-to-day noise: the plain variance around the window's mean would count the move itself and make
-- every later test blind. No extra variance is Poisson (k NULL). warehouse.indicators adds the uncertainty
-- of the baseline mean (its n days) to every window.
CREATE OR REPLACE TEMP TABLE ind_tests AS
WITH r AS (
    SELECT *,
           CASE WHEN count(conflict_incidents) OVER w7 >= 2
                THEN (conflict_incidents - avg(conflict_incidents) OVER w7) ^ 2
                     * count(conflict_incidents) OVER w7 / (count(conflict_incidents) OVER w7 - 1) END AS ci_dev2,
           CASE WHEN count(dialogue_incidents) OVER w7 >= 2
                THEN (dialogue_incidents - avg(dialogue_incidents) OVER w7) ^ 2
                     * count(dialogue_incidents) OVER w7 / (count(dialogue_incidents) OVER w7 - 1) END AS da_dev2
    FROM ind_level
    WINDOW w7 AS (PARTITION BY region_id ORDER BY day RANGE BETWEEN INTERVAL 6 DAY PRECEDING AND CURRENT ROW)
),
w AS (
    SELECT *,
           dialogue_events + dialogue_documents AS dialogue_activity,
           sum(conflict_incidents) OVER w2 AS ci_2d, count(conflict_incidents) OVER w2 AS ci_2d_n,
           sum(conflict_incidents) OVER w7 AS ci_7d, count(conflict_incidents) OVER w7 AS ci_7d_n,
           avg(conflict_incidents) OVER wb AS ci_mean, count(conflict_incidents) OVER wb AS ci_base_n,
           avg(conflict_incidents) OVER wd AS ci_dmean, avg(ci_dev2) OVER wd AS ci_dvar,
           count(conflict_incidents) OVER wd AS ci_dn,
           sum(dialogue_incidents) OVER w2 AS da_2d,
           count(dialogue_incidents) OVER w2 AS da_2d_n,
           sum(dialogue_incidents) OVER w7 AS da_7d,
           count(dialogue_incidents) OVER w7 AS da_7d_n,
           avg(dialogue_incidents) OVER wb AS da_mean,
           avg(dialogue_incidents) OVER wd AS da_dmean,
           avg(da_dev2) OVER wd AS da_dvar,
           count(dialogue_incidents) OVER wd AS da_dn,
           sum(dialogue_incidents) OVER wd AS da_dsum,
           sum(side_a_sources) OVER w7 AS side_a_7d, sum(side_b_sources) OVER w7 AS side_b_7d,
           -- "while tension is high" (the dialogue alerts): the highest tension index over the test window and the
           -- $level_window days before it, so talks that dilute the conflict share do not switch off their own alert
           max(tension_index) OVER tp2 AS tension_peak_2d, max(tension_index) OVER tp7 AS tension_peak_7d
    FROM r
    WINDOW w2 AS (PARTITION BY region_id ORDER BY day RANGE BETWEEN INTERVAL 1 DAY PRECEDING AND CURRENT ROW),
           tp2 AS (PARTITION BY region_id ORDER BY day
                   RANGE BETWEEN to_days(CAST($level_window + 1 AS INTEGER)) PRECEDING AND CURRENT ROW),
           tp7 AS (PARTITION BY region_id ORDER BY day
                   RANGE BETWEEN to_days(CAST($level_window + 6 AS INTEGER)) PRECEDING AND CURRENT ROW),
           w7 AS (PARTITION BY region_id ORDER BY day RANGE BETWEEN INTERVAL 6 DAY PRECEDING AND CURRENT ROW),
           wb AS (PARTITION BY region_id ORDER BY day
                  RANGE BETWEEN to_days(CAST($guard + $baseline - 1 AS INTEGER)) PRECEDING
                            AND to_days(CAST($guard AS INTEGER)) PRECEDING),
           wd AS (PARTITION BY region_id ORDER BY day
                  RANGE BETWEEN to_days(CAST($guard + $dispersion - 1 AS INTEGER)) PRECEDING
                            AND to_days(CAST($guard AS INTEGER)) PRECEDING)
),
-- The variance floor of a day t's tests (warehouse.indicators, docs/indicators.md "Variance floor"): where counts
-- come in waves the model's variance, built from independent days, is too small, and the errors the same test made
-- before show it. Two medians of squared errors, each divided by 0.454936 (the median of a squared standard
-- normal), when at least $min_dispersion errors exist:
--   own (ci_o*, below): each day of t's dispersion window, its 1-, 2- and 7-day count against its own baseline
--       mean (what the test said that day);
--   t's (ci_v* of floors): each day s before t's baseline window (t - guard - dispersion + 1 .. t - guard -
--       baseline: 56 days with the defaults), its counts against t's own baseline mean, leaving out every s in
--       a stretch of change: a 7-day window holding s whose count is more than 5 of the model's standard
--       deviations (t's 7-day variance) from 7 times t's mean.
-- The floor is `own`, unless the days before t's baseline hold a stretch of change: then the smaller of the two
-- (none when either is missing). A past surge and its return fill most of `own`'s window (the surge against a
-- calm baseline, then the weeks whose baseline still holds it) and would blind the tests for months; right
-- after a surge, t's baseline still holds it and every earlier day is far from it, which inflates t's median
-- while `own` holds.
tm AS (
    SELECT region_id, day, greatest(ci_mean, 0.5) AS m, greatest(da_mean, 0.5) AS md,
           -- the model's variance of a day's count (negative binomial by the dispersion window; Poisson when
           -- no extra variance), times the baseline mean's uncertainty, for 7 days
           7 * (greatest(ci_mean, 0.5) + CASE WHEN ci_dvar > greatest(ci_dmean, 0.5)
                THEN (ci_dvar - greatest(ci_dmean, 0.5)) * (greatest(ci_mean, 0.5) / greatest(ci_dmean, 0.5)) ^ 2
                ELSE 0 END) * (1 + 7 / ci_base_n) AS ci_var7,
           7 * (greatest(da_mean, 0.5) + CASE WHEN da_dvar > greatest(da_dmean, 0.5)
                THEN (da_dvar - greatest(da_dmean, 0.5)) * (greatest(da_mean, 0.5) / greatest(da_dmean, 0.5)) ^ 2
                ELSE 0 END) * (1 + 7 / ci_base_n) AS da_var7
    FROM w
    WHERE ci_base_n >= $min_base AND ci_dn >= $min_dispersion AND affected AND NOT partial
),
pairs AS (
    SELECT t.region_id, t.day, s.day AS s_day, t.ci_var7, t.da_var7,
           s.conflict_incidents - t.m AS e1,
           CASE WHEN s.ci_2d_n = 2 THEN s.ci_2d - 2 * t.m END AS e2,
           CASE WHEN s.ci_7d_n = 7 THEN s.ci_7d - 7 * t.m END AS e7,
           CASE WHEN s.da_2d_n = 2 THEN s.da_2d - 2 * t.md END AS f2,
           CASE WHEN s.da_7d_n = 7 THEN s.da_7d - 7 * t.md END AS f7
    FROM tm t JOIN w s
      ON s.region_id = t.region_id
     AND s.day BETWEEN t.day - CAST($guard + $dispersion - 1 AS INTEGER) AND t.day - CAST($guard + $baseline AS INTEGER)
),
marked AS (
    SELECT *,
           coalesce(max(abs(e7)) OVER c7 > 5 * sqrt(ci_var7), false) AS ci_change,
           coalesce(max(abs(f7)) OVER c7 > 5 * sqrt(da_var7), false) AS da_change
    FROM pairs
    WINDOW c7 AS (PARTITION BY region_id, day ORDER BY s_day RANGE BETWEEN CURRENT ROW AND INTERVAL 6 DAY FOLLOWING)
),
floors AS (
    SELECT region_id, day, bool_or(ci_change) AS ci_changed, bool_or(da_change) AS da_changed,
           CASE WHEN count(e1) FILTER (NOT ci_change) >= $min_dispersion
                THEN median(e1 ^ 2) FILTER (NOT ci_change) / 0.454936 END AS ci_v1,
           CASE WHEN count(e2) FILTER (NOT ci_change) >= $min_dispersion
                THEN median(e2 ^ 2) FILTER (NOT ci_change) / 0.454936 END AS ci_v2,
           CASE WHEN count(e7) FILTER (NOT ci_change) >= $min_dispersion
                THEN median(e7 ^ 2) FILTER (NOT ci_change) / 0.454936 END AS ci_v7,
           CASE WHEN count(f2) FILTER (NOT da_change) >= $min_dispersion
                THEN median(f2 ^ 2) FILTER (NOT da_change) / 0.454936 END AS da_v2,
           CASE WHEN count(f7) FILTER (NOT da_change) >= $min_dispersion
                THEN median(f7 ^ 2) FILTER (NOT da_change) / 0.454936 END AS da_v7
    FROM marked
    GROUP BY region_id, day
),
-- `own`: each day's errors against its own baseline, their median over t's dispersion window.
own AS (
    SELECT *,
           CASE WHEN ci_base_n >= $min_base THEN (conflict_incidents - greatest(ci_mean, 0.5)) ^ 2 END AS ci_e1,
           CASE WHEN ci_base_n >= $min_base AND ci_2d_n = 2 THEN (ci_2d - 2 * greatest(ci_mean, 0.5)) ^ 2 END AS ci_e2,
           CASE WHEN ci_base_n >= $min_base AND ci_7d_n = 7 THEN (ci_7d - 7 * greatest(ci_mean, 0.5)) ^ 2 END AS ci_e7,
           CASE WHEN ci_base_n >= $min_base AND da_2d_n = 2 THEN (da_2d - 2 * greatest(da_mean, 0.5)) ^ 2 END AS da_e2,
           CASE WHEN ci_base_n >= $min_base AND da_7d_n = 7 THEN (da_7d - 7 * greatest(da_mean, 0.5)) ^ 2 END AS da_e7
    FROM w
),
ownfl AS (
    SELECT * EXCLUDE (ci_e1, ci_e2, ci_e7, da_e2, da_e7),
           CASE WHEN count(ci_e1) OVER wd >= $min_dispersion THEN median(ci_e1) OVER wd / 0.454936 END AS ci_o1,
           CASE WHEN count(ci_e2) OVER wd >= $min_dispersion THEN median(ci_e2) OVER wd / 0.454936 END AS ci_o2,
           CASE WHEN count(ci_e7) OVER wd >= $min_dispersion THEN median(ci_e7) OVER wd / 0.454936 END AS ci_o7,
           CASE WHEN count(da_e2) OVER wd >= $min_dispersion THEN median(da_e2) OVER wd / 0.454936 END AS da_o2,
           CASE WHEN count(da_e7) OVER wd >= $min_dispersion THEN median(da_e7) OVER wd / 0.454936 END AS da_o7
    FROM own
    WINDOW wd AS (PARTITION BY region_id ORDER BY day
                  RANGE BETWEEN to_days(CAST($guard + $dispersion - 1 AS INTEGER)) PRECEDING
                            AND to_days(CAST($guard AS INTEGER)) PRECEDING)
),
fl AS (
    SELECT o.* EXCLUDE (ci_o1, ci_o2, ci_o7, da_o2, da_o7),
           CASE WHEN NOT coalesce(f.ci_changed, false) THEN o.ci_o1
                WHEN f.ci_v1 IS NOT NULL AND o.ci_o1 IS NOT NULL THEN least(f.ci_v1, o.ci_o1) END AS ci_v1,
           CASE WHEN NOT coalesce(f.ci_changed, false) THEN o.ci_o2
                WHEN f.ci_v2 IS NOT NULL AND o.ci_o2 IS NOT NULL THEN least(f.ci_v2, o.ci_o2) END AS ci_v2,
           CASE WHEN NOT coalesce(f.ci_changed, false) THEN o.ci_o7
                WHEN f.ci_v7 IS NOT NULL AND o.ci_o7 IS NOT NULL THEN least(f.ci_v7, o.ci_o7) END AS ci_v7,
           CASE WHEN NOT coalesce(f.da_changed, false) THEN o.da_o2
                WHEN f.da_v2 IS NOT NULL AND o.da_o2 IS NOT NULL THEN least(f.da_v2, o.da_o2) END AS da_v2,
           CASE WHEN NOT coalesce(f.da_changed, false) THEN o.da_o7
                WHEN f.da_v7 IS NOT NULL AND o.da_o7 IS NOT NULL THEN least(f.da_v7, o.da_o7) END AS da_v7
    FROM ownfl o LEFT JOIN floors f USING (region_id, day)
)
SELECT *,
       CASE WHEN ci_base_n >= $min_base AND ci_dn >= $min_dispersion THEN greatest(ci_mean, 0.5) END AS conflict_expected,
       CASE WHEN ci_base_n >= $min_base AND ci_dn >= $min_dispersion AND ci_dvar > greatest(ci_dmean, 0.5)
            THEN round(greatest(ci_dmean, 0.5) ^ 2 / (ci_dvar - greatest(ci_dmean, 0.5)), 6) END AS conflict_size,
       CASE WHEN region_type = 'dyadic' AND ci_base_n >= $min_base AND ci_dn >= $min_dispersion
            THEN greatest(da_mean, 0.5) END AS dialogue_expected,
       CASE WHEN region_type = 'dyadic' AND ci_base_n >= $min_base AND ci_dn >= $min_dispersion
                 AND da_dvar > greatest(da_dmean, 0.5)
            THEN round(greatest(da_dmean, 0.5) ^ 2 / (da_dvar - greatest(da_dmean, 0.5)), 6) END AS dialogue_size,
       CASE WHEN region_type <> 'dyadic' OR partial THEN NULL  -- a day whose events are unknown: not known either
            WHEN coalesce(da_dsum, 0) > 0 OR (coalesce(side_a_7d, 0) > 0 AND coalesce(side_b_7d, 0) > 0)
            THEN 'observed' ELSE 'no coverage' END AS coverage
FROM fl
