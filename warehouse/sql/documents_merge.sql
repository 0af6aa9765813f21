-- Merge a batch of parsed feeds into documents, document_versions, document_places and document_aliases
-- (warehouse/documents.py: merge_feeds). Registered by the caller, one row per story / item / place:
--   staged_items   (pos, run_id, source_id, publisher, perspective, landing_file, seen_at, doc_id, story,
--                   item_key, url, title, summary, published_at, language, content_hash, item_publisher)
--                  item_publisher: the item's own publisher (ReliefWeb), which wins over the source's
--   staged_aliases (run_id, story, item_key): every item of every feed
--   staged_places  (pos, place_type, place_id, matched_term, mentions, reason): the tags of each story
-- A batch holds at most one fetch per source (its stories' ids never meet another fetch's of the same source).
-- The caller owns the transaction; doc_stage (the new and changed stories) is left for the counts.

-- A staged story takes the id of a stored document of the same source with the same canonical URL, if any.
-- Two stories can land on one id (an item whose link moved, and another item now at its old link): the first in
-- feed order wins, so a load never writes two versions of one document (a lake has no key to refuse them).
CREATE OR REPLACE TEMP TABLE staged_mapped AS
SELECT s.* REPLACE (coalesce(d.doc_id, s.doc_id) AS doc_id)
FROM staged_items s
LEFT JOIN (SELECT source_id, url, min(doc_id) AS doc_id
           FROM documents
           WHERE url IS NOT NULL AND source_id IN (SELECT DISTINCT source_id FROM staged_items)
           GROUP BY source_id, url) d ON d.source_id = s.source_id AND d.url = s.url
QUALIFY row_number() OVER (PARTITION BY coalesce(d.doc_id, s.doc_id) ORDER BY s.pos) = 1;

-- New stories and stories whose content changed (a re-seen, unchanged story changes nothing). A story dated more
-- than 10 minutes after its first fetch (a publisher's wrong time zone, a scheduled post) keeps the feed's date in
-- published_at_stated and is counted at that first fetch time: published_at = fetched_at, future_dated = true.
-- Against the first fetch, not this one: an edit does not move the story, and a rebuild gives the same rows.
CREATE OR REPLACE TEMP TABLE doc_stage AS
SELECT s.* REPLACE (CASE WHEN s.published_at > coalesce(d.fetched_at, s.seen_at) + INTERVAL 10 MINUTE
                         THEN coalesce(d.fetched_at, s.seen_at) ELSE s.published_at END AS published_at),
       s.published_at AS published_at_stated,
       coalesce(s.published_at > coalesce(d.fetched_at, s.seen_at) + INTERVAL 10 MINUTE, false) AS future_dated,
       d.doc_id IS NULL AS is_new,
       coalesce(d.version, 0) + 1 AS next_version
FROM staged_mapped s
LEFT JOIN documents d USING (doc_id)
WHERE d.doc_id IS NULL OR d.content_hash <> s.content_hash;

INSERT INTO document_versions (doc_id, version, content_hash, url, title, summary, published_at, seen_at, landing_file,
                               run_id, published_at_stated, future_dated)
SELECT doc_id, next_version, content_hash, url, title, summary, published_at, seen_at, landing_file, run_id,
       published_at_stated, future_dated
FROM doc_stage;

INSERT INTO documents (doc_id, source_id, publisher, perspective, item_key, url, title, summary, published_at,
                       fetched_at, updated_at, language, content_hash, version, landing_file, run_id,
                       published_at_stated, future_dated)
SELECT doc_id, source_id, coalesce(item_publisher, publisher), perspective, item_key, url, title, summary, published_at,
       seen_at, seen_at, language, content_hash, 1, landing_file, run_id, published_at_stated, future_dated
FROM doc_stage WHERE is_new;

UPDATE documents AS d SET
    url = s.url, title = s.title, summary = s.summary, published_at = s.published_at,
    published_at_stated = s.published_at_stated, future_dated = s.future_dated,
    language = s.language, content_hash = s.content_hash, version = s.next_version,
    updated_at = s.seen_at, landing_file = s.landing_file, run_id = s.run_id
FROM doc_stage s
WHERE d.doc_id = s.doc_id AND NOT s.is_new;

-- The places of a new or changed story are its current text's.
DELETE FROM document_places WHERE doc_id IN (SELECT doc_id FROM doc_stage);

INSERT INTO document_places (doc_id, place_type, place_id, matched_term, mentions, reason)
SELECT st.doc_id, p.place_type, p.place_id, p.matched_term, p.mentions, p.reason
FROM staged_places p
JOIN doc_stage st USING (pos);

-- Every item id of a story other than its document's own: an alias (kept once).
INSERT INTO document_aliases
SELECT DISTINCT m.doc_id, a.item_key, m.seen_at
FROM staged_aliases a
JOIN staged_mapped m ON m.run_id = a.run_id AND m.story = a.story
JOIN documents d ON d.doc_id = m.doc_id
WHERE a.item_key <> d.item_key
  AND NOT EXISTS (SELECT 1 FROM document_aliases x WHERE x.doc_id = m.doc_id AND x.item_key = a.item_key);

DROP TABLE staged_mapped;
