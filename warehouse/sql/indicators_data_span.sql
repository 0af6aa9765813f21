-- First and last day with events or documents (open ends of --start/--end).
SELECT least((SELECT min(event_date) FROM events), (SELECT min(published_at)::DATE FROM documents)),
       greatest((SELECT max(event_date) FROM events), (SELECT max(published_at)::DATE FROM documents))
