-- v_region_daily.dialogue_events is not "Track-I" (official) dialogue: the sides' actors are any of their
-- countries' actors, officials or not (the reports and the digest say "dialogue events between the sides").
UPDATE dictionary_view_columns SET comment = 'counted events between the two sides with CAMEO roots 03, 04, 05 (statements of intent to cooperate, consultations, diplomatic cooperation), by any actors of the sides, officials or not'
WHERE view_name = 'v_region_daily' AND column_name = 'dialogue_events';
