-- Staged GDELT rows -> events: map FIPS and CAMEO country codes, fill gaps
-- from the CAMEO table, and skip events already stored (anti-join), in one
-- set-based statement. The staging table holds each GLOBALEVENTID once.
-- Free text from the feed is capped (names 255 characters, URL 2,048): it is untrusted input.
INSERT INTO events BY NAME
SELECT 'gdelt:' || s.GLOBALEVENTID                 AS event_id,
       'gdelt'                                     AS source,
       CAST(s.GLOBALEVENTID AS VARCHAR)            AS source_event_id,
       s.SQLDATE                                   AS event_date,
       s.DATEADDED                                 AS date_added,
       s.Actor1Code                                AS actor1_code,
       left(s.Actor1Name, 255)                     AS actor1_name,
       s.Actor1CountryCode                         AS actor1_country,
       c1.iso3                                     AS actor1_iso3,
       s.Actor1KnownGroupCode                      AS actor1_group,
       s.Actor2Code                                AS actor2_code,
       left(s.Actor2Name, 255)                     AS actor2_name,
       s.Actor2CountryCode                         AS actor2_country,
       c2.iso3                                     AS actor2_iso3,
       s.Actor2KnownGroupCode                      AS actor2_group,
       s.IsRootEvent = 1                           AS is_root_event,
       s.EventCode                                 AS event_code,
       coalesce(s.EventBaseCode, cc.base_code)     AS base_code,
       coalesce(s.EventRootCode, cc.root_code)     AS root_code,
       coalesce(s.QuadClass, cc.quad_class)        AS quad_class,
       coalesce(s.GoldsteinScale, cc.goldstein)    AS goldstein,
       s.NumMentions                               AS num_mentions,
       s.NumSources                                AS num_sources,
       s.NumArticles                               AS num_articles,
       s.AvgTone                                   AS avg_tone,
       s.ActionGeo_Type                            AS action_geo_type,
       left(s.ActionGeo_FullName, 255)             AS action_geo_name,
       s.ActionGeo_CountryCode                     AS action_fips,
       f.iso3                                      AS action_iso3,
       s.ActionGeo_ADM1Code                        AS action_adm1,
       s.ActionGeo_Lat                             AS lat,
       s.ActionGeo_Long                            AS lon,
       left(s.ActionGeo_FeatureID, 64)             AS action_feature_id,
       left(s.SOURCEURL, 2048)                     AS source_url,
       $landing_file                               AS landing_file,
       $run_id                                     AS run_id
FROM gdelt_stage s
LEFT JOIN cameo_countries c1 ON c1.cameo_code = s.Actor1CountryCode
LEFT JOIN cameo_countries c2 ON c2.cameo_code = s.Actor2CountryCode
LEFT JOIN fips_countries f   ON f.fips = s.ActionGeo_CountryCode
LEFT JOIN cameo_codes cc     ON cc.event_code = s.EventCode
WHERE NOT EXISTS (
    SELECT 1 FROM events e
    WHERE e.source = 'gdelt' AND e.source_event_id = CAST(s.GLOBALEVENTID AS VARCHAR)
)
