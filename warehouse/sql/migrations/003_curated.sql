-- Curated conflict data beside GDELT (docs/warehouse.md, "Curated events"): UCDP GED and GED Candidate,
-- ACLED, with fatalities, the dataset's licence per row, and every version of every event.

-- key: (event_id, version). Every version of every curated event as the dataset published it. A revision
-- (changed content) adds a version; a deletion (ACLED's deleted-events list) adds a version with
-- deleted = true and the event's last content. Nothing here is ever updated or removed.
CREATE TABLE curated_event_versions (
    event_id          VARCHAR NOT NULL,   -- '<dataset>:<source_event_id>', e.g. 'acled:UKR12345', 'ucdp_ged:300380'
    dataset           VARCHAR NOT NULL,   -- one of acled, ucdp_ged, ucdp_candidate
    source_event_id   VARCHAR NOT NULL,   -- ACLED event_id_cnty; UCDP id
    version           INTEGER NOT NULL,   -- 1, 2, ... per event_id
    deleted           BOOLEAN NOT NULL,   -- this version records the dataset's deletion of the event
    content_hash      VARCHAR NOT NULL,   -- of the fields below (a re-delivery with the same content is no version)
    event_date        DATE NOT NULL,      -- ACLED event_date; UCDP date_start (the day the event is counted on)
    date_end          DATE,               -- UCDP date_end (NULL for ACLED: one day)
    date_precision    TINYINT,            -- ACLED time_precision (1 day .. 3 month); UCDP date_prec (1 day .. 5 year)
    event_type        VARCHAR,            -- ACLED event_type; UCDP type_of_violence as text
    sub_event_type    VARCHAR,            -- ACLED sub_event_type
    political_violence BOOLEAN NOT NULL,  -- armed violence: every UCDP event; ACLED battles, explosions/remote violence, violence against civilians
    actor1            VARCHAR,            -- ACLED actor1; UCDP side_a
    actor2            VARCHAR,            -- ACLED actor2; UCDP side_b
    actor1_iso3       VARCHAR,            -- UCDP gwnoa (the state of side A) as ISO3; NULL for non-state actors and ACLED
    actor2_iso3       VARCHAR,            -- UCDP gwnob
    conflict_name     VARCHAR,            -- UCDP conflict_name / dyad_name
    country           VARCHAR,            -- as the dataset names it
    country_iso3      VARCHAR,            -- ACLED iso (numeric) or UCDP country_id (Gleditsch-Ward, config/gw_iso3.csv) as ISO3
    admin1            VARCHAR,            -- ACLED admin1; UCDP adm_1
    admin1_key        VARCHAR,            -- 'ISO3:folded name', compared with regions.yaml areas.admin1
    admin2            VARCHAR,
    location          VARCHAR,            -- ACLED location; UCDP where_coordinates
    lat               DOUBLE,
    lon               DOUBLE,
    geo_precision     TINYINT,            -- ACLED geo_precision (1 town .. 3 region); UCDP where_prec (1 exact .. 7 waters)
    below_country     BOOLEAN NOT NULL,   -- located more precisely than a whole country (boxes only match these)
    fatalities_best   INTEGER,            -- ACLED fatalities; UCDP best
    fatalities_low    INTEGER,            -- UCDP low (NULL for ACLED)
    fatalities_high   INTEGER,            -- UCDP high (NULL for ACLED)
    source_notes      VARCHAR,            -- ACLED notes; UCDP source_headline (capped at 2,000 characters)
    sources           VARCHAR,            -- ACLED source; UCDP source_office
    source_timestamp  BIGINT,             -- ACLED timestamp (its last change, Unix seconds); NULL for UCDP
    dataset_version   VARCHAR,            -- UCDP release (e.g. '25.1', '25.0.10'); NULL for ACLED
    licence           VARCHAR NOT NULL,   -- the dataset's terms (exports and reports follow it)
    source_id         VARCHAR NOT NULL,   -- sources.source_id of the fetch
    run_id            VARCHAR NOT NULL,   -- ingest_runs.run_id that brought this version
    landing_file      VARCHAR NOT NULL,   -- the landed page it came from
    seen_at           TIMESTAMP NOT NULL  -- when it was loaded (UTC)
);

-- key: event_id. The latest version of every curated event the dataset still publishes (deleted ones are
-- not here; their history is in curated_event_versions). What indicators count.
CREATE TABLE curated_events AS SELECT * EXCLUDE (deleted) FROM curated_event_versions WITH NO DATA;

-- key: (event_id, region_id). Region membership of curated events (recomputed by every indicator run for
-- the days it recomputes, like event_regions).
CREATE TABLE curated_event_regions (
    event_id     VARCHAR NOT NULL,    -- curated_events.event_id
    region_id    VARCHAR NOT NULL,
    day          DATE NOT NULL,       -- curated_events.event_date
    dataset      VARCHAR NOT NULL,
    reason       VARCHAR NOT NULL     -- one of dyad, area, dyad+area
);

ALTER TABLE regions ADD COLUMN area_admin1 VARCHAR[];

ALTER TABLE region_daily ADD COLUMN acled_events BIGINT;
ALTER TABLE region_daily ADD COLUMN acled_fatalities BIGINT;
ALTER TABLE region_daily ADD COLUMN ucdp_events BIGINT;
ALTER TABLE region_daily ADD COLUMN ucdp_fatalities BIGINT;
ALTER TABLE region_daily ADD COLUMN ucdp_fatalities_low BIGINT;
ALTER TABLE region_daily ADD COLUMN ucdp_fatalities_high BIGINT;
ALTER TABLE region_daily_current ADD COLUMN acled_events BIGINT;
ALTER TABLE region_daily_current ADD COLUMN acled_fatalities BIGINT;
ALTER TABLE region_daily_current ADD COLUMN ucdp_events BIGINT;
ALTER TABLE region_daily_current ADD COLUMN ucdp_fatalities BIGINT;
ALTER TABLE region_daily_current ADD COLUMN ucdp_fatalities_low BIGINT;
ALTER TABLE region_daily_current ADD COLUMN ucdp_fatalities_high BIGINT;

ALTER TABLE alerts ADD COLUMN curated_support VARCHAR;
ALTER TABLE alerts_current ADD COLUMN curated_support VARCHAR;

-- The views read the tables' new columns (a view's * is expanded when it is created).
CREATE OR REPLACE VIEW v_region_daily AS
SELECT c.*,
       r.type AS region_type
