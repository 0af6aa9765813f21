-- --start/--end: every day of the range.
CREATE OR REPLACE TEMP TABLE ind_days AS
SELECT unnest(generate_series($start::DATE, $end::DATE, INTERVAL 1 DAY))::DATE AS day
