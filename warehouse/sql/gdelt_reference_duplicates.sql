-- Keys the reference tables must not repeat (a lake has no key constraints): a repeated line in an edited CSV
-- would multiply every event through the mapping joins of gdelt_insert.sql.j2.
SELECT 'cameo_codes.csv' AS file, event_code AS key FROM cameo_codes GROUP BY ALL HAVING count(*) > 1
UNION ALL
SELECT 'fips_iso3.csv', fips FROM fips_countries GROUP BY ALL HAVING count(*) > 1
UNION ALL
SELECT 'cameo_countries.csv', cameo_code FROM cameo_countries GROUP BY ALL HAVING count(*) > 1
ORDER BY 1, 2
LIMIT 5
