-- The days whose derived columns this run keeps, with their test p-values (ind_pvalues, computed by
-- warehouse.indicators from ind_tests with the negative-binomial tails of warehouse.negbin).
CREATE OR REPLACE TEMP TABLE ind_derived AS
SELECT t.*, p.esc_window, p.escalation_p, p.deescalation_p, p.dialogue_gap_p, p.dialogue_opening_p
FROM ind_tests t
LEFT JOIN ind_pvalues p ON p.region_id = t.region_id AND p.day = t.day
WHERE t.affected
