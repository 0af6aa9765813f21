-- The days whose derived columns this run keeps, with the dialogue activity and its baseline low
-- (the minimum over the baseline frame, when the baseline is long enough).
CREATE OR REPLACE TEMP TABLE ind_derived AS
SELECT * EXCLUDE (dialogue__low, baseline__n, affected),
       dialogue_events + dialogue_documents AS dialogue_activity,
       CASE WHEN baseline__n >= $min_base THEN dialogue__low END AS dialogue_low
FROM ind_derived WHERE affected
