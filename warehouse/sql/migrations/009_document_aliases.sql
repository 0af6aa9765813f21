-- One story per canonical URL per source (docs/indicators.md, "Noise controls"): feeds list the same story
-- under several item ids (guids that differ only by a fragment, '...#0' and '...#10'); the document keeps
-- the first, the others are its aliases here.
CREATE TABLE document_aliases (
    doc_id      VARCHAR NOT NULL,      -- documents.doc_id
    item_key    VARCHAR NOT NULL,      -- another feed item id of the same story
    first_seen  TIMESTAMP NOT NULL,
    PRIMARY KEY (doc_id, item_key)
);
