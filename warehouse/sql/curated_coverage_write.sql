-- The coverage this run used, for researchers (which region-days each curated series covers) and for the
-- next incremental run (indicators_days_coverage.sql). Replaced whole, and only when it changed
-- (warehouse.indicators); one row per configured region.
DELETE FROM curated_coverage;

INSERT INTO curated_coverage BY NAME SELECT *, $as_of AS computed_at FROM ind_curated_coverage
