-- CAMEO actor country codes -> ISO3 from config/cameo_countries.csv.
INSERT INTO cameo_countries
SELECT trim(cameo_code), trim(iso3), name
FROM read_csv($path, header = true, auto_detect = false, delim = ',', quote = '"',
              columns = {'cameo_code': 'VARCHAR', 'iso3': 'VARCHAR', 'name': 'VARCHAR'})
WHERE nullif(trim(iso3), '') IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY trim(cameo_code)) = 1
