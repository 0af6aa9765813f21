-- key: lake_id (one row). Which lake this is: `tracktwo rebuild` makes a new lake whose snapshot ids start over,
-- so a recorded snapshot (dashboard, digest, export) names its lake too.
CREATE TABLE lake_info AS
SELECT uuid()::VARCHAR AS lake_id,          -- fresh for every lake, never copied by a rebuild
       now()::TIMESTAMP AS created_at;      -- UTC
