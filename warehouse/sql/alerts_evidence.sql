-- Evidence for the alerts in temp ind_need (region_id, day, kind, alert_id): the region's events and
-- documents of the alert's day that support it. Events: conflict events (quad class 3, 4) for
-- escalation and dialogue-gap, cooperation events (1, 2) for de-escalation, scored by num_mentions;
-- documents: the region's documents of the day, scored by how often they name the region.
-- Ranking takes the best item of each outlet first (so the top rows come from distinct
-- outlets), then by score; ties broken by id so reruns agree.
-- Membership and ranking keys are worked out on narrow rows; the candidates then carry what the
-- evidence rows show (event id, URL, actor names, CAMEO code; document title and publisher), fetched by
-- rowid, so the picked items need no second look-up.
CREATE OR REPLACE TEMP TABLE ind_cand AS
WITH need_iso AS (
    SELECT DISTINCT n.day, rc.iso3 FROM ind_need n JOIN ind_rc rc USING (region_id)
),
ev AS (
    -- only events that can be members of a region-day needing evidence (an event of region R has its
    -- action or its actor1 in R's countries); the membership rule below decides
    SELECT rowid AS rid, event_date, actor1_iso3, actor2_iso3, action_iso3, quad_class, num_mentions
    FROM events
    WHERE event_date IN (SELECT day FROM need_iso)
      AND ({'d': event_date, 'c': action_iso3} IN (SELECT {'d': day, 'c': iso3} FROM need_iso)
           OR {'d': event_date, 'c': actor1_iso3} IN (SELECT {'d': day, 'c': iso3} FROM need_iso))
),
/*MEMBER_EVENTS*/,
ev_pick AS (
    SELECT n.alert_id, m.rid, m.event_date AS day, coalesce(m.num_mentions, 0)::DOUBLE AS score
    FROM member m
    JOIN ind_need n ON n.region_id = m.region_id AND n.day = m.event_date
    WHERE (n.kind IN ('escalation', 'dialogue-gap') AND m.quad_class IN (3, 4))
       OR (n.kind = 'de-escalation' AND m.quad_class IN (1, 2))
),
ev_cand AS (
    SELECT p.alert_id, 'event' AS item_type, e.event_id AS item_id, e.source_url AS url, p.day, p.score,
           e.actor1_name AS a1, e.actor2_name AS a2, e.event_code AS code, NULL::VARCHAR AS title,
           NULL::VARCHAR AS publisher
    FROM ev_pick p JOIN events e ON e.rowid = p.rid
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
       p.item_type, p.item_id, c.url,
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

CREATE OR REPLACE TEMP TABLE ind_evidence_stats AS
SELECT n.alert_id,
       coalesce((SELECT count(DISTINCT outlet) FROM ind_cand c WHERE c.alert_id = n.alert_id), 0)::INTEGER AS corroboration,
       (SELECT count(*) FROM ind_evidence e WHERE e.alert_id = n.alert_id)::INTEGER AS evidence_count,
       (SELECT md5(string_agg(item_type || ':' || item_id, ',' ORDER BY rank)) FROM ind_evidence e
        WHERE e.alert_id = n.alert_id) AS evidence_hash
FROM ind_need n;
