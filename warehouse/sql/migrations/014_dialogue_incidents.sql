-- The dialogue tests count dialogue incidents, as the conflict tests count conflict incidents: one meeting coded
-- from twenty articles is one contact, not twenty (docs/indicators.md, "Noise controls" and "Alerts").
-- dialogue_events stays: the coded reports, as before.
ALTER TABLE region_daily ADD COLUMN dialogue_incidents BIGINT;
ALTER TABLE region_daily_current ADD COLUMN dialogue_incidents BIGINT;

COMMENT ON COLUMN region_daily.dialogue_incidents IS 'distinct incidents among dialogue_events (the same meeting coded from several articles counts once): what the dialogue tests count';
COMMENT ON COLUMN region_daily_current.dialogue_incidents IS 'distinct incidents among dialogue_events (the same meeting coded from several articles counts once): what the dialogue tests count';
COMMENT ON COLUMN region_daily.dialogue_expected IS 'baseline mean of dialogue_incidents per day (dyadic regions)';
COMMENT ON COLUMN region_daily_current.dialogue_expected IS 'baseline mean of dialogue_incidents per day (dyadic regions)';
COMMENT ON COLUMN region_daily.dialogue_gap_p IS 'lower-tail p-value of the 7-day dialogue incidents';
COMMENT ON COLUMN region_daily_current.dialogue_gap_p IS 'lower-tail p-value of the 7-day dialogue incidents';
COMMENT ON COLUMN region_daily.dialogue_opening_p IS 'upper-tail p-value of the 2-day dialogue incidents';
COMMENT ON COLUMN region_daily_current.dialogue_opening_p IS 'upper-tail p-value of the 2-day dialogue incidents';

CREATE OR REPLACE VIEW v_dyad_daily AS
SELECT c.region_id, r.side_a, r.side_b, c.day, c.dialogue_events, c.dialogue_incidents, c.dialogue_documents,
       c.dialogue_activity, c.dialogue_expected, c.side_a_sources, c.side_b_sources, c.coverage
FROM region_daily_current c JOIN regions r USING (region_id)
WHERE r.type = 'dyadic';

COMMENT ON VIEW v_dyad_daily IS 'Dialogue per dyad (dyadic regions).';

INSERT INTO dictionary_view_columns VALUES
    ('v_dyad_daily', 'dialogue_incidents', 'distinct incidents among dialogue_events (one meeting coded from several articles counts once): what the dialogue tests count'),
    ('v_region_daily', 'dialogue_incidents', 'distinct incidents among dialogue_events (one meeting coded from several articles counts once): what the dialogue tests count');

UPDATE dictionary_view_columns SET comment = 'baseline mean of dialogue_incidents per day (dyadic regions)'
WHERE view_name = 'v_dyad_daily' AND column_name = 'dialogue_expected';
UPDATE dictionary_view_columns SET comment = 'dyadic regions: the baseline''s mean dialogue incidents per day, NULL for internal regions'
WHERE view_name = 'v_region_daily' AND column_name = 'dialogue_expected';
UPDATE dictionary_view_columns SET comment = 'dyadic regions: p-values of the dialogue tests on dialogue incidents (7 days lower tail, 2 days upper tail), NULL for internal regions'
WHERE view_name = 'v_region_daily' AND column_name IN ('dialogue_gap_p', 'dialogue_opening_p');
