-- Curated data, second step (docs/indicators.md, "Curated data").

-- key: region_id. What each curated series covered at the last indicator run: outside [from, through], and
-- inside the gap, its daily columns are NULL (unknown), not 0.
CREATE TABLE IF NOT EXISTS curated_coverage (  -- IF NOT EXISTS: an early 003 created it
    region_id         VARCHAR NOT NULL,
    acled_from        DATE,      -- NULL: ACLED does not cover the region (no source asks for all its places)
    acled_through     DATE,      -- the last day ACLED has published (its latest event date)
    ucdp_from         DATE,      -- UCDP: GED (final) then Candidate (preliminary), one series
    ucdp_through      DATE,
    ucdp_gap_from     DATE,      -- days between GED's last and Candidate's first day: unknown
    ucdp_gap_to       DATE,
    ged_through       DATE,      -- UCDP GED's last day for this region: Candidate counts only after it
    computed_at       TIMESTAMP NOT NULL  -- the indicator run (indicator_runs.as_of)
);

-- Events dated only to a month or a year (ACLED time_precision 3, UCDP date_prec 4-5) are not put on a day.
CREATE OR REPLACE VIEW v_curated_daily AS
SELECT m.region_id, m.day, m.dataset, count(*) AS events, sum(e.fatalities_best) AS fatalities_best,
       sum(e.fatalities_low) AS fatalities_low, sum(e.fatalities_high) AS fatalities_high,
       any_value(e.licence) AS licence
FROM curated_event_regions m JOIN curated_events e USING (event_id)
WHERE coalesce(e.date_precision, 1) <= CASE WHEN e.dataset = 'acled' THEN 2 ELSE 3 END
GROUP BY ALL;
