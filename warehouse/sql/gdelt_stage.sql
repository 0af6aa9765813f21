-- Read one unzipped GDELT export into a staging Parquet file ($stage, in the load's temporary
-- folder), typed by the explicit schema (the parameters are extractors.gdelt.READ_CSV_PARAMS, bound,
-- plus $path). Malformed rows (wrong column count, unparsable value) go to the rejects tables.
-- A file, not a temporary table: the staged rows would share DuckDB's memory limit with the insert's
-- own buffers and both would spill; the compressed file (29 of the 61 columns) is a fifth of the
-- CSV's size on a real export, and reads back fast.
-- Its rows are in the CSV's line order (DuckDB keeps insertion order unless preserve_insertion_order is
-- turned off, which tracktwo never does): gdelt_insert.sql.j2 keeps a repeated id's first row by it.
COPY (
SELECT GLOBALEVENTID, SQLDATE, DATEADDED,
       Actor1Code, Actor1Name, Actor1CountryCode, Actor1KnownGroupCode,
       Actor2Code, Actor2Name, Actor2CountryCode, Actor2KnownGroupCode,
       IsRootEvent, EventCode, EventBaseCode, EventRootCode, QuadClass, GoldsteinScale,
       NumMentions, NumSources, NumArticles, AvgTone,
       ActionGeo_Type, ActionGeo_FullName, ActionGeo_CountryCode, ActionGeo_ADM1Code,
       ActionGeo_Lat, ActionGeo_Long, ActionGeo_FeatureID, SOURCEURL
FROM read_csv($path, delim = $delim, header = false, quote = '', escape = '', auto_detect = false,
              dateformat = $dateformat, timestampformat = $timestampformat, columns = $columns,
              store_rejects = true, rejects_table = 'gdelt_reject_errors', rejects_scan = 'gdelt_reject_scans')
) TO $stage (FORMAT parquet)
