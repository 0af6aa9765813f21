-- Evidence for the alerts in temp ind_need: the items that support the claim, over the days of the test
-- window (docs/indicators.md, "Evidence"):
--   escalation, dialogue-gap: counted member events of conflict (quad class 3, 4), documents about the
--     region that report conflict (the conflict lexicon in title or summary), and documents whose URL is the
--     source of such an event;
--   de-escalation: counted member events of cooperation (quad class 1, 2) and documents reporting dialogue;
--   dialogue-opening: dialogue events between the two sides (CAMEO root 03-05) and documents reporting dialogue.
-- Each item's outlet is the host of its URL (lower case, without a 'www.', 'm.', 'amp.' or 'mobile.'
-- prefix), for events and documents alike, so one outlet counts once; a source that is not a URL (GDELT's
-- "BBC Monitoring") counts as that name, an item without any as its publisher (lower case), and only
-- without either as itself. corroboration = the distinct outlets among
-- all relevant items.
-- Ranking takes the best item of each outlet first (so the top rows come from distinct outlets), then by
-- score (event num_mentions, document mentions of the region); ties broken by id so reruns agree.
CREATE OR REPLACE TEMP TABLE ind_cand AS
WITH need AS (
    SELECT alert_id, region_id, day, kind, window_days, day - (window_days - 1) AS first_day FROM ind_need
),
ev AS (
    SELECT n.alert_id, n.kind, er.event_id, er.day, er.actor1_side, er.actor2_side
    FROM need n
    JOIN event_regions er ON er.region_id = n.region_id AND er.day BETWEEN n.first_day AND n.day AND er.counted
),
ev_rel AS (
    SELECT ev.alert_id, ev.event_id, ev.day, e.source_url, e.num_mentions, e.actor1_name, e.actor2_name, e.event_code,
           CASE WHEN ev.kind IN ('escalation', 'dialogue-gap') AND e.quad_class IN (3, 4) THEN 'conflict event'
                WHEN ev.kind = 'de-escalation' AND e.quad_class IN (1, 2) THEN 'cooperation event'
                WHEN ev.kind = 'dialogue-opening' AND e.root_code IN (SELECT unnest($roots))
                     AND ev.actor1_side IS NOT NULL AND ev.actor2_side IS NOT NULL
                     AND ev.actor1_side <> ev.actor2_side THEN 'dialogue event'
           END AS relevance
    FROM ev JOIN events e USING (event_id)
),
ev_cand AS (
    SELECT alert_id, 'event' AS item_type, event_id AS item_id, relevance, source_url AS url, day,
           coalesce(num_mentions, 0)::DOUBLE AS score, actor1_name AS a1, actor2_name AS a2, event_code AS code,
           NULL::VARCHAR AS title, NULL::VARCHAR AS publisher
    FROM ev_rel WHERE relevance IS NOT NULL
),
doc AS (
    SELECT n.alert_id, n.kind, d.doc_id, d.url, d.published_at::DATE AS day, p.mentions, d.title,
           coalesce(d.publisher, d.source_id) AS publisher,
           coalesce(d.title, '') || ' ' || coalesce(d.summary, '') AS text
    FROM need n
    JOIN (SELECT doc_id, place_id AS region_id, sum(mentions) AS mentions
          FROM document_places WHERE place_type = 'region' GROUP BY ALL) p ON p.region_id = n.region_id
    JOIN documents d ON d.doc_id = p.doc_id
    WHERE d.published_at IS NOT NULL AND d.published_at::DATE BETWEEN n.first_day AND n.day
),
doc_cand AS (
    SELECT d.alert_id, 'document' AS item_type, d.doc_id AS item_id,
           CASE WHEN d.kind IN ('escalation', 'dialogue-gap') AND regexp_matches(d.text, $conflict_pattern)
                     THEN 'reports conflict'
                WHEN d.kind IN ('escalation', 'dialogue-gap')
                     AND d.url IN (SELECT url FROM ev_cand c WHERE c.alert_id = d.alert_id)
                     THEN 'source of a conflict event'
                WHEN d.kind IN ('de-escalation', 'dialogue-opening') AND regexp_matches(d.text, $pattern)
                     THEN 'reports dialogue'
           END AS relevance,
           d.url, d.day, d.mentions::DOUBLE AS score,
           NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR, d.title, d.publisher
    FROM doc d
),
cand AS (
    SELECT * FROM ev_cand
    UNION ALL
    SELECT * FROM doc_cand WHERE relevance IS NOT NULL
)
SELECT *,
       coalesce(CASE WHEN contains(url, '://')
                     THEN nullif(regexp_replace(split_part(split_part(lower(url), '://', 2), '/', 1),
                                                '^(www[0-9]*|m|amp|mobile)\.|[:?#].*$', '', 'g'), '')
                     -- not a URL: GDELT writes the service's name ("BBC Monitoring") for its non-web sources
                     ELSE nullif(lower(trim(url)), '') END,
                nullif(lower(trim(publisher)), ''), item_id) AS outlet
FROM cand;

