-- Inputs of the alert tests (docs/indicators.md, "Alerts"), per region and day: the counts over the test
-- windows, and the baseline of conflict incidents and of dialogue activity. The baseline mean is taken over
-- $baseline days and the dispersion over $dispersion days, both ending $guard days before the day, so a
-- change is tested against what came before it. Partial days are NULL and count in no window.
-- The dialogue tests count dialogue events (GDELT's coverage is continuous; document counts change with the
-- feeds configured, so a newly added feed would look like an opening).
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
           CASE WHEN count(dialogue_events) OVER w7 >= 2
                THEN (dialogue_events - avg(dialogue_events) OVER w7) ^ 2
                     * count(dialogue_events) OVER w7 / (count(dialogue_events) OVER w7 - 1) END AS da_dev2
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
           sum(dialogue_events) OVER w2 AS da_2d,
           count(dialogue_events) OVER w2 AS da_2d_n,
           sum(dialogue_events) OVER w7 AS da_7d,
           count(dialogue_events) OVER w7 AS da_7d_n,
           avg(dialogue_events) OVER wb AS da_mean,
           avg(dialogue_events) OVER wd AS da_dmean,
           avg(da_dev2) OVER wd AS da_dvar,
           count(dialogue_events) OVER wd AS da_dn,
           sum(dialogue_events) OVER wd AS da_dsum,
           sum(side_a_sources) OVER w7 AS side_a_7d, sum(side_b_sources) OVER w7 AS side_b_7d
    FROM r
    WINDOW w2 AS (PARTITION BY region_id ORDER BY day RANGE BETWEEN INTERVAL 1 DAY PRECEDING AND CURRENT ROW),
           w7 AS (PARTITION BY region_id ORDER BY day RANGE BETWEEN INTERVAL 6 DAY PRECEDING AND CURRENT ROW),
           wb AS (PARTITION BY region_id ORDER BY day
                  RANGE BETWEEN to_days(CAST($guard + $baseline - 1 AS INTEGER)) PRECEDING
                            AND to_days(CAST($guard AS INTEGER)) PRECEDING),
           wd AS (PARTITION BY region_id ORDER BY day
                  RANGE BETWEEN to_days(CAST($guard + $dispersion - 1 AS INTEGER)) PRECEDING
                            AND to_days(CAST($guard AS INTEGER)) PRECEDING)
),
-- Each day's errors: its 1-, 2- and 7-day counts against its own baseline mean, squared (NULL where that window
-- or baseline is incomplete). Their median over a day's dispersion window, divided by 0.454936 (the median of a
-- squared standard normal), is the variance floor of its tests (warehouse.indicators): where counts come in
-- waves the model's variance, built from independent days, is too small. A median: a past step (its errors
-- fill fewer than half the window's days) raises the floor for the next months but does not take it over.
err AS (
    SELECT *,
           CASE WHEN ci_base_n >= $min_base THEN (conflict_incidents - greatest(ci_mean, 0.5)) ^ 2 END AS ci_e1,
           CASE WHEN ci_base_n >= $min_base AND ci_2d_n = 2 THEN (ci_2d - 2 * greatest(ci_mean, 0.5)) ^ 2 END AS ci_e2,
           CASE WHEN ci_base_n >= $min_base AND ci_7d_n = 7 THEN (ci_7d - 7 * greatest(ci_mean, 0.5)) ^ 2 END AS ci_e7,
           CASE WHEN ci_base_n >= $min_base AND da_2d_n = 2 THEN (da_2d - 2 * greatest(da_mean, 0.5)) ^ 2 END AS da_e2,
           CASE WHEN ci_base_n >= $min_base AND da_7d_n = 7 THEN (da_7d - 7 * greatest(da_mean, 0.5)) ^ 2 END AS da_e7
    FROM w
),
fl AS (
    SELECT * EXCLUDE (ci_e1, ci_e2, ci_e7, da_e2, da_e7),
           CASE WHEN count(ci_e1) OVER wd >= $min_dispersion THEN median(ci_e1) OVER wd / 0.454936 END AS ci_v1,
           CASE WHEN count(ci_e2) OVER wd >= $min_dispersion THEN median(ci_e2) OVER wd / 0.454936 END AS ci_v2,
           CASE WHEN count(ci_e7) OVER wd >= $min_dispersion THEN median(ci_e7) OVER wd / 0.454936 END AS ci_v7,
           CASE WHEN count(da_e2) OVER wd >= $min_dispersion THEN median(da_e2) OVER wd / 0.454936 END AS da_v2,
           CASE WHEN count(da_e7) OVER wd >= $min_dispersion THEN median(da_e7) OVER wd / 0.454936 END AS da_v7
    FROM err
    WINDOW wd AS (PARTITION BY region_id ORDER BY day
                  RANGE BETWEEN to_days(CAST($guard + $dispersion - 1 AS INTEGER)) PRECEDING
                            AND to_days(CAST($guard AS INTEGER)) PRECEDING)
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
       CASE WHEN region_type <> 'dyadic' THEN NULL
            WHEN coalesce(da_dsum, 0) > 0 OR (coalesce(side_a_7d, 0) > 0 AND coalesce(side_b_7d, 0) > 0)
            THEN 'observed' ELSE 'no coverage' END AS coverage
FROM fl
