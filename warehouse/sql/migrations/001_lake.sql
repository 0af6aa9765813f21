-- The warehouse as a DuckLake (docs/warehouse.md). Every TIMESTAMP is UTC.
--
-- DuckLake has no PRIMARY KEY, UNIQUE or CHECK constraints, no indexes and no user-defined types. The key
-- of each table is stated in a "key:" comment and kept by the load logic (warehouse/load.py, documents.py,
-- events.py, indicators.py), which runs under the single writer lock; tests/test_lake.py checks every key.
-- Allowed values stated as "one of" were CHECK constraints; the code writes only those.

-- key: run_id. One row per fetch of a source.
CREATE TABLE ingest_runs (
    run_id        VARCHAR NOT NULL,      -- landing path of the fetch record, without suffix
    source_id     VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,
    url           VARCHAR NOT NULL,
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP,
    loaded_at     TIMESTAMP NOT NULL,
    status        VARCHAR NOT NULL,      -- one of ok, failed, not_modified
    http_status   INTEGER,
    items_seen    INTEGER NOT NULL DEFAULT 0,
    items_new     INTEGER NOT NULL DEFAULT 0,
    items_updated INTEGER NOT NULL DEFAULT 0,
    error         VARCHAR,
    warning       VARCHAR,
    landing_file  VARCHAR,
    sha256        VARCHAR,
    bytes         BIGINT
);

-- key: doc_id. The latest version of every document.
CREATE TABLE documents (
    doc_id        VARCHAR NOT NULL,
    source_id     VARCHAR NOT NULL,
    publisher     VARCHAR,
    perspective   VARCHAR,
    item_key      VARCHAR NOT NULL,
    url           VARCHAR,
    title         VARCHAR,
    summary       VARCHAR,
    published_at  TIMESTAMP,
    fetched_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    language      VARCHAR,
    content_hash  VARCHAR NOT NULL,
    version       INTEGER NOT NULL,
    landing_file  VARCHAR NOT NULL,
    run_id        VARCHAR NOT NULL
);

-- key: (doc_id, version). Every version of every document.
CREATE TABLE document_versions (
    doc_id        VARCHAR NOT NULL,
    version       INTEGER NOT NULL,
    content_hash  VARCHAR NOT NULL,
    url           VARCHAR,
    title         VARCHAR,
    summary       VARCHAR,
    published_at  TIMESTAMP,
    seen_at       TIMESTAMP NOT NULL,
    landing_file  VARCHAR NOT NULL,
    run_id        VARCHAR NOT NULL
);

-- key: (doc_id, place_type, place_id, matched_term).
CREATE TABLE document_places (
    doc_id        VARCHAR NOT NULL,
    place_type    VARCHAR NOT NULL,      -- one of country, region
    place_id      VARCHAR NOT NULL,
    matched_term  VARCHAR NOT NULL,
    mentions      INTEGER NOT NULL,
    reason        VARCHAR                -- regions: dyad | area
);

-- key: (doc_id, item_key). One story per canonical URL per source (docs/indicators.md, "Noise controls"):
-- feeds list the same story under several item ids; the document keeps the first, the others are here.
CREATE TABLE document_aliases (
    doc_id      VARCHAR NOT NULL,        -- documents.doc_id
    item_key    VARCHAR NOT NULL,        -- another feed item id of the same story
    first_seen  TIMESTAMP NOT NULL
);

-- key: source_id. sources.yaml, mirrored.
CREATE TABLE sources (
    source_id     VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,
    url           VARCHAR NOT NULL,
    publisher     VARCHAR,
    perspective   VARCHAR,
    license       VARCHAR,
    enabled       BOOLEAN NOT NULL
);

