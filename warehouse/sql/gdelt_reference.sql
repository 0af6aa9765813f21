-- Refresh the CAMEO and FIPS reference tables from config/ (paths are bound).
DELETE FROM cameo_codes;
INSERT INTO cameo_codes
SELECT trim(event_code), trim(description), trim(base_code), trim(root_code),
       CAST(quad_class AS TINYINT), TRY_CAST(goldstein AS DOUBLE)
FROM read_csv($cameo_codes, header = true, auto_detect = false, delim = ',', quote = '"',
              columns = {'event_code': 'VARCHAR', 'description': 'VARCHAR', 'base_code': 'VARCHAR',
                         'root_code': 'VARCHAR', 'quad_class': 'VARCHAR', 'goldstein': 'VARCHAR'});
DELETE FROM fips_countries;
INSERT INTO fips_countries
SELECT trim(fips), nullif(trim(iso3), ''), name, nullif(note, '')
FROM read_csv($fips_iso3, header = true, auto_detect = false, delim = ',', quote = '"',
              columns = {'fips': 'VARCHAR', 'iso3': 'VARCHAR', 'name': 'VARCHAR', 'note': 'VARCHAR'});
DELETE FROM cameo_countries;
