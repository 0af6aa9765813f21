-- Rules revision 25 (docs/indicators.md, "Evidence"): a document re-running a story also published about the
-- region in the 126 days before the alert's test window is listed with its relevance saying so and corroborates nothing: a hostile
-- review of the demo found an outlet's re-run of a title carried five days earlier counted as a seventh
-- independent report of an escalation. The values follow at the next indicators run (the rules revision is part
-- of the configuration hash, so that run recomputes everything).
COMMENT ON COLUMN alert_evidence.relevance IS 'why it supports the claim (docs/indicators.md, "Evidence"): conflict event, reports conflict, source of a conflict event, cooperation event, dialogue event, reports dialogue, followed for a re-run by '' (a re-run of a story first published on 2026-11-21: not counted in corroboration)''; a curated event says its dataset and fatalities (''UCDP Candidate: 3 fatalities (low 1, high 3)'')';
UPDATE dictionary_view_columns SET comment = 'why it supports the claim: conflict event, reports conflict, source of a conflict event, cooperation event, dialogue event, reports dialogue, followed for a re-run by '' (a re-run of a story first published on 2026-11-21: not counted in corroboration)''; a curated event says its dataset and fatalities (''UCDP Candidate: 3 fatalities (low 1, high 3)'')'
WHERE view_name = 'v_alert_evidence' AND column_name = 'relevance';
COMMENT ON COLUMN alerts.corroboration IS 'independent outlets among the relevant evidence, a story counting once for the outlet that published it first, and not at all when also published in the 126 days (the incremental reach) before the test window (high needs 2); NULL for a dialogue-gap, which claims an absence that no publisher can corroborate';
COMMENT ON COLUMN alerts_current.corroboration IS 'independent outlets among the relevant evidence, a story counting once for the outlet that published it first, and not at all when also published in the 126 days (the incremental reach) before the test window (high needs 2); NULL for a dialogue-gap, which claims an absence that no publisher can corroborate';
UPDATE dictionary_view_columns SET comment = 'independent outlets among the relevant evidence, a story counting once for the outlet that published it first, and not at all when also published in the 126 days (the incremental reach) before the test window (high needs 2); NULL for a dialogue-gap, which claims an absence that no publisher can corroborate'
WHERE view_name = 'v_alerts' AND column_name = 'corroboration';
-- an item's relevance is part of the evidence hash: an item that becomes a re-run makes a new version
COMMENT ON COLUMN alerts.evidence_hash IS 'a hash of the evidence items shown: their ids and relevance, in rank order (a change makes a new version)';
COMMENT ON COLUMN alerts_current.evidence_hash IS 'a hash of the evidence items shown: their ids and relevance, in rank order (a change makes a new version)';
UPDATE dictionary_view_columns SET comment = 'a hash of the evidence items shown: their ids and relevance, in rank order (a change makes a new version)'
WHERE view_name = 'v_alerts' AND column_name = 'evidence_hash';