-- key: region_id. regions.yaml, mirrored.
CREATE TABLE regions (
    region_id         VARCHAR NOT NULL,
    name              VARCHAR NOT NULL,
    type              VARCHAR NOT NULL,  -- one of dyadic, internal
    side_a            VARCHAR,
    side_a_countries  VARCHAR[],
    side_a_actors     VARCHAR[],
    side_b            VARCHAR,
    side_b_countries  VARCHAR[],
    side_b_actors     VARCHAR[],
    area_countries    VARCHAR[] NOT NULL,
    area_adm1         VARCHAR[] NOT NULL,
    area_boxes        STRUCT(name VARCHAR, south DOUBLE, north DOUBLE, west DOUBLE, east DOUBLE, country VARCHAR)[] NOT NULL,
    keywords          VARCHAR[] NOT NULL
);

-- key: (source, source_event_id). Coded events shared by every event source (GDELT now).
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
    actor1_group      VARCHAR,               -- GDELT Actor1KnownGroupCode (e.g. HMS, TAL)
    actor2_group      VARCHAR,
    action_feature_id VARCHAR                -- GDELT ActionGeo_FeatureID (the place of an incident)
);

-- key: event_code.
CREATE TABLE cameo_codes (
    event_code   VARCHAR NOT NULL,
    description  VARCHAR NOT NULL,
    base_code    VARCHAR NOT NULL,
    root_code    VARCHAR NOT NULL,
    quad_class   TINYINT NOT NULL,
    goldstein    DOUBLE
);

-- key: fips.
CREATE TABLE fips_countries (
    fips  VARCHAR NOT NULL,
    iso3  VARCHAR,
    name  VARCHAR,
    note  VARCHAR
);

-- key: cameo_code.
CREATE TABLE cameo_countries (
    cameo_code VARCHAR NOT NULL,
    iso3       VARCHAR NOT NULL,
    name       VARCHAR
);

-- key: (file_url, md5). One row per GDELT export file loaded into `events`: the loader skips a file whose
-- (file_url, md5) is here without reading it.
CREATE TABLE gdelt_files (
    file_url        VARCHAR NOT NULL,   -- e.g. https://data.gdeltproject.org/gdeltv2/20191024143000.export.CSV.zip
    md5             VARCHAR NOT NULL,   -- as listed (and checked) at download
    file_ts         TIMESTAMP,          -- the 15-minute window in the file name
    run_id          VARCHAR NOT NULL,   -- ingest_runs.run_id of the load
    landing_file    VARCHAR NOT NULL,
    rows_read       BIGINT NOT NULL,    -- well-formed rows in the file
    rows_new        BIGINT NOT NULL,    -- rows added to events (the rest were already there)
    rows_malformed  BIGINT NOT NULL,    -- rows skipped: wrong column count, unparsable value, no id/date
    loaded_at       TIMESTAMP NOT NULL
);

-- Indicators: every computation is an `indicator_runs` row with its `as_of` time; region_daily / alerts /
-- alert_evidence rows are written only when their values change, keyed by as_of, so "what was known at time
-- T" is the latest row with as_of <= T (the *_as_of macros). The *_current tables hold the latest version.

-- key: as_of.
CREATE TABLE indicator_runs (
    as_of            TIMESTAMP NOT NULL,    -- when this computation ran (the version key of its rows)
    mode             VARCHAR NOT NULL,      -- one of full, incremental, range
    days_recomputed  INTEGER NOT NULL,      -- days whose aggregates were recomputed from events/documents
    first_day        DATE,                  -- span of region_daily after this run
    last_day         DATE,
    rows_written     INTEGER NOT NULL,      -- region_daily rows whose values changed
    alerts_written   INTEGER NOT NULL,      -- alert versions written (new, changed or withdrawn)
    loaded_through   TIMESTAMP,             -- max(ingest_runs.loaded_at) the run saw: the next incremental starts after it
    config_hash      VARCHAR NOT NULL,      -- indicators.yaml + region definitions; a change forces a full run
    seconds          DOUBLE NOT NULL,
    events_through   DATE,                  -- the last day whose events the computation treated as complete
    rules_version    INTEGER DEFAULT 1
);