-- Ranking on (score, id) keys only, details joined back for the picked items: per outlet its best
-- max(max_events, max_documents) items (the most that can be shown), best first (score descending, then
-- id); the best item of each outlet in that order, then the outlets' other items in that order; the
-- first max_events / max_documents of the two.
CREATE OR REPLACE TEMP TABLE ind_evidence AS
WITH per_outlet AS (
    SELECT alert_id, item_type,
           list_sort(max_by({'neg_score': coalesce(-score, 'inf'::DOUBLE), 'item_id': item_id}, (score, item_id),
                            greatest($max_events, $max_documents, 1))) AS top
    FROM ind_cand GROUP BY alert_id, item_type, outlet
),
firsts AS (
    SELECT alert_id, item_type, list_sort(min_by(top[1], top[1], greatest($max_events, $max_documents, 1))) AS items
    FROM per_outlet GROUP BY alert_id, item_type
),
others AS (
    SELECT alert_id, item_type, list_sort(min_by(it, it, greatest($max_events, $max_documents, 1))) AS items
    FROM (SELECT alert_id, item_type, unnest(top[2:]) AS it FROM per_outlet WHERE len(top) > 1)
    GROUP BY alert_id, item_type
),
picked AS (
    SELECT alert_id, item_type, unnest(generate_series(1, len(items))) AS type_rank, unnest(items).item_id AS item_id
    FROM (SELECT f.alert_id, f.item_type,
                 (f.items || coalesce(o.items, []))[1:CASE WHEN f.item_type = 'event' THEN $max_events
                                                           ELSE $max_documents END] AS items
          FROM firsts f LEFT JOIN others o USING (alert_id, item_type))
)
SELECT p.alert_id,
       row_number() OVER (PARTITION BY p.alert_id ORDER BY p.type_rank, p.item_type DESC)::INTEGER AS rank,
       p.item_type, p.item_id, c.relevance, c.url,
       CASE WHEN p.item_type = 'event' THEN c.outlet ELSE c.publisher END AS publisher,
       c.day,
       CASE WHEN p.item_type = 'event'
            THEN coalesce(c.a1, '?') || ' -> ' || coalesce(c.a2, '?') || ': '
                 || coalesce(k.description, 'CAMEO ' || coalesce(c.code, '?'))
            ELSE c.title END AS title,
       c.score
FROM picked p
JOIN ind_cand c USING (alert_id, item_type, item_id)
LEFT JOIN cameo_codes k ON p.item_type = 'event' AND k.event_code = c.code;

-- Curated events (ACLED, UCDP) of the region in the test window, for the alerts that claim conflict
-- (escalation, dialogue-gap): the $max_events with the most fatalities, after the news evidence. They do not
-- count towards corroboration (independent news outlets). ACLED's rows are kept here like UCDP's; reports and
-- exports show them only as an aggregate unless the licence allows (tracktwo.core.datasets).
INSERT INTO ind_evidence
SELECT c.alert_id, (coalesce((SELECT max(rank) FROM ind_evidence x WHERE x.alert_id = c.alert_id), 0)
                    + row_number() OVER (PARTITION BY c.alert_id ORDER BY c.score DESC, c.item_id))::INTEGER AS rank,
       'curated_event' AS item_type, c.item_id, c.relevance, NULL AS url, c.publisher, c.day, c.title, c.score
FROM (
    SELECT n.alert_id, e.event_id AS item_id, m.day, coalesce(e.fatalities_best, 0)::DOUBLE AS score,
           CASE e.dataset WHEN 'acled' THEN 'ACLED' WHEN 'ucdp_ged' THEN 'UCDP GED' ELSE 'UCDP Candidate' END
               || ': ' || coalesce(e.fatalities_best, 0) || ' fatalities'
               || CASE WHEN e.fatalities_low IS NOT NULL
                       THEN ' (low ' || e.fatalities_low || ', high ' || e.fatalities_high || ')' ELSE '' END
               AS relevance,
           CASE e.dataset WHEN 'acled' THEN 'ACLED' WHEN 'ucdp_ged' THEN 'UCDP GED' ELSE 'UCDP Candidate' END
               || coalesce(' (' || e.sources || ')', '') AS publisher,
           coalesce(e.conflict_name, e.event_type, '') || ': '
               || coalesce(e.source_notes, coalesce(e.actor1, '?') || ' vs ' || coalesce(e.actor2, '?')) AS title
    FROM ind_need n
    JOIN curated_event_regions m ON m.region_id = n.region_id AND m.day BETWEEN n.day - (n.window_days - 1) AND n.day
    JOIN curated_events e ON e.event_id = m.event_id
    LEFT JOIN ind_curated_coverage v ON v.region_id = n.region_id
    WHERE n.kind IN ('escalation', 'dialogue-gap')
      -- the events the daily columns count: dated to the day or week; UCDP Candidate only after GED's last day
      AND coalesce(e.date_precision, 1) <= CASE WHEN e.dataset = 'acled' THEN 2 ELSE 3 END
      AND NOT (e.dataset = 'ucdp_candidate' AND m.day <= coalesce(v.ged_through, DATE '0001-01-01'))
      AND NOT (e.dataset = 'ucdp_ged' AND m.day > coalesce(v.ged_through, DATE '0001-01-01'))
    QUALIFY row_number() OVER (PARTITION BY n.alert_id ORDER BY score DESC, item_id) <= $max_events
) c;

CREATE OR REPLACE TEMP TABLE ind_evidence_stats AS
SELECT n.alert_id,
       coalesce((SELECT count(DISTINCT outlet) FROM ind_cand c WHERE c.alert_id = n.alert_id), 0)::INTEGER AS corroboration,
       (SELECT count(*) FROM ind_evidence e WHERE e.alert_id = n.alert_id)::INTEGER AS evidence_count,
       (SELECT md5(string_agg(item_type || ':' || item_id, ',' ORDER BY rank)) FROM ind_evidence e
        WHERE e.alert_id = n.alert_id) AS evidence_hash
FROM ind_need n;
