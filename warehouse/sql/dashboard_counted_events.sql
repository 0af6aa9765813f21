-- The counted events of each region in the dashboard's active window ($start..$end), one row per incident (the
-- region's events sharing an incident_id are one: the same happening coded from several articles or from
-- either side), so every count on a region page can be traced to its events and the articles GDELT coded them
-- from. Material conflict first, then verbal conflict, cooperation; within a class the latest day, then the
-- most events. At most $n incidents per region (the page says how many there are and how to list them all).
WITH incidents AS (
    SELECT er.region_id, er.day, er.incident_id,
           count(*) AS events,
           max(e.quad_class) AS quad_class,
           -- the incident's first event (lowest id) names it: its actors, CAMEO code, place and article
           arg_min(e.event_id, e.event_id) AS event_id,
           arg_min(coalesce(e.actor1_name, e.actor1_code), e.event_id) AS actor1,
           arg_min(coalesce(e.actor2_name, e.actor2_code), e.event_id) AS actor2,
           arg_min(e.event_code, e.event_id) AS event_code,
           arg_min(e.action_geo_name, e.event_id) AS place,
           arg_min(e.source_url, e.event_id) AS source_url,
           arg_min(e.landing_file, e.event_id) AS landing_file,
           count(DISTINCT e.source_url) AS articles,
           any_value(er.reason) AS reason
    FROM event_regions er JOIN events e USING (event_id)
    WHERE er.counted AND er.day BETWEEN $start AND $end
    GROUP BY er.region_id, er.day, er.incident_id
)
SELECT i.region_id, i.day, i.events, i.quad_class, i.event_id, i.actor1, i.actor2, i.event_code,
       k.description AS event_description, i.place, i.source_url, i.landing_file, i.articles, i.reason,
       count(*) OVER (PARTITION BY i.region_id) AS region_incidents
FROM incidents i
LEFT JOIN cameo_codes k ON k.event_code = i.event_code
QUALIFY row_number() OVER (PARTITION BY i.region_id
                           ORDER BY i.quad_class DESC, i.day DESC, i.events DESC, i.event_id) <= $n
ORDER BY i.region_id, i.quad_class DESC, i.day DESC, i.events DESC, i.event_id
