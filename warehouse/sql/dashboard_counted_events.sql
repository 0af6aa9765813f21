-- The counted events of each region in the dashboard's active window ($start..$end), one row per incident (the
-- region's events sharing an incident_id on a day are one: the same happening coded from several articles or
-- from either side), so every count on a region page can be traced to its events and the articles GDELT coded
-- them from. Only days whose event numbers are known (v_region_daily.events_total not NULL: a partial or
-- missing day's are not), so the listed events add up to the page's numbers. Material conflict first, then
-- verbal conflict, cooperation; within a class the latest day, then the most events. At most $n incidents per
-- region; region_incidents counts them all.
WITH incidents AS (
    SELECT er.region_id, er.day, er.incident_id,
           count(*) AS events,
           count(DISTINCT e.source_url) AS articles,
           max(e.quad_class) AS quad_class,
           -- the incident's first event (lowest GDELT id, as a number) names it, every field from that one event
           arg_min({'event_id': e.event_id, 'actor1': coalesce(e.actor1_name, e.actor1_code),
                    'actor2': coalesce(e.actor2_name, e.actor2_code), 'event_code': e.event_code,
                    'place': e.action_geo_name, 'source_url': e.source_url, 'landing_file': e.landing_file,
                    'reason': er.reason},
                   {'n': coalesce(try_cast(e.source_event_id AS BIGINT), 9223372036854775807), 'id': e.event_id})
               AS first
    FROM event_regions er
    JOIN v_region_daily d ON d.region_id = er.region_id AND d.day = er.day AND d.events_total IS NOT NULL
    JOIN events e USING (event_id)
    WHERE er.counted AND er.day BETWEEN $start AND $end
    GROUP BY er.region_id, er.day, er.incident_id
)
SELECT i.region_id, i.day, i.events, i.articles, i.quad_class, i.first.event_id, i.first.actor1, i.first.actor2,
       i.first.event_code, k.description AS event_description, i.first.place, i.first.source_url,
       i.first.landing_file, i.first.reason,
       count(*) OVER (PARTITION BY i.region_id) AS region_incidents
FROM incidents i
LEFT JOIN cameo_codes k ON k.event_code = i.first.event_code
QUALIFY row_number() OVER (PARTITION BY i.region_id
                           ORDER BY i.quad_class DESC NULLS LAST, i.day DESC, i.events DESC, i.first.event_id) <= $n
ORDER BY i.region_id, i.quad_class DESC NULLS LAST, i.day DESC, i.events DESC, i.first.event_id
