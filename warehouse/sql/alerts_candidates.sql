-- Alerts from the derived series (temp ind_derived); rules in docs/indicators.md. Partial days (events
-- still arriving, event-based columns NULL) raise none.
CREATE OR REPLACE TEMP TABLE ind_alerts AS
WITH esc AS (
    SELECT *,
           CASE WHEN tension_index_z >= $z AND events_total >= $min_events THEN tension_index_z END AS t_index,
           CASE WHEN material_conflict_z >= $z AND material_conflict >= $min_mc THEN material_conflict_z END AS t_mc,
           CASE WHEN conflict_share_z >= $z AND events_total >= $min_events THEN conflict_share_z END AS t_cs
    FROM ind_derived WHERE NOT partial
),
deesc AS (
    SELECT *,
           CASE WHEN tension_index_z <= -$z AND material_conflict_med >= $min_mc THEN tension_index_z END AS t_index,
           CASE WHEN material_conflict_z <= -$z AND material_conflict_med >= $min_mc THEN material_conflict_z END AS t_mc
    FROM ind_derived WHERE NOT partial
),
fired AS (
    SELECT region_id, day, 'escalation' AS kind,
           concat_ws(', ', CASE WHEN t_index IS NOT NULL THEN 'tension_index_z>=' || $z END,
                           CASE WHEN t_mc IS NOT NULL THEN 'material_conflict_z>=' || $z END,
                           CASE WHEN t_cs IS NOT NULL THEN 'conflict_share_z>=' || $z END) AS trigger,
           greatest(t_index, t_mc, t_cs) AS trigger_value, $z AS threshold,
           tension_index, tension_index_z, material_conflict, material_conflict_z, conflict_share, conflict_share_z,
           events_total, dialogue_activity, dialogue_low
    FROM esc WHERE coalesce(t_index, t_mc, t_cs) IS NOT NULL
    UNION ALL
    SELECT region_id, day, 'de-escalation',
           concat_ws(', ', CASE WHEN t_index IS NOT NULL THEN 'tension_index_z<=-' || $z END,
                           CASE WHEN t_mc IS NOT NULL THEN 'material_conflict_z<=-' || $z END),
           least(t_index, t_mc), -$z,
           tension_index, tension_index_z, material_conflict, material_conflict_z, conflict_share, conflict_share_z,
           events_total, dialogue_activity, dialogue_low
    FROM deesc WHERE coalesce(t_index, t_mc) IS NOT NULL
    UNION ALL
    SELECT region_id, day, 'dialogue-gap',
           'tension_index>=' || $gap_index || ', dialogue_activity<=baseline_low',
           tension_index, $gap_index,
           tension_index, tension_index_z, material_conflict, material_conflict_z, conflict_share, conflict_share_z,
           events_total, dialogue_activity, dialogue_low
    FROM ind_derived
    WHERE NOT partial AND tension_index >= $gap_index AND events_total >= $min_events
      AND dialogue_low IS NOT NULL AND dialogue_activity <= dialogue_low
)
SELECT substr(md5(region_id || '|' || CAST(day AS VARCHAR) || '|' || kind), 1, 16) AS alert_id,
       region_id, day, kind,
       CASE WHEN kind = 'dialogue-gap' THEN
                CASE WHEN trigger_value >= $gap_high THEN 'high' WHEN trigger_value >= $gap_medium THEN 'medium' ELSE 'low' END
            ELSE
                CASE WHEN abs(trigger_value) >= $sev_high THEN 'high' WHEN abs(trigger_value) >= $sev_medium THEN 'medium' ELSE 'low' END
       END AS severity,
       trigger, trigger_value, threshold, tension_index, tension_index_z, material_conflict, material_conflict_z,
       conflict_share, conflict_share_z, events_total, dialogue_activity,
       dialogue_low AS dialogue_baseline_low
FROM fired
