-- A region-day whose data all disappeared (the only story of a span's first or last days re-dated, say) is no
-- longer in the span: its current row is deleted and the history gets a withdrawn version, so region_daily_as_of
-- answers "what was known at t" for it too (warehouse/sql/indicators_write_daily.sql.j2).
ALTER TABLE region_daily ADD COLUMN withdrawn BOOLEAN;

COMMENT ON COLUMN region_daily.withdrawn IS 'true: this version removes the region-day (no data left on it: outside the span), repeating its last values; NULL: a computed version';

CREATE OR REPLACE MACRO region_daily_as_of(t) AS TABLE
SELECT * EXCLUDE (withdrawn) FROM (
    SELECT * FROM region_daily WHERE as_of <= t
    QUALIFY row_number() OVER (PARTITION BY region_id, day ORDER BY as_of DESC) = 1
) WHERE withdrawn IS NOT TRUE
