-- No alert needs evidence this run (ind_need is empty): the tables alerts_evidence.sql.j2 would build, empty,
-- with the same columns and types (tests/test_indicators.py compares them), without reading the lake.
CREATE OR REPLACE TEMP TABLE ind_evidence (
    alert_id VARCHAR, rank INTEGER, item_type VARCHAR, item_id VARCHAR, relevance VARCHAR, url VARCHAR,
    publisher VARCHAR, day DATE, title VARCHAR, score DOUBLE
);

CREATE OR REPLACE TEMP TABLE ind_evidence_stats (
    alert_id VARCHAR, corroboration INTEGER, evidence_count INTEGER, evidence_hash VARCHAR
)