-- key: (event_id, region_id). One row per event and region it belongs to, with the reason (recomputed by
-- every indicator run for the days it recomputes: a day's rows are deleted before they are inserted again).
CREATE TABLE event_regions (
    event_id     VARCHAR NOT NULL,
    region_id    VARCHAR NOT NULL,
    day          DATE NOT NULL,       -- events.event_date
    reason       VARCHAR NOT NULL,    -- one of dyad, area, dyad+area
    actor1_side  VARCHAR,             -- 'a' or 'b' (dyadic regions), NULL when actor 1 is on neither side
    actor2_side  VARCHAR,
    counted      BOOLEAN NOT NULL,    -- passes the evidence filter (indicators.yaml event_filter)
    incident_id  UBIGINT NOT NULL     -- events sharing it are one incident (day, actors, CAMEO code, place)
);

-- key: (region_id, day, as_of).
CREATE TABLE region_daily (
    region_id            VARCHAR NOT NULL,
    day                  DATE NOT NULL,
    as_of                TIMESTAMP NOT NULL,   -- the computation that wrote this version (indicator_runs)
    events_raw           BIGINT,    -- member events before the evidence filter (NULL on partial days)
    events_total         BIGINT,    -- member events that pass the evidence filter ("counted")
    verbal_coop          BIGINT,    -- counted events by CAMEO quad class 1..4
    material_coop        BIGINT,
    verbal_conflict      BIGINT,
    material_conflict    BIGINT,
    incidents            BIGINT,    -- distinct incidents among counted events (day, actors, CAMEO code, place)
    conflict_incidents   BIGINT,    -- distinct incidents of material conflict (quad class 4)
    cooperation_incidents BIGINT,   -- distinct incidents of cooperation (quad class 1, 2)
    goldstein_mean       DOUBLE,    -- mentions-weighted mean Goldstein scale of counted events
    tone_mean            DOUBLE,    -- mentions-weighted mean tone of counted events
    conflict_share       DOUBLE,    -- (verbal + material conflict) / counted events
    documents            BIGINT NOT NULL,   -- documents about the region published that day
    publishers           BIGINT NOT NULL,
    un_documents         BIGINT NOT NULL,
    dialogue_documents   BIGINT NOT NULL,   -- documents matching the dialogue lexicon
    conflict_documents   BIGINT NOT NULL,   -- documents matching the conflict lexicon
    side_a_sources       BIGINT,    -- dyadic: sources of side A's countries that published anything that day
    side_b_sources       BIGINT,
    fatalities           DOUBLE,    -- curated datasets (not yet: NULL)
    dialogue_events      BIGINT,    -- counted events between the two sides with CAMEO root 03-05
    shared_events        BIGINT,    -- counted member events that also belong to another region
    overlapping_regions  VARCHAR[], -- those other regions
    events_total_z DOUBLE, events_total_chg7 DOUBLE,
    verbal_coop_z DOUBLE, verbal_coop_chg7 DOUBLE,
    material_coop_z DOUBLE, material_coop_chg7 DOUBLE,
    verbal_conflict_z DOUBLE, verbal_conflict_chg7 DOUBLE,
    material_conflict_z DOUBLE, material_conflict_chg7 DOUBLE,
    goldstein_mean_z DOUBLE, goldstein_mean_chg7 DOUBLE,
    tone_mean_z DOUBLE, tone_mean_chg7 DOUBLE,
    conflict_share_z DOUBLE, conflict_share_chg7 DOUBLE,
    documents_z DOUBLE, documents_chg7 DOUBLE,
    publishers_z DOUBLE, publishers_chg7 DOUBLE,
    un_documents_z DOUBLE, un_documents_chg7 DOUBLE,
    dialogue_events_z DOUBLE, dialogue_events_chg7 DOUBLE,
    dialogue_documents_z DOUBLE, dialogue_documents_chg7 DOUBLE,
    incidents_z DOUBLE, incidents_chg7 DOUBLE,
    conflict_incidents_z DOUBLE, conflict_incidents_chg7 DOUBLE,
    tension_index        DOUBLE,    -- level 0-100 (docs/indicators.md): high while the conflict is intense
    tension_change       DOUBLE,    -- % change of conflict incidents, last 7 days vs the 7 before (smoothed)
    conflict_expected    DOUBLE,    -- baseline mean of conflict_incidents per day
    conflict_size        DOUBLE,    -- negative-binomial size of the daily counts (NULL: Poisson)
    escalation_p         DOUBLE,    -- upper tail of conflict_incidents: min of 1 and 2 days, times 2
    deescalation_p       DOUBLE,    -- lower-tail p-value of the 7-day conflict_incidents
    dialogue_activity    BIGINT,    -- dialogue_events + dialogue_documents
    dialogue_expected    DOUBLE,    -- baseline mean of dialogue_events per day (dyadic regions)
    dialogue_gap_p       DOUBLE,    -- lower-tail p-value of the 7-day dialogue events
    dialogue_opening_p   DOUBLE,    -- upper-tail p-value of the 2-day dialogue events
    coverage             VARCHAR    -- dyadic: 'observed' or 'no coverage'; NULL for internal regions
);
-- key: (region_id, day). The latest version of every (region_id, day), same columns (what v_region_daily reads).
CREATE TABLE region_daily_current AS SELECT * FROM region_daily WITH NO DATA;

-- key: (alert_id, as_of).
CREATE TABLE alerts (
    alert_id           VARCHAR NOT NULL,   -- md5(region_id|day|kind), stable across versions
    as_of              TIMESTAMP NOT NULL,
    status             VARCHAR NOT NULL,   -- one of active, withdrawn
    region_id          VARCHAR NOT NULL,
    day                DATE NOT NULL,
    kind               VARCHAR NOT NULL,   -- one of escalation, de-escalation, dialogue-gap, dialogue-opening
    severity           VARCHAR NOT NULL,   -- one of low, medium, high (the views give it the ordered type)
    trigger            VARCHAR NOT NULL,   -- the test that fired, e.g. 'conflict incidents, 2 days, upper tail'
    p_value            DOUBLE NOT NULL,    -- of that test under the baseline's negative binomial
    alpha              DOUBLE NOT NULL,    -- the threshold it passed
    window_days        INTEGER NOT NULL,   -- days the test summed
    observed           DOUBLE,             -- the sum over those days
    expected           DOUBLE,             -- its baseline expectation
    tension_index      DOUBLE,
    tension_change     DOUBLE,
    conflict_incidents BIGINT,
    dialogue_activity  BIGINT,
    coverage           VARCHAR,
    corroboration      INTEGER,            -- independent publishers among the relevant evidence
    evidence_count     INTEGER,
    evidence_hash      VARCHAR
);
-- key: alert_id. The latest version of every alert_id, withdrawn ones included (status).
CREATE TABLE alerts_current AS SELECT * FROM alerts WITH NO DATA;

-- key: (alert_id, as_of, rank).
CREATE TABLE alert_evidence (
    alert_id    VARCHAR NOT NULL,
    as_of       TIMESTAMP NOT NULL,
    rank        INTEGER NOT NULL,
    item_type   VARCHAR NOT NULL,     -- one of event, document
    item_id     VARCHAR NOT NULL,     -- events.event_id or documents.doc_id
    relevance   VARCHAR NOT NULL,     -- why it supports the claim (docs/indicators.md, "Evidence")
    url         VARCHAR,
    publisher   VARCHAR,              -- a document's publisher, or the host of an event's source URL
    day         DATE NOT NULL,
    title       VARCHAR,
    score       DOUBLE
);

-- One row per attempt to deliver a weekly digest to one recipient. A (week, recipient) with a 'sent' row
-- is not sent again unless --resend.
CREATE TABLE digest_log (
    week        VARCHAR NOT NULL,      -- ISO week, '2026-W47'
    recipient   VARCHAR NOT NULL,      -- lower-cased email address
    message_id  VARCHAR NOT NULL,      -- the Message-ID header sent
    status      VARCHAR NOT NULL,      -- one of sent, failed
    error       VARCHAR,               -- SMTP reply or exception text when failed (never credentials)
    regions     VARCHAR[] NOT NULL,    -- region ids the message covered
    subject     VARCHAR,
    resend      BOOLEAN NOT NULL DEFAULT false,
    sent_at     TIMESTAMP NOT NULL     -- attempt time
);

-- Severity as an ordered type in every view and macro (low < medium < high: max() and ORDER BY are right).
CREATE VIEW v_region_daily AS
SELECT c.*,
       r.type AS region_type
FROM region_daily_current c JOIN regions r USING (region_id);

CREATE VIEW v_alert_evidence AS
SELECT e.* FROM alert_evidence e
JOIN (SELECT alert_id, as_of FROM alerts_current) a USING (alert_id, as_of);

CREATE VIEW v_alerts AS
SELECT l.* EXCLUDE (status) REPLACE (l.severity::ENUM('low', 'medium', 'high') AS severity),
       (SELECT list({'rank': e.rank, 'item_type': e.item_type, 'item_id': e.item_id, 'relevance': e.relevance,
                     'url': e.url, 'publisher': e.publisher, 'day': e.day, 'title': e.title, 'score': e.score}
                    ORDER BY e.rank)
        FROM alert_evidence e WHERE e.alert_id = l.alert_id AND e.as_of = l.as_of) AS evidence
FROM alerts_current l
WHERE l.status = 'active';

-- Dialogue per dyad (dyadic regions): activity, who is reporting, and whether a gap could be seen at all.
CREATE VIEW v_dyad_daily AS
SELECT c.region_id, r.side_a, r.side_b, c.day, c.dialogue_events, c.dialogue_documents, c.dialogue_activity,
       c.dialogue_expected, c.side_a_sources, c.side_b_sources, c.coverage
FROM region_daily_current c JOIN regions r USING (region_id)
WHERE r.type = 'dyadic';

-- Per configured source: freshness and the last error.
CREATE VIEW v_source_status AS
SELECT s.source_id, s.kind, s.publisher, s.perspective, s.enabled,
       max(r.started_at) FILTER (WHERE r.status IN ('ok', 'not_modified')) AS last_success,
       max(r.started_at) FILTER (WHERE r.status = 'failed')               AS last_failure,
       arg_max(r.error, r.started_at) FILTER (WHERE r.status = 'failed')  AS last_error,
       count(r.run_id)                                                     AS fetches,
       count(r.run_id) FILTER (WHERE r.status = 'failed')                  AS failed_fetches
FROM sources s
LEFT JOIN ingest_runs r USING (source_id)
GROUP BY ALL;

-- Documents matched to a region by the gazetteer (document_places), one row per region and document.
CREATE VIEW v_region_documents AS
SELECT p.region_id, d.doc_id, d.source_id, d.publisher,
       coalesce(d.perspective, s.perspective) AS perspective,
       d.title, d.url, d.published_at, d.fetched_at, p.mentions
FROM (SELECT place_id AS region_id, doc_id, sum(mentions) AS mentions
      FROM document_places WHERE place_type = 'region' GROUP BY ALL) p
JOIN documents d USING (doc_id)
LEFT JOIN sources s USING (source_id);

-- One row per indicator computation (what as_of a report's numbers come from).
CREATE VIEW v_indicator_runs AS
SELECT as_of, mode, days_recomputed, first_day, last_day, rows_written, alerts_written, loaded_through,
       config_hash, seconds, events_through
FROM indicator_runs;

-- What was known at time t (e.g. a past briefing): SELECT * FROM region_daily_as_of(TIMESTAMP '2026-03-01 08:00')
CREATE MACRO region_daily_as_of(t) AS TABLE
SELECT * FROM region_daily WHERE as_of <= t
QUALIFY row_number() OVER (PARTITION BY region_id, day ORDER BY as_of DESC) = 1;

CREATE MACRO alerts_as_of(t) AS TABLE
SELECT * EXCLUDE (status) REPLACE (severity::ENUM('low', 'medium', 'high') AS severity) FROM (
    SELECT * FROM alerts WHERE as_of <= t
    QUALIFY row_number() OVER (PARTITION BY alert_id ORDER BY as_of DESC) = 1
) WHERE status = 'active';
