-- One row per GDELT export file loaded into `events`: the loader skips a file
-- whose (file_url, md5) is here without reading it. Every TIMESTAMP is UTC.

CREATE TABLE gdelt_files (
    file_url        VARCHAR NOT NULL,   -- e.g. http://data.gdeltproject.org/gdeltv2/20191024143000.export.CSV.zip
    md5             VARCHAR NOT NULL,   -- as listed (and checked) at download
    file_ts         TIMESTAMP,          -- the 15-minute window in the file name
    run_id          VARCHAR NOT NULL,   -- ingest_runs.run_id of the load
    landing_file    VARCHAR NOT NULL,
    rows_read       BIGINT NOT NULL,    -- well-formed rows in the file
    rows_new        BIGINT NOT NULL,    -- rows added to events (the rest were already there)
    rows_malformed  BIGINT NOT NULL,    -- rows skipped: wrong column count, unparsable value, no id/date
    loaded_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (file_url, md5)
);
