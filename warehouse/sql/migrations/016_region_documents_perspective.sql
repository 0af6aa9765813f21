-- v_region_documents says each document's perspective as the indicators count it (indicators_base.sql.j2): the
-- source's configured perspective, else the one stored with the document. A source's perspective corrected in
-- sources.yaml (reliefweb-updates: an aggregator of UN, NGO, OSCE and government reports, not "un") then reads
-- the same on the dashboard, in the digest and in exports as in un_documents.
CREATE OR REPLACE VIEW v_region_documents AS
SELECT p.region_id, d.doc_id, d.source_id, d.publisher,
       coalesce(s.perspective, d.perspective) AS perspective,
       d.title, d.url, d.published_at, d.fetched_at, p.mentions
FROM (SELECT place_id AS region_id, doc_id, sum(mentions) AS mentions
      FROM document_places WHERE place_type = 'region' GROUP BY ALL) p
JOIN documents d USING (doc_id)
LEFT JOIN sources s USING (source_id);

COMMENT ON VIEW v_region_documents IS 'Documents about a region, one row per region and document.';

UPDATE dictionary_view_columns SET comment = 'un, international or an ISO3 code: the source''s configured perspective (as the indicators count it), else the one stored with the document'
WHERE view_name = 'v_region_documents' AND column_name = 'perspective'
