-- Alerts from the tests of ind_derived (docs/indicators.md, "Alerts"). Each test passes at $alpha (the
-- family threshold split over the four tests); partial days raise none. The statistical severity is
-- low below $alpha, medium below $alpha / $medium_factor, high below $alpha / $high_factor; `high` also
-- needs corroboration (alerts_write.sql.j2). "While tension is high" (the dialogue alerts): the tension index reached
-- $dialogue_index on a day of the test window or of the $level_window days before it (tension_peak_*, ind_tests).
CREATE OR REPLACE TEMP TABLE ind_alerts AS
WITH fired AS (
    SELECT region_id, day, 'escalation' AS kind,
           CASE WHEN esc_window = 1 THEN 'conflict incidents of the day above the baseline'
                ELSE 'conflict incidents of the last 2 days above the baseline' END AS trigger,
           escalation_p AS p_value,  -- the smaller of the two tests' p-values, times 2 (Bonferroni)
           esc_window AS window_days,
           CASE WHEN esc_window = 1 THEN conflict_incidents ELSE ci_2d END::DOUBLE AS observed,
           CASE WHEN esc_window = 1 THEN conflict_expected ELSE 2 * conflict_expected END AS expected
    FROM ind_derived
    WHERE NOT partial AND escalation_p < $alpha AND conflict_incidents >= $min_incidents
    UNION ALL
    SELECT region_id, day, 'de-escalation', 'conflict incidents of the last 7 days below the baseline',
           deescalation_p, 7, ci_7d::DOUBLE, 7 * conflict_expected
    FROM ind_derived
    WHERE NOT partial AND deescalation_p < $alpha AND conflict_expected >= $min_expected
    UNION ALL
    SELECT region_id, day, 'dialogue-gap', 'dialogue incidents of the last 7 days below the baseline while tension is high (index at least ' || $dialogue_index_label || ' in the window or the ' || $level_window || ' days before)',
           dialogue_gap_p, 7, da_7d::DOUBLE, 7 * dialogue_expected
    FROM ind_derived
    WHERE NOT partial AND region_type = 'dyadic' AND coverage = 'observed' AND tension_peak_7d >= $dialogue_index
      AND dialogue_gap_p < $alpha
    UNION ALL
    SELECT region_id, day, 'dialogue-opening', 'dialogue incidents of the last 2 days above the baseline while tension is high (index at least ' || $dialogue_index_label || ' in the window or the ' || $level_window || ' days before)',
           dialogue_opening_p, 2, da_2d::DOUBLE, 2 * dialogue_expected
    FROM ind_derived
    WHERE NOT partial AND region_type = 'dyadic' AND coverage = 'observed' AND tension_peak_2d >= $dialogue_index
      AND dialogue_opening_p < $alpha
)
SELECT substr(md5(f.region_id || '|' || CAST(f.day AS VARCHAR) || '|' || f.kind), 1, 16) AS alert_id,
       f.region_id, f.day, f.kind, f.trigger, f.p_value, $alpha AS alpha, f.window_days::INTEGER AS window_days,
       f.observed, round(f.expected, 6) AS expected,
       d.tension_index, d.tension_change, d.conflict_incidents, d.dialogue_activity, d.coverage,
       CASE WHEN f.p_value < $alpha / $high_factor THEN 'high'
            WHEN f.p_value < $alpha / $medium_factor THEN 'medium' ELSE 'low' END AS stat_severity
FROM fired f JOIN ind_derived d ON d.region_id = f.region_id AND d.day = f.day
