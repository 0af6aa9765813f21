-- Read one unzipped GDELT export into a temporary staging table, typed by the
-- explicit schema ({read_options} is extractors.gdelt.READ_OPTIONS, a constant).
-- Malformed rows (wrong column count, unparsable value) go to the rejects tables.
CREATE OR REPLACE TEMP TABLE gdelt_stage AS
SELECT GLOBALEVENTID, SQLDATE, DATEADDED,
       Actor1Code, Actor1Name, Actor1CountryCode,
       Actor2Code, Actor2Name, Actor2CountryCode,
       IsRootEvent, EventCode, EventBaseCode, EventRootCode, QuadClass, GoldsteinScale,
       NumMentions, NumSources, NumArticles, AvgTone,
       ActionGeo_Type, ActionGeo_FullName, ActionGeo_CountryCode, ActionGeo_ADM1Code,
       ActionGeo_Lat, ActionGeo_Long, SOURCEURL
FROM read_csv($path, {read_options},
              store_rejects = true, rejects_table = 'gdelt_reject_errors', rejects_scan = 'gdelt_reject_scans')
