-- Incremental run, when the coverage moved (warehouse.indicators compares it with curated_coverage, stored
-- by the full and incremental runs that found it changed): the days whose curated coverage changed are
-- recomputed: for each region and bound that moved (a new ACLED week, a
-- UCDP release that reaches further, GED replacing Candidate, a source asking for other countries), every
-- day between its old and new value. A region without a stored row (new, or the first run after the
-- upgrade) is left to indicators_days_status.sql, which compares the stored NULLs with the coverage.
INSERT INTO ind_days
WITH pairs AS (
    SELECT n.region_id, b.old_v, b.new_v
    FROM ind_curated_coverage n
    JOIN curated_coverage o USING (region_id)
    CROSS JOIN LATERAL (VALUES (o.acled_from, n.acled_from), (o.acled_through, n.acled_through),
                               (o.ucdp_from, n.ucdp_from), (o.ucdp_through, n.ucdp_through),
                               (o.ucdp_gap_from, n.ucdp_gap_from), (o.ucdp_gap_to, n.ucdp_gap_to),
                               (o.ged_through, n.ged_through)) b(old_v, new_v)
    WHERE b.old_v IS DISTINCT FROM b.new_v
),
spans AS (  -- a bound that appeared or vanished: every stored day of the region may change (least and greatest
            -- skip NULLs, so the NULL case is spelled out: GED leaving a region moves every day's series)
    SELECT p.region_id,
           CASE WHEN p.old_v IS NULL OR p.new_v IS NULL THEN (SELECT min(day) FROM ind_stored)
                ELSE least(p.old_v, p.new_v) END AS lo,
           CASE WHEN p.old_v IS NULL OR p.new_v IS NULL THEN (SELECT max(day) FROM ind_stored)
                ELSE greatest(p.old_v, p.new_v) END AS hi
    FROM pairs p
)
SELECT DISTINCT c.day
FROM ind_stored c JOIN spans s ON s.region_id = c.region_id AND c.day BETWEEN s.lo AND s.hi
WHERE c.day NOT IN (SELECT day FROM ind_days)
