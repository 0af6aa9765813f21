-- Region membership of the events of the days in ind_days (docs/indicators.md, "Regions and membership"),
-- written to event_regions with its reason; the evidence filter and the incident key come with it.
-- The temp table ind_members holds the same rows plus the event columns the daily aggregates need
-- (indicators_base.sql.j2 reads it), so the aggregates never join event_regions back to events by text id.
--   dyad: the two actors are on opposite sides (by actor country, or GDELT's known-group code);
--   area: the event happens in the region's areas (action country, ADM1 code, or a box), geocoded below
--         country level (unless $centroid_areas: an area country then also takes events placed only at its
--         centroid) and, for a dyadic region, involves a party or an actor GDELT did not identify:
--         an armed actor coded without a country or known group (one of its CAMEO type codes in $armed_types:
--         soldiers, rebels, insurgents of no stated country; the code is read in 3-letter blocks, so GOVMIL
--         and catSEP are armed too), or no actor at all. Unidentified officials, protesters or
--         civilians (most often the place's own domestic actors) and a third state acting alone do not join.
-- An actor code's 3-letter blocks (country or ethnic/religious prefix, then types: GOVMIL -> [GOV, MIL]).
CREATE OR REPLACE TEMP MACRO actor_blocks(code) AS
    [substr(code, 1, 3), substr(code, 4, 3), substr(code, 7, 3), substr(code, 10, 3), substr(code, 13, 3)];
-- An actor of the incident key: its party (known group, else country), unless both actors are of the same party
-- (SDNMIL -> SDNREB, a civil war's sides): then its code, so a war within one country keeps its actors apart.
CREATE OR REPLACE TEMP MACRO incident_actor(group_code, iso3, code, other_group, other_iso3, other_code) AS
    CASE WHEN coalesce(group_code, iso3, code, '') = coalesce(other_group, other_iso3, other_code, '')
         THEN coalesce(code, '') ELSE coalesce(group_code, iso3, code, '') END;

DELETE FROM event_regions WHERE day IN (SELECT day FROM ind_days);

CREATE OR REPLACE TEMP TABLE ind_members AS
WITH ev AS (  -- what places an event in a region: only these columns are held for the matching (10 M rows)
    SELECT rowid AS rid, actor1_iso3, actor2_iso3, actor1_group, actor2_group, action_iso3, action_adm1,
           action_geo_type, lat, lon, action_fips
    FROM events
    WHERE event_date IN (SELECT day FROM ind_days)  -- files without these days are skipped (dynamic filter)
),
hits AS (  -- what ties an event (by row) to a region: 1 = actor 1's side, 2 = actor 2's side, 3 = the place
    SELECT ev.rid, s.rno, 1 AS role, s.side FROM ev JOIN ind_side_countries s ON ev.actor1_iso3 = s.iso3
    UNION ALL
    SELECT ev.rid, s.rno, 1, s.side FROM ev JOIN ind_side_actors s ON ev.actor1_group = s.actor
    UNION ALL
    SELECT ev.rid, s.rno, 2, s.side FROM ev JOIN ind_side_countries s ON ev.actor2_iso3 = s.iso3
    UNION ALL
    SELECT ev.rid, s.rno, 2, s.side FROM ev JOIN ind_side_actors s ON ev.actor2_group = s.actor
    UNION ALL
    SELECT ev.rid, a.rno, 3, NULL FROM ev JOIN ind_area_countries a ON ev.action_iso3 = a.iso3
    WHERE $centroid_areas OR coalesce(ev.action_geo_type, 1) >= 2  -- geo type 1: only the country's centroid
    UNION ALL
    SELECT ev.rid, a.rno, 3, NULL FROM ev JOIN ind_area_adm1 a ON ev.action_adm1 = a.adm1
    UNION ALL
    SELECT ev.rid, b.rno, 3, NULL FROM ev JOIN ind_area_box_cells b ON floor(ev.lat) = b.cell_lat AND floor(ev.lon) = b.cell_lon
    -- in the box, not only in its cell (a join on the cell, not a test of every box against every event);
    -- a box's country: its land, and the sea: the FIPS codes GDELT writes for places in no country (OS, the open
    -- sea; PF, PG, the Paracel and Spratly Islands; config/fips_iso3.csv maps them to no ISO3 code). An unknown
    -- code is not the sea.
    WHERE ev.lat BETWEEN b.south AND b.north AND ev.lon BETWEEN b.west AND b.east AND ev.action_geo_type >= 2
      AND (b.country IS NULL OR b.country = ev.action_iso3 OR ev.action_fips IN ('OS', 'PF', 'PG'))
),
m AS (
    SELECT rid, rno,  -- the region's number: grouping by it is faster than by its text id
           min(side) FILTER (role = 1) AS side1, min(side) FILTER (role = 2) AS side2, bool_or(role = 3) AS in_area
    FROM hits GROUP BY rid, rno
    -- only pairs that can qualify: both sides named and opposite, or the place in the region's areas
    HAVING bool_or(role = 3) OR min(side) FILTER (role = 1) <> min(side) FILTER (role = 2)
),
j AS (
    SELECT r.region_id, m.side1, m.side2, w.*,
           m.side1 IS NOT NULL AND m.side2 IS NOT NULL AND m.side1 <> m.side2 AS via_dyad,
           m.in_area AND (r.type = 'internal' OR m.side1 IS NOT NULL OR m.side2 IS NOT NULL
                          OR (w.actor1_iso3 IS NULL AND w.actor1_group IS NULL
                              AND list_has_any(actor_blocks(w.actor1_code), $armed_types))
                          OR (w.actor2_iso3 IS NULL AND w.actor2_group IS NULL
                              AND list_has_any(actor_blocks(w.actor2_code), $armed_types))
                          OR (w.actor1_code IS NULL AND w.actor2_code IS NULL)) AS via_area
    FROM m
    JOIN ind_regions r ON r.rno = m.rno
    -- the members' other columns: a second scan streamed through the join, on the row number (not the text
    -- id), so the wide rows of the non-members are never held
    JOIN (SELECT rowid AS rid, event_id, event_date, actor1_code, actor2_code, actor1_iso3, actor2_iso3, actor1_group,
                 actor2_group, action_fips, action_adm1, lat, lon, event_code, action_feature_id, is_root_event,
                 num_sources, num_mentions, date_added, quad_class, root_code, goldstein, avg_tone, source_url
          FROM events
          WHERE event_date IN (SELECT day FROM ind_days)) w ON w.rid = m.rid
)
SELECT event_id, region_id, event_date AS day,
       CASE WHEN via_dyad AND via_area THEN 'dyad+area' WHEN via_dyad THEN 'dyad' ELSE 'area' END AS reason,
       side1 AS actor1_side, side2 AS actor2_side,
       (NOT $root_only OR coalesce(is_root_event, true))
           AND coalesce(num_sources, 1) >= $min_sources
           AND coalesce(num_mentions, 1) >= $min_mentions
           AND (date_added IS NULL OR date_diff('day', event_date, CAST(date_added AS DATE)) <= $max_lag_days)
           -- not from a site's listing page (/tag/<name>/: excerpts of older stories, the page changes)
           AND NOT ($skip_listings AND coalesce(regexp_matches(source_url, $listing_re), false))
           AS counted,
       -- one incident: the same day, actor pair, CAMEO code and place (GDELT's feature id, else the action
       -- country's FIPS code, ADM1 and coordinates): the same real-world event coded again from another article,
       -- or from the other actor's side (the pair unordered, and "host a visit", 043, as "make a visit", 042: a
       -- meeting GDELT codes as A visits B and B hosts A is one), or at another granularity of the same actor
       -- (incident_actor: RUS -> UKR and RUS -> UKRCVL from one sentence are one) (a 64-bit hash: ids are
       -- compared within a day only, where they are always computed together)
       hash(event_date,
            least(incident_actor(actor1_group, actor1_iso3, actor1_code, actor2_group, actor2_iso3, actor2_code),
                  incident_actor(actor2_group, actor2_iso3, actor2_code, actor1_group, actor1_iso3, actor1_code)),
            greatest(incident_actor(actor1_group, actor1_iso3, actor1_code, actor2_group, actor2_iso3, actor2_code),
                     incident_actor(actor2_group, actor2_iso3, actor2_code, actor1_group, actor1_iso3, actor1_code)),
            CASE WHEN event_code = '043' THEN '042' ELSE event_code END,
            coalesce(action_feature_id, concat_ws(',', action_fips, action_adm1, round(lat, 3), round(lon, 3))))
           AS incident_id,
       quad_class, root_code, goldstein, avg_tone, greatest(coalesce(num_mentions, 1), 1) AS w,
       rid AS event_rowid  -- the event's row in this snapshot: a cheaper join key than its text id
FROM j
WHERE via_dyad OR via_area;

INSERT INTO event_regions BY NAME
SELECT event_id, region_id, day, reason, actor1_side, actor2_side, counted, incident_id FROM ind_members
