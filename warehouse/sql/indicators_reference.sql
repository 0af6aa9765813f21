-- The configured regions (the `regions` mirror of regions.yaml, synced first) as narrow temp tables the
-- membership and indicator SQL join on; and the sources whose perspective is a side's country.
-- `regions` is read once, into ind_region_rows (each read of a lake table is a catalog lookup).
CREATE OR REPLACE TEMP TABLE ind_region_rows AS SELECT * FROM regions;

CREATE OR REPLACE TEMP TABLE ind_regions AS SELECT region_id, type FROM ind_region_rows;

CREATE OR REPLACE TEMP TABLE ind_side_countries AS
SELECT region_id, 'a' AS side, unnest(side_a_countries) AS iso3 FROM ind_region_rows WHERE type = 'dyadic'
UNION ALL
SELECT region_id, 'b' AS side, unnest(side_b_countries) AS iso3 FROM ind_region_rows WHERE type = 'dyadic';

CREATE OR REPLACE TEMP TABLE ind_side_actors AS
SELECT region_id, 'a' AS side, unnest(side_a_actors) AS actor FROM ind_region_rows WHERE type = 'dyadic'
UNION ALL
SELECT region_id, 'b' AS side, unnest(side_b_actors) AS actor FROM ind_region_rows WHERE type = 'dyadic';

CREATE OR REPLACE TEMP TABLE ind_area_countries AS
SELECT region_id, unnest(area_countries) AS iso3 FROM ind_region_rows;

CREATE OR REPLACE TEMP TABLE ind_area_adm1 AS
SELECT region_id, unnest(area_adm1) AS adm1 FROM ind_region_rows;

CREATE OR REPLACE TEMP TABLE ind_area_boxes AS
SELECT region_id, unnest(area_boxes, recursive := true) FROM ind_region_rows;

CREATE OR REPLACE TEMP TABLE ind_side_sources AS
SELECT c.region_id, c.side, s.source_id
FROM ind_side_countries c JOIN sources s ON s.perspective = c.iso3;

-- The stored current rows, read once: the days to recompute, the grid, the changed days and the write
-- compare with them (each read of a lake table is a catalog lookup). Taken before this run writes any.
CREATE OR REPLACE TEMP TABLE ind_stored AS SELECT * FROM region_daily_current;

-- curated datasets' subdivisions ('ISO3:folded name', warehouse.curated)
CREATE OR REPLACE TEMP TABLE ind_area_admin1 AS
SELECT region_id, unnest(area_admin1) AS admin1_key FROM ind_region_rows
