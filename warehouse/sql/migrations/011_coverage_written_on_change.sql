-- curated_coverage is written only when an indicator run finds a coverage different from the stored one
-- (warehouse/indicators.py): rewriting the same rows every 15 minutes only added files to read.
COMMENT ON TABLE curated_coverage IS 'Which region-days each curated series covers, as the last indicator run found it (key region_id).';

COMMENT ON COLUMN curated_coverage.computed_at IS 'the indicator run that found this coverage (indicator_runs.as_of); later runs finding the same leave it';
