-- A region's top-story candidates for a digest week (reports/digest/content.py): every copy published in the
-- week, with the story it belongs to and when and by whom that story was first published about the region. A
-- story is a title as the alerts compare them (story_title_key and is_story, migration 026: a shorter title
-- such as "Daily briefing" is no story, its document is its own). The digest credits a story to its first copy
-- of the week, and says when a story is older than the week (a review of the demo's digest found a story of
-- 19 November presented as a new UN report on the 29th, and Beijing's stories credited to the Taiwanese outlet
-- that re-ran them).
WITH keyed AS (
    SELECT doc_id, title, url, publisher, perspective, published_at, mentions,
           CASE WHEN is_story(story_title_key(title)) THEN story_title_key(title) ELSE doc_id END AS story
    FROM v_region_documents
    WHERE region_id = $region AND title IS NOT NULL AND published_at IS NOT NULL AND published_at < $end
),
firsts AS (
    SELECT *, first_value(published_at) OVER story AS story_first, first_value(publisher) OVER story AS story_by
    FROM keyed
    WINDOW story AS (PARTITION BY story ORDER BY published_at, doc_id)
),
week AS (
    SELECT * FROM firsts WHERE published_at >= $start
),
top AS (  -- the 200 best stories (not copies: a widely carried story keeps every copy, its first publisher's too)
    SELECT story FROM week GROUP BY story
    ORDER BY any_value(story_first) < $start, max(mentions) DESC, max(published_at) DESC, min(doc_id)
    LIMIT 200
)
SELECT doc_id, title, url, publisher, perspective, published_at, mentions, story, story_first, story_by
FROM week
WHERE story IN (SELECT story FROM top)
ORDER BY story_first < $start, mentions DESC, published_at DESC, doc_id
