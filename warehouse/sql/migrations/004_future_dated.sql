-- Stories dated in the future relative to their fetch (docs/warehouse.md, "documents"): the feed's own date is
-- kept in published_at_stated and the story is counted on its fetch time (published_at), flagged.
ALTER TABLE documents ADD COLUMN published_at_stated TIMESTAMP;
ALTER TABLE documents ADD COLUMN future_dated BOOLEAN;
ALTER TABLE document_versions ADD COLUMN published_at_stated TIMESTAMP;
ALTER TABLE document_versions ADD COLUMN future_dated BOOLEAN;
UPDATE documents SET published_at_stated = published_at,
                     future_dated = coalesce(published_at > fetched_at + INTERVAL 10 MINUTE, false);
UPDATE documents SET published_at = fetched_at WHERE future_dated;
UPDATE document_versions SET published_at_stated = published_at,
                             future_dated = coalesce(published_at > seen_at + INTERVAL 10 MINUTE, false);
UPDATE document_versions SET published_at = seen_at WHERE future_dated;
