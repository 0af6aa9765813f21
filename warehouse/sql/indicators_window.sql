-- Stored region-days of the configured regions that the grid no longer holds: days that lost all their data
-- at an end of the span (a story re-dated, say). indicators_write_daily.sql.j2 withdraws them.
CREATE OR REPLACE TEMP TABLE ind_dropped AS
SELECT region_id, day FROM ind_stored
WHERE region_id IN (SELECT region_id FROM ind_regions)
EXCEPT
SELECT region_id, day FROM ind_base;

-- Days whose inputs changed: recomputed days, and grid days without a stored row yet (every grid day
-- in a full run, $all). A span whose start moved later changes its new first day's look-back too (days before
-- it no longer exist), however far back the old start was.
CREATE OR REPLACE TEMP TABLE ind_changed AS
SELECT day FROM ind_days
UNION
SELECT DISTINCT b.day FROM ind_base b
WHERE $all OR NOT EXISTS (SELECT 1 FROM ind_stored c WHERE c.region_id = b.region_id AND c.day = b.day)
UNION
SELECT lo FROM (SELECT min(day) AS lo FROM ind_base)
WHERE EXISTS (SELECT 1 FROM ind_dropped WHERE day < lo);

-- A changed day t moves the derived columns of days t .. t + reach (reach, set by warehouse.indicators:
-- the longest look-back of any derived column: a test's variance floor, 2 x guard + dispersion + baseline
-- (the errors of its dispersion window, each against its own baseline), guard + dispersion (+ 6: each day's
-- deviation from its trailing 7 days) or guard + baseline, the
-- z-scores' baseline, the changes, the level window with the fatalities rate it carries (window + carry
-- days), the tension change's two windows, the dialogue alerts' highest level over a test window and the level
-- window before it: 2 x window + carry + 5), and those read
-- the rows back to t - reach. `affected` marks the days whose derived columns are kept.
CREATE OR REPLACE TEMP TABLE ind_window AS
SELECT g.day, bool_or(g.day >= c.day) AS affected
FROM (SELECT DISTINCT day FROM ind_base) g
JOIN ind_changed c ON g.day BETWEEN c.day - CAST($reach AS INTEGER) AND c.day + CAST($reach AS INTEGER)
GROUP BY g.day;

CREATE OR REPLACE TEMP TABLE ind_input AS
SELECT b.*, w.affected FROM ind_base b JOIN ind_window w USING (day)
