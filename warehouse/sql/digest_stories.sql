-- A region's top-story candidates for a digest week (reports/digest/content.py): every copy published in the
-- week, with the story it belongs to and when and by whom that story was first published about the region. A
-- story is a title as the alerts compare them (lower case, letters and digits; at least 5 words: a shorter title
-- such as "Daily briefing" is no story, its document is its own). The digest credits a story to its first copy
-- of the week, and says when a story is older than the week (a review of the demo's digest found a story of
-- 19 November presented as a new UN report on the 29th, and Beijing's stories credited to the Taiwanese outlet
-- that re-ran them).
WITH keyed AS (
    SELECT doc_id, title, url, publisher, perspective, published_at, mentions,
           CASE WHEN len(string_split(trim(regexp_replace(lower(title), '[^\pL\pN]+', ' ', 'g')), ' ')) >= 5
                THEN trim(regexp_replace(lower(title), '[^\pL\pN]+', ' ', 'g')) ELSE doc_id END AS story
    FROM v_region_documents
    WHERE region_id = $region AND title IS NOT NULL AND published_at IS NOT NULL AND published_at < $end
),
firsts AS (
    SELECT *, first_value(published_at) OVER story AS story_first, first_value(publisher) OVER story AS story_by
    FROM keyed
    WINDOW story AS (PARTITION BY story ORDER BY published_at, doc_id)
)
SELECT doc_id, title, url, publisher, perspective, published_at, mentions, story, story_first, story_by
FROM firsts
WHERE published_at >= $start
ORDER BY story_first < $start, mentions DESC, published_at DESC, doc_id
LIMIT 200
