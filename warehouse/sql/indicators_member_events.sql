-- Region membership of events (docs/indicators.md): an event belongs to a region
-- when its action_iso3 is one of the region's countries, or when both actor1_iso3
-- and actor2_iso3 are. The second branch skips events the first already counted,
-- so no event counts twice for one region. Expects a CTE `ev` and temp ind_rc.
member AS (
    SELECT rc.region_id, ev.* FROM ev JOIN ind_rc rc ON ev.action_iso3 = rc.iso3
    UNION ALL
    SELECT a.region_id, ev.* FROM ev
    JOIN ind_rc a ON ev.actor1_iso3 = a.iso3
    JOIN ind_rc b ON ev.actor2_iso3 = b.iso3 AND b.region_id = a.region_id
    LEFT JOIN ind_rc c ON c.region_id = a.region_id AND c.iso3 = ev.action_iso3
    WHERE c.iso3 IS NULL
)
