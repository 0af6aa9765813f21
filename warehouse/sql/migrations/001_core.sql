-- Core tables: one row per fetch of a source, documents with their versions, places.
-- Every TIMESTAMP is UTC.

CREATE TABLE ingest_runs (
    run_id        VARCHAR PRIMARY KEY,   -- landing path of the fetch record, without suffix
    source_id     VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,
    url           VARCHAR NOT NULL,
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP,
    loaded_at     TIMESTAMP NOT NULL,
    status        VARCHAR NOT NULL CHECK (status IN ('ok', 'failed', 'not_modified')),
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

CREATE TABLE documents (
    doc_id        VARCHAR PRIMARY KEY,
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
    run_id        VARCHAR NOT NULL,
    PRIMARY KEY (doc_id, version)
);

CREATE TABLE document_places (
    doc_id        VARCHAR NOT NULL,
    place_type    VARCHAR NOT NULL CHECK (place_type IN ('country', 'region')),
    place_id      VARCHAR NOT NULL,
    matched_term  VARCHAR NOT NULL,
    mentions      INTEGER NOT NULL,
    PRIMARY KEY (doc_id, place_type, place_id, matched_term)
);

CREATE TABLE sources (
    source_id     VARCHAR PRIMARY KEY,
    kind          VARCHAR NOT NULL,
    url           VARCHAR NOT NULL,
    publisher     VARCHAR,
    perspective   VARCHAR,
    license       VARCHAR,
    enabled       BOOLEAN NOT NULL
);

CREATE TABLE regions (
    region_id     VARCHAR PRIMARY KEY,
    name          VARCHAR NOT NULL,
    countries     VARCHAR[] NOT NULL,
    dyads         VARCHAR[][],
    keywords      VARCHAR[]
);
