-- Tension index 0-100 (docs/indicators.md): 100 * sum(weight * component) / sum(weights),
-- each component clamped to [0, 1]; weights and scales are bound parameters.
CREATE OR REPLACE TEMP TABLE ind_indexed AS
SELECT *,
       round(100 * (
             $w_mc    * material_conflict / (material_conflict + $mc_half)
           + $w_mc_z  * coalesce(least(greatest(material_conflict_z / $z_cap, 0), 1), 0)
           + $w_cs    * conflict_share
           + $w_cs_z  * coalesce(least(greatest(conflict_share_z / $z_cap, 0), 1), 0)
           + $w_gs    * coalesce(least(greatest(-goldstein_mean / $gs_scale, 0), 1), 0)
           + $w_gs_z  * coalesce(least(greatest(-goldstein_mean_z / $z_cap, 0), 1), 0)
           + $w_tone  * coalesce(least(greatest(-tone_mean / $tone_scale, 0), 1), 0)
           + $w_tone_z * coalesce(least(greatest(-tone_mean_z / $z_cap, 0), 1), 0)
       ) / $w_sum, 2) AS tension_index
FROM ind_z1
