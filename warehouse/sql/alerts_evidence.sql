-- Evidence for the alerts in temp ind_need (region_id, day, kind, alert_id): the region's events and
-- documents of the alert's day that support it. Events: conflict events (quad class 3, 4) for
-- escalation and dialogue-gap, cooperation events (1, 2) for de-escalation, scored by num_mentions;
-- documents: the region's documents of the day, scored by how often they name the region.
-- Ranking takes the best item of each publisher first (so the top rows come from distinct
-- publishers), then by score; ties broken by id so reruns agree.
-- Candidates carry what the evidence rows show (actor names, CAMEO code, document title and publisher),
-- so the picked items need no second look-up in events / documents.
CREATE OR REPLACE TEMP TABLE ind_cand AS
WITH ev AS (
    SELECT event_id, event_date, actor1_iso3, actor2_iso3, action_iso3, quad_class, num_mentions, source_url,
           actor1_name, actor2_name, event_code
    FROM events
    WHERE event_date IN (SELECT DISTINCT day FROM ind_need)
),
/*MEMBER_EVENTS*/,
ev_cand AS (
    SELECT n.alert_id, 'event' AS item_type, m.event_id AS item_id, m.source_url AS url, m.event_date AS day,
           coalesce(m.num_mentions, 0)::DOUBLE AS score,
           m.actor1_name AS a1, m.actor2_name AS a2, m.event_code AS code, NULL::VARCHAR AS title,
           NULL::VARCHAR AS publisher
    FROM member m
    JOIN ind_need n ON n.region_id = m.region_id AND n.day = m.event_date
    WHERE (n.kind IN ('escalation', 'dialogue-gap') AND m.quad_class IN (3, 4))
       OR (n.kind = 'de-escalation' AND m.quad_class IN (1, 2))
),
doc_cand AS (
    SELECT n.alert_id, 'document' AS item_type, d.doc_id AS item_id, d.url, d.published_at::DATE AS day,
           p.relevance::DOUBLE AS score,
           NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR, d.title, coalesce(d.publisher, d.source_id)
    FROM documents d
    JOIN (SELECT doc_id, place_id AS region_id, sum(mentions) AS relevance
          FROM document_places WHERE place_type = 'region' GROUP BY ALL) p USING (doc_id)
    JOIN ind_need n ON n.region_id = p.region_id AND n.day = d.published_at::DATE
    WHERE d.published_at IS NOT NULL
),
cand AS (SELECT * FROM ev_cand UNION ALL SELECT * FROM doc_cand)
SELECT *,
       -- the outlet: host of the URL (lower case, without 'www.'), for events and documents alike,
       -- so one outlet counts once in the diversity rule and the corroboration count
       coalesce(nullif(regexp_replace(split_part(split_part(lower(url), '://', 2), '/', 1), '^www\.|[:?#].*$', '', 'g'), ''),
                item_id) AS outlet
FROM cand;

CREATE OR REPLACE TEMP TABLE ind_evidence AS
WITH best AS (
    -- at most max(max_events, max_documents) items per outlet can be shown: keep only those
    SELECT alert_id, item_type, outlet, unnest(top) AS it FROM (
        SELECT alert_id, item_type, outlet,
               max_by({'item_id': item_id, 'url': url, 'day': day, 'score': score, 'a1': a1, 'a2': a2,
                       'code': code, 'title': title, 'publisher': publisher}, (score, item_id),
                      greatest($max_events, $max_documents, 1)) AS top
        FROM ind_cand GROUP BY ALL)
),
ranked AS (
    SELECT alert_id, item_type, outlet, it.item_id, it.url, it.day, it.score, it.a1, it.a2, it.code, it.title,
           it.publisher,
           row_number() OVER (PARTITION BY alert_id, item_type, outlet ORDER BY it.score DESC, it.item_id) AS outlet_rank
    FROM best
),
typed AS (
    SELECT *, row_number() OVER (PARTITION BY alert_id, item_type
                                 ORDER BY outlet_rank > 1, score DESC, item_id) AS type_rank
    FROM ranked
),
picked AS (
    SELECT * FROM typed
    WHERE (item_type = 'event' AND type_rank <= $max_events)
       OR (item_type = 'document' AND type_rank <= $max_documents)
)
SELECT p.alert_id,
       row_number() OVER (PARTITION BY p.alert_id ORDER BY p.type_rank, p.item_type DESC)::INTEGER AS rank,
       p.item_type, p.item_id, p.url,
       CASE WHEN p.item_type = 'event' THEN p.outlet ELSE p.publisher END AS publisher,
       p.day,
       CASE WHEN p.item_type = 'event'
            THEN coalesce(p.a1, '?') || ' -> ' || coalesce(p.a2, '?') || ': '
                 || coalesce(c.description, 'CAMEO ' || coalesce(p.code, '?'))
            ELSE p.title END AS title,
       p.score
FROM picked p
LEFT JOIN cameo_codes c ON p.item_type = 'event' AND c.event_code = p.code;

CREATE OR REPLACE TEMP TABLE ind_evidence_stats AS
SELECT n.alert_id,
       coalesce((SELECT count(DISTINCT outlet) FROM ind_cand c WHERE c.alert_id = n.alert_id), 0)::INTEGER AS corroboration,
       (SELECT count(*) FROM ind_evidence e WHERE e.alert_id = n.alert_id)::INTEGER AS evidence_count,
       (SELECT md5(string_agg(item_type || ':' || item_id, ',' ORDER BY rank)) FROM ind_evidence e
        WHERE e.alert_id = n.alert_id) AS evidence_hash
FROM ind_need n;
