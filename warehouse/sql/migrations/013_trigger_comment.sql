-- The example in the trigger column's description is the text the alerts actually carry
-- (warehouse/sql/alerts_candidates.sql), not an earlier wording.
COMMENT ON COLUMN alerts.trigger IS 'the test that fired, in words, e.g. ''conflict incidents of the last 2 days above the baseline''';
COMMENT ON COLUMN alerts_current.trigger IS 'the test that fired, in words, e.g. ''conflict incidents of the last 2 days above the baseline''';
