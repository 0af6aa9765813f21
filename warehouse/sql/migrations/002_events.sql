-- Coded events shared by every event source (GDELT now; UCDP, ACLED later).
-- One row per (source, source_event_id). Every TIMESTAMP is UTC.

CREATE TABLE events (
    event_id          VARCHAR NOT NULL,      -- '<source>:<source_event_id>'
    source            VARCHAR NOT NULL,      -- 'gdelt'
    source_event_id   VARCHAR NOT NULL,      -- GDELT GLOBALEVENTID
    event_date        DATE NOT NULL,         -- GDELT SQLDATE
    date_added        TIMESTAMP,             -- GDELT DATEADDED (UTC)
    actor1_code       VARCHAR,
    actor1_name       VARCHAR,
    actor1_country    VARCHAR,               -- CAMEO three-letter country code as given
    actor1_iso3       VARCHAR,               -- set only when actor1_country is a country
    actor2_code       VARCHAR,
    actor2_name       VARCHAR,
    actor2_country    VARCHAR,
    actor2_iso3       VARCHAR,
    is_root_event     BOOLEAN,
    event_code        VARCHAR,               -- CAMEO, leading zeros kept ('0211')
    base_code         VARCHAR,
    root_code         VARCHAR,
    quad_class        TINYINT,               -- 1 verbal coop, 2 material coop, 3 verbal conflict, 4 material conflict
    goldstein         DOUBLE,
    num_mentions      INTEGER,
    num_sources       INTEGER,
    num_articles      INTEGER,
    avg_tone          DOUBLE,
    action_geo_type   TINYINT,
    action_geo_name   VARCHAR,
    action_fips       VARCHAR,               -- FIPS 10-4 as given
    action_iso3       VARCHAR,               -- mapped through config/fips_iso3.csv
    action_adm1       VARCHAR,
    lat               DOUBLE,
    lon               DOUBLE,
    source_url        VARCHAR,
    landing_file      VARCHAR NOT NULL,      -- the landed zip this row came from
    run_id            VARCHAR NOT NULL,      -- ingest_runs.run_id
    PRIMARY KEY (source, source_event_id)
);

CREATE TABLE cameo_codes (
    event_code   VARCHAR PRIMARY KEY,
    description  VARCHAR NOT NULL,
    base_code    VARCHAR NOT NULL,
    root_code    VARCHAR NOT NULL,
    quad_class   TINYINT NOT NULL,
    goldstein    DOUBLE
);

CREATE TABLE fips_countries (
    fips  VARCHAR PRIMARY KEY,
    iso3  VARCHAR,
    name  VARCHAR,
    note  VARCHAR
);

CREATE TABLE cameo_countries (
    cameo_code VARCHAR PRIMARY KEY,
    iso3       VARCHAR NOT NULL,
    name       VARCHAR
);
