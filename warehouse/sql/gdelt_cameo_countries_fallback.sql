-- Without config/cameo_countries.csv: a three-letter actor country that is an
-- ISO3 code of some FIPS country is taken as that country.
INSERT INTO cameo_countries
SELECT iso3, iso3, min(name) FROM fips_countries WHERE iso3 IS NOT NULL GROUP BY iso3
