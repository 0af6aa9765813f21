-- The configured regions (the `regions` mirror of regions.yaml, synced first) as narrow temp tables the
-- membership and indicator SQL join on; and the sources whose perspective is a side's country.
-- `regions` is read once, into ind_region_rows (each read of a lake table is a catalog lookup).
-- rno numbers the regions: the membership groups its matches by (event row, rno), faster than by the text id.
CREATE OR REPLACE TEMP TABLE ind_region_rows AS
SELECT *, CAST(row_number() OVER (ORDER BY region_id) AS INTEGER) AS rno FROM regions;

CREATE OR REPLACE TEMP TABLE ind_regions AS SELECT region_id, type, rno FROM ind_region_rows;

CREATE OR REPLACE TEMP TABLE ind_side_countries AS
SELECT region_id, rno, 'a' AS side, unnest(side_a_countries) AS iso3 FROM ind_region_rows WHERE type = 'dyadic'
UNION ALL
SELECT region_id, rno, 'b' AS side, unnest(side_b_countries) AS iso3 FROM ind_region_rows WHERE type = 'dyadic';

CREATE OR REPLACE TEMP TABLE ind_side_actors AS
SELECT region_id, rno, 'a' AS side, unnest(side_a_actors) AS actor FROM ind_region_rows WHERE type = 'dyadic'
UNION ALL
SELECT region_id, rno, 'b' AS side, unnest(side_b_actors) AS actor FROM ind_region_rows WHERE type = 'dyadic';

CREATE OR REPLACE TEMP TABLE ind_area_countries AS
SELECT region_id, rno, unnest(area_countries) AS iso3 FROM ind_region_rows;

CREATE OR REPLACE TEMP TABLE ind_area_adm1 AS
SELECT region_id, rno, unnest(area_adm1) AS adm1 FROM ind_region_rows;

CREATE OR REPLACE TEMP TABLE ind_area_boxes AS
SELECT region_id, rno, unnest(area_boxes, recursive := true) FROM ind_region_rows;

-- each box's 1-degree cells (the floor of latitude and longitude): the membership finds an event's boxes by its
-- cell, an equality join, then tests their bounds, instead of testing every box against every event
CREATE OR REPLACE TEMP TABLE ind_area_box_cells AS
SELECT b.*, unnest(range(floor(b.west)::INTEGER, floor(b.east)::INTEGER + 1))::DOUBLE AS cell_lon
FROM (SELECT *, unnest(range(floor(south)::INTEGER, floor(north)::INTEGER + 1))::DOUBLE AS cell_lat
      FROM ind_area_boxes) b;

CREATE OR REPLACE TEMP TABLE ind_side_sources AS
SELECT c.region_id, c.side, s.source_id
FROM ind_side_countries c JOIN sources s ON s.perspective = c.iso3;

-- The stored current rows, read once: the days to recompute, the grid, the changed days and the write
-- compare with them (each read of a lake table is a catalog lookup). Taken before this run writes any.
CREATE OR REPLACE TEMP TABLE ind_stored AS SELECT * FROM region_daily_current;

-- curated datasets' subdivisions ('ISO3:folded name', warehouse.curated)
CREATE OR REPLACE TEMP TABLE ind_area_admin1 AS
SELECT region_id, unnest(area_admin1) AS admin1_key FROM ind_region_rows
