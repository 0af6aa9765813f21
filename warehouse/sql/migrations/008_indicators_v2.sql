-- Indicators v2 (docs/indicators.md): regions by sides and areas with a stored membership per event,
-- an evidence filter and incident collapsing for GDELT, a tension level apart from its change, calibrated
-- (negative-binomial) alerts with an ordered severity, and dialogue per dyad with coverage.
-- The v1 indicator tables are kept under *_v1 names: what earlier briefings saw stays queryable.

ALTER TABLE events ADD COLUMN actor1_group VARCHAR;      -- GDELT Actor1KnownGroupCode (e.g. HMS, TAL)
ALTER TABLE events ADD COLUMN actor2_group VARCHAR;
ALTER TABLE events ADD COLUMN action_feature_id VARCHAR; -- GDELT ActionGeo_FeatureID (the place of an incident)

ALTER TABLE document_places ADD COLUMN reason VARCHAR;   -- regions: dyad | area

DROP TABLE regions;
CREATE TABLE regions (
    region_id         VARCHAR PRIMARY KEY,
    name              VARCHAR NOT NULL,
    type              VARCHAR NOT NULL CHECK (type IN ('dyadic', 'internal')),
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

-- One row per event and region it belongs to, with the reason (recomputed by every indicator run for
-- the days it recomputes; a change of regions.yaml or the filter recomputes all).
CREATE TABLE event_regions (
    event_id     VARCHAR NOT NULL,
    region_id    VARCHAR NOT NULL,
    day          DATE NOT NULL,       -- events.event_date
    reason       VARCHAR NOT NULL CHECK (reason IN ('dyad', 'area', 'dyad+area')),
    actor1_side  VARCHAR,             -- 'a' or 'b' (dyadic regions), NULL when actor 1 is on neither side
    actor2_side  VARCHAR,
    counted      BOOLEAN NOT NULL,    -- passes the evidence filter (indicators.yaml event_filter)
    incident_id  UBIGINT NOT NULL     -- events sharing it are one incident (day, actors, CAMEO code, place)
);
-- One row per (event_id, region_id): the computation deletes a day's rows before it inserts them again, so
-- no key constraint is needed (and none is maintained on millions of rows); tests check it.

CREATE TYPE severity_level AS ENUM ('low', 'medium', 'high');

DROP VIEW v_region_daily;
DROP VIEW v_alert_evidence;
DROP VIEW v_alerts;
DROP MACRO TABLE region_daily_as_of;
DROP MACRO TABLE alerts_as_of;
ALTER TABLE region_daily RENAME TO region_daily_v1;
ALTER TABLE region_daily_current RENAME TO region_daily_current_v1;
ALTER TABLE alerts RENAME TO alerts_v1;
ALTER TABLE alerts_current RENAME TO alerts_current_v1;
ALTER TABLE alert_evidence RENAME TO alert_evidence_v1;
ALTER TABLE indicator_runs ADD COLUMN rules_version INTEGER DEFAULT 1;

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
    coverage             VARCHAR,   -- dyadic: 'observed' or 'no coverage'; NULL for internal regions
    PRIMARY KEY (region_id, day, as_of)
);
-- the latest version of every (region_id, day), same columns (what v_region_daily reads)
CREATE TABLE region_daily_current AS SELECT * FROM region_daily WITH NO DATA;
ALTER TABLE region_daily_current ADD PRIMARY KEY (region_id, day);

CREATE TABLE alerts (
    alert_id           VARCHAR NOT NULL,   -- md5(region_id|day|kind), stable across versions
    as_of              TIMESTAMP NOT NULL,
    status             VARCHAR NOT NULL CHECK (status IN ('active', 'withdrawn')),
    region_id          VARCHAR NOT NULL,
    day                DATE NOT NULL,
    kind               VARCHAR NOT NULL CHECK (kind IN ('escalation', 'de-escalation', 'dialogue-gap', 'dialogue-opening')),
    severity           severity_level NOT NULL,
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
    evidence_hash      VARCHAR,
    PRIMARY KEY (alert_id, as_of)
);
-- the latest version of every alert_id, withdrawn ones included (status)
CREATE TABLE alerts_current AS SELECT * FROM alerts WITH NO DATA;
ALTER TABLE alerts_current ADD PRIMARY KEY (alert_id);

CREATE TABLE alert_evidence (
    alert_id    VARCHAR NOT NULL,
    as_of       TIMESTAMP NOT NULL,
    rank        INTEGER NOT NULL,
    item_type   VARCHAR NOT NULL CHECK (item_type IN ('event', 'document')),
    item_id     VARCHAR NOT NULL,     -- events.event_id or documents.doc_id
    relevance   VARCHAR NOT NULL,     -- why it supports the claim (docs/indicators.md, "Evidence")
    url         VARCHAR,
    publisher   VARCHAR,              -- a document's publisher, or the host of an event's source URL
    day         DATE NOT NULL,
    title       VARCHAR,
    score       DOUBLE,
    PRIMARY KEY (alert_id, as_of, rank)
);

CREATE VIEW v_region_daily AS
SELECT c.*,
       r.type AS region_type
FROM region_daily_current c JOIN regions r USING (region_id);

CREATE VIEW v_alert_evidence AS
SELECT e.* FROM alert_evidence e
JOIN (SELECT alert_id, as_of FROM alerts_current) a USING (alert_id, as_of);

CREATE VIEW v_alerts AS
SELECT l.* EXCLUDE (status),
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

-- What was known at time t (e.g. a past briefing): SELECT * FROM region_daily_as_of(TIMESTAMP '2026-03-01 08:00')
CREATE MACRO region_daily_as_of(t) AS TABLE
SELECT * FROM region_daily WHERE as_of <= t
QUALIFY row_number() OVER (PARTITION BY region_id, day ORDER BY as_of DESC) = 1;

CREATE MACRO alerts_as_of(t) AS TABLE
SELECT * EXCLUDE (status) FROM (
    SELECT * FROM alerts WHERE as_of <= t
    QUALIFY row_number() OVER (PARTITION BY alert_id ORDER BY as_of DESC) = 1
) WHERE status = 'active';
