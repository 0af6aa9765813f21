-- Region membership of the curated events (ACLED, UCDP) of the days in ind_days, by the rules GDELT events
-- follow (docs/indicators.md, "Curated data"), written to curated_event_regions:
--   dyad: the two sides' states are on opposite sides of a dyadic region (UCDP gwnoa / gwnob; ACLED names a
--         state's forces "Military Forces of Russia (2000-)", "Police Forces of ...", "Government of ...": the
--         state named there, through ind_state_names); for ACLED, armed political violence only, as by area;
--   area: the event happens in the region's areas: its country (ISO3), its first-order subdivision
--         ('ISO3:name', regions.yaml areas.admin1) or, when located to a place or district, on a linear
--         feature or on the water (below_country: ACLED 1-2, UCDP 1-3, 5 and 7; a province's centroid is not a
--         place), a box
--         (limited to the box's country when it names one). In a dyadic region only armed political violence joins by
--         area (every UCDP event; ACLED battles, explosions/remote violence, violence against civilians):
--         a protest in Kyiv about pensions is not the war; and only when one of its actors is a side's state
--         or none is a state at all (a non-state conflict, violence by a group: GDELT's unidentified armed actor),
--         not a third state's war there (Syria's government against its insurgents in the Golan box; US strikes
--         in Pakistan's tribal areas). In an internal region every event in the areas joins.
DELETE FROM curated_event_regions WHERE day IN (SELECT day FROM ind_days);

INSERT INTO curated_event_regions
WITH named AS (  -- the state an actor's name designates: ACLED's state forces, UCDP's "Government of ..."
    SELECT event_id, dataset, event_date, country_iso3, admin1_key, lat, lon, below_country, political_violence,
           actor1_iso3, actor2_iso3,
           regexp_extract(actor1, '^(?:Military Forces|Police Forces|Government) of (?:[Tt]he )?(.+?)(?: \(\d{4}-\d{0,4}\).*)?$', 1) AS state1,
           regexp_extract(actor2, '^(?:Military Forces|Police Forces|Government) of (?:[Tt]he )?(.+?)(?: \(\d{4}-\d{0,4}\).*)?$', 1) AS state2
    FROM curated_events
    WHERE event_date IN (SELECT day FROM ind_days)
),
ev AS (
    SELECT n.event_id, n.dataset, n.event_date, n.country_iso3, n.admin1_key, n.lat, n.lon, n.below_country,
           n.political_violence,
           -- UCDP: the sides' Gleditsch-Ward states; ACLED: the state its actor's name designates
           CASE WHEN n.dataset = 'acled' THEN s1.iso3 ELSE n.actor1_iso3 END AS actor1_iso3,
           CASE WHEN n.dataset = 'acled' THEN s2.iso3 ELSE n.actor2_iso3 END AS actor2_iso3,
           -- no actor is a state: a state is one with a state code or a state's name, so a code gw_iso3.csv or
           -- a name ind_state_names cannot map is still a state, not "no state"
           NOT (n.actor1_iso3 IS NOT NULL OR n.actor2_iso3 IS NOT NULL
                OR coalesce(n.state1, '') <> '' OR coalesce(n.state2, '') <> '') AS stateless
    FROM named n
    LEFT JOIN ind_state_names s1 ON n.dataset = 'acled' AND s1.name = lower(n.state1)
    LEFT JOIN ind_state_names s2 ON n.dataset = 'acled' AND s2.name = lower(n.state2)
),
hits AS (  -- 1 = actor 1's side, 2 = actor 2's side, 3 = the place
    SELECT ev.event_id, s.region_id, 1 AS role, s.side FROM ev JOIN ind_side_countries s ON ev.actor1_iso3 = s.iso3
    UNION ALL
    SELECT ev.event_id, s.region_id, 2, s.side FROM ev JOIN ind_side_countries s ON ev.actor2_iso3 = s.iso3
    UNION ALL
    SELECT ev.event_id, a.region_id, 3, NULL FROM ev JOIN ind_area_countries a ON ev.country_iso3 = a.iso3
    UNION ALL
    SELECT ev.event_id, a.region_id, 3, NULL FROM ev JOIN ind_area_admin1 a ON ev.admin1_key = a.admin1_key
    UNION ALL
    SELECT ev.event_id, b.region_id, 3, NULL FROM ev JOIN ind_area_boxes b
        ON ev.lat BETWEEN b.south AND b.north AND ev.lon BETWEEN b.west AND b.east
    WHERE ev.below_country AND (b.country IS NULL OR b.country = ev.country_iso3)
),
m AS (
    SELECT event_id, region_id,
           min(side) FILTER (role = 1) AS side1, min(side) FILTER (role = 2) AS side2, bool_or(role = 3) AS in_area
    FROM hits GROUP BY event_id, region_id
),
j AS (
    SELECT m.event_id, m.region_id, ev.event_date, ev.dataset,
           ev.political_violence AND coalesce(m.side1 <> m.side2, false) AS via_dyad,
           m.in_area AND (r.type = 'internal' OR (ev.political_violence AND (
               ev.stateless OR m.side1 IS NOT NULL OR m.side2 IS NOT NULL))) AS via_area
    FROM m
    JOIN ind_regions r ON r.region_id = m.region_id
    JOIN ev ON ev.event_id = m.event_id
)
SELECT event_id, region_id, event_date AS day, dataset,
       CASE WHEN via_dyad AND via_area THEN 'dyad+area' WHEN via_dyad THEN 'dyad' ELSE 'area' END AS reason
FROM j
WHERE via_dyad OR via_area
