-- Rules revision 14 (docs/indicators.md, "Alerts"): a dialogue-gap has no corroboration (NULL), since it claims an
-- absence that no publisher reports; a `high` de-escalation also needs a curated dataset that agrees; a curated
-- series covering only some days of a test window says how many. The dictionary says so; the values follow at the
-- next indicators run (the rules revision is part of the configuration hash, so that run recomputes everything).
COMMENT ON COLUMN alerts.corroboration IS 'independent publishers among the relevant evidence (high needs 2); NULL for a dialogue-gap, which claims an absence that no publisher can corroborate';
COMMENT ON COLUMN alerts_current.corroboration IS 'independent publishers among the relevant evidence (high needs 2); NULL for a dialogue-gap, which claims an absence that no publisher can corroborate';
UPDATE dictionary_view_columns SET comment = 'independent outlets among the relevant evidence (high needs 2); NULL for a dialogue-gap, which claims an absence that no publisher can corroborate'
WHERE view_name = 'v_alerts' AND column_name = 'corroboration';
COMMENT ON COLUMN alerts.curated_support IS 'escalation and de-escalation: whether each curated series agrees (its fatalities in the test window against its mean over the 28 days before), e.g. ACLED agrees (97 fatalities, 39.9 expected), UCDP covers 1 of these 2 days, UCDP does not cover these days; NULL when no curated data cover the region then. A high de-escalation needs a series that agrees';
COMMENT ON COLUMN alerts_current.curated_support IS 'escalation and de-escalation: whether each curated series agrees (its fatalities in the test window against its mean over the 28 days before), e.g. ACLED agrees (97 fatalities, 39.9 expected), UCDP covers 1 of these 2 days, UCDP does not cover these days; NULL when no curated data cover the region then. A high de-escalation needs a series that agrees';
UPDATE dictionary_view_columns SET comment = 'escalation and de-escalation: whether each curated series agrees (its fatalities in the test window against its mean over the 28 days before), e.g. ACLED agrees (97 fatalities, 39.9 expected), UCDP covers 1 of these 2 days, UCDP does not cover these days; NULL when no curated data cover the region then. A high de-escalation needs a series that agrees'
WHERE view_name = 'v_alerts' AND column_name = 'curated_support'
