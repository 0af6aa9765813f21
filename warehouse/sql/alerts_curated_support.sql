-- Which curated datasets agree with each alert (docs/indicators.md, "Curated data"): per series (ACLED,
-- UCDP), its fatalities over the test window against its mean over the $baseline days before the window.
-- An escalation is supported ("agrees") when the window's fatalities exceed the expected, a de-escalation
-- when they fall below it; equal counts show no difference. Dialogue alerts make no claim about fatalities
-- and get none. This is a description beside the test, not a test of its own. A series
-- that does not cover every day of the window ("covers 1 of these 2 days"; none: "does not cover these days"),
-- or fewer than $min_base days of the baseline, says so;
-- one covering none of these days is left out (NULL: no curated data).
CREATE OR REPLACE TEMP TABLE ind_curated_support AS
WITH s AS (
    SELECT a.alert_id, a.kind, a.window_days, x.series,
           sum(x.f) FILTER (b.day > a.day - a.window_days) AS obs,
           count(x.f) FILTER (b.day > a.day - a.window_days) AS obs_days,
           avg(x.f) FILTER (b.day <= a.day - a.window_days) AS base_mean,
           count(x.f) FILTER (b.day <= a.day - a.window_days) AS base_days
    FROM ind_alerts a
    JOIN ind_base b ON b.region_id = a.region_id
                   AND b.day BETWEEN a.day - (a.window_days - 1) - CAST($baseline AS INTEGER) AND a.day
    CROSS JOIN LATERAL (VALUES ('ACLED', b.acled_fatalities), ('UCDP', b.ucdp_fatalities)) x(series, f)
    WHERE a.kind IN ('escalation', 'de-escalation')
    GROUP BY ALL
    HAVING count(x.f) > 0  -- a series with no covered day around the alert is not mentioned
)
SELECT alert_id, string_agg(
    series || CASE
        WHEN obs_days = 0 THEN ' does not cover these days'
        WHEN obs_days < window_days THEN ' covers ' || obs_days || ' of these ' || window_days || ' days'
        WHEN base_days < $min_base THEN ' has too short a baseline'
        ELSE ' ' || CASE WHEN obs = base_mean * window_days THEN 'shows no difference'
                         WHEN (kind = 'de-escalation') = (obs < base_mean * window_days) THEN 'agrees'
                         ELSE 'does not agree' END
             || ' (' || obs || CASE WHEN obs = 1 THEN ' fatality, ' ELSE ' fatalities, ' END
             || round(base_mean * window_days, 1) || ' expected)'
    END, chr(59) || ' ' ORDER BY series) AS curated_support,  -- chr(59): statements are split on semicolons
       -- a series covering the window and its baseline agrees: what a `high` de-escalation needs (alerts_write)
       coalesce(bool_or(obs_days >= window_days AND base_days >= $min_base AND obs <> base_mean * window_days
                        AND (kind = 'de-escalation') = (obs < base_mean * window_days)), false) AS curated_agrees
FROM s
GROUP BY alert_id;

CREATE OR REPLACE TEMP TABLE ind_alerts AS
SELECT a.*, s.curated_support, coalesce(s.curated_agrees, false) AS curated_agrees
FROM ind_alerts a LEFT JOIN ind_curated_support s USING (alert_id)
