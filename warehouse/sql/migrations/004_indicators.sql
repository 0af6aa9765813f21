-- Tension indicators per region and day, alerts and their evidence, with history.
-- Every computation is an `indicator_runs` row with its `as_of` time; rows in
-- region_daily / alerts / alert_evidence are written only when their values
-- change, keyed by as_of, so "what was known at time T" is the latest row with
-- as_of <= T (see the *_as_of macros). The v_* views show the latest.
-- Every TIMESTAMP is UTC.

CREATE TABLE indicator_runs (
    as_of            TIMESTAMP PRIMARY KEY, -- when this computation ran (the version key of its rows)
    mode             VARCHAR NOT NULL CHECK (mode IN ('full', 'incremental', 'range')),
    days_recomputed  INTEGER NOT NULL,      -- days whose aggregates were recomputed from events/documents
    first_day        DATE,                  -- span of region_daily after this run
    last_day         DATE,
    rows_written     INTEGER NOT NULL,      -- region_daily rows whose values changed
    alerts_written   INTEGER NOT NULL,      -- alert versions written (new, changed or withdrawn)
    loaded_through   TIMESTAMP,             -- max(ingest_runs.loaded_at) the run saw: the next incremental starts after it
    config_hash      VARCHAR NOT NULL,      -- indicators.yaml + region definitions; a change forces a full run
    seconds          DOUBLE NOT NULL
);

CREATE TABLE region_daily (
    region_id            VARCHAR NOT NULL,
    day                  DATE NOT NULL,
    as_of                TIMESTAMP NOT NULL,
    events_total         BIGINT NOT NULL,
    verbal_coop          BIGINT NOT NULL,
    material_coop        BIGINT NOT NULL,
    verbal_conflict      BIGINT NOT NULL,
    material_conflict    BIGINT NOT NULL,
    goldstein_mean       DOUBLE,
    tone_mean            DOUBLE,
    conflict_share       DOUBLE NOT NULL,
    documents            BIGINT NOT NULL,
    publishers           BIGINT NOT NULL,
    un_documents         BIGINT NOT NULL,
    fatalities           DOUBLE,
    dialogue_events      BIGINT NOT NULL,
    dialogue_documents   BIGINT NOT NULL,
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
    tension_index        DOUBLE NOT NULL,
    tension_index_z DOUBLE, tension_index_chg7 DOUBLE,
    PRIMARY KEY (region_id, day, as_of)
);

CREATE TABLE alerts (
    alert_id               VARCHAR NOT NULL,  -- md5(region_id|day|kind), stable across versions
    as_of                  TIMESTAMP NOT NULL,
    status                 VARCHAR NOT NULL CHECK (status IN ('active', 'withdrawn')),
    region_id              VARCHAR NOT NULL,
    day                    DATE NOT NULL,
    kind                   VARCHAR NOT NULL CHECK (kind IN ('escalation', 'de-escalation', 'dialogue-gap')),
    severity               VARCHAR NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
    trigger                VARCHAR NOT NULL,  -- the rule(s) that fired, e.g. 'material_conflict_z>=2'
    trigger_value          DOUBLE,            -- the value that decided severity
    threshold              DOUBLE,
    tension_index          DOUBLE,
    tension_index_z        DOUBLE,
    material_conflict      BIGINT,
    material_conflict_z    DOUBLE,
    conflict_share         DOUBLE,
    conflict_share_z       DOUBLE,
    events_total           BIGINT,
    dialogue_activity      BIGINT,            -- dialogue_events + dialogue_documents on the day
    dialogue_baseline_low  BIGINT,            -- lowest dialogue_activity in the trailing baseline
    corroboration          INTEGER,           -- independent publishers behind the supporting events and documents
    evidence_count         INTEGER,
    evidence_hash          VARCHAR,           -- md5 of the ranked evidence ids (a change makes a new version)
    PRIMARY KEY (alert_id, as_of)
);

CREATE TABLE alert_evidence (
    alert_id    VARCHAR NOT NULL,
    as_of       TIMESTAMP NOT NULL,   -- the alert version this evidence belongs to
    rank        INTEGER NOT NULL,     -- 1 = strongest
    item_type   VARCHAR NOT NULL CHECK (item_type IN ('event', 'document')),
    item_id     VARCHAR NOT NULL,     -- events.event_id or documents.doc_id
    url         VARCHAR,
    publisher   VARCHAR,              -- document publisher, or the host of an event's source_url
    day         DATE NOT NULL,
    title       VARCHAR,              -- document title, or a description of the event
    score       DOUBLE,               -- event num_mentions, or document mentions of the region
    PRIMARY KEY (alert_id, as_of, rank)
);

CREATE VIEW v_region_daily AS
SELECT * FROM region_daily
WHERE region_id IN (SELECT region_id FROM regions)
QUALIFY row_number() OVER (PARTITION BY region_id, day ORDER BY as_of DESC) = 1;

CREATE VIEW v_alert_evidence AS
SELECT e.* FROM alert_evidence e
JOIN (SELECT alert_id, as_of FROM alerts
      QUALIFY row_number() OVER (PARTITION BY alert_id ORDER BY as_of DESC) = 1) a USING (alert_id, as_of);

CREATE VIEW v_alerts AS
WITH latest AS (
    SELECT * FROM alerts
    QUALIFY row_number() OVER (PARTITION BY alert_id ORDER BY as_of DESC) = 1
)
SELECT l.* EXCLUDE (status),
       (SELECT list({'rank': e.rank, 'item_type': e.item_type, 'item_id': e.item_id, 'url': e.url,
                     'publisher': e.publisher, 'day': e.day, 'title': e.title, 'score': e.score} ORDER BY e.rank)
        FROM alert_evidence e WHERE e.alert_id = l.alert_id AND e.as_of = l.as_of) AS evidence
FROM latest l
WHERE l.status = 'active';

-- What was known at time t (e.g. a past briefing): SELECT * FROM region_daily_as_of(TIMESTAMP '2026-03-01 08:00')
CREATE MACRO region_daily_as_of(t) AS TABLE
SELECT * FROM region_daily WHERE as_of <= t
QUALIFY row_number() OVER (PARTITION BY region_id, day ORDER BY as_of DESC) = 1;

CREATE MACRO alerts_as_of(t) AS TABLE
SELECT * EXCLUDE (status) FROM (
    SELECT * FROM alerts WHERE as_of <= t
    QUALIFY row_number() OVER (PARTITION BY alert_id ORDER BY as_of DESC) = 1
) WHERE status = 'active';