FROM region_daily_current c JOIN regions r USING (region_id);

CREATE OR REPLACE VIEW v_alerts AS
SELECT l.* EXCLUDE (status) REPLACE (l.severity::ENUM('low', 'medium', 'high') AS severity),
       (SELECT list({'rank': e.rank, 'item_type': e.item_type, 'item_id': e.item_id, 'relevance': e.relevance,
                     'url': e.url, 'publisher': e.publisher, 'day': e.day, 'title': e.title, 'score': e.score}
                    ORDER BY e.rank)
        FROM alert_evidence e WHERE e.alert_id = l.alert_id AND e.as_of = l.as_of) AS evidence
FROM alerts_current l
WHERE l.status = 'active';

-- Curated events with their regions and the licence they come under (researchers query the raw rows here;
-- exports and reports show restricted datasets only as aggregates: docs/warehouse.md, "Licences").
CREATE VIEW v_curated_events AS
SELECT e.*, (SELECT list(DISTINCT m.region_id ORDER BY m.region_id) FROM curated_event_regions m
             WHERE m.event_id = e.event_id) AS regions
FROM curated_events e;

-- Fatalities and curated events per region, day and dataset (aggregates: shareable under every licence).
CREATE VIEW v_curated_daily AS
SELECT m.region_id, m.day, m.dataset, count(*) AS events, sum(e.fatalities_best) AS fatalities_best,
       sum(e.fatalities_low) AS fatalities_low, sum(e.fatalities_high) AS fatalities_high,
       any_value(e.licence) AS licence
FROM curated_event_regions m JOIN curated_events e USING (event_id)
GROUP BY ALL;
