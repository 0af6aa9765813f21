-- The last day the event feed has finished (docs/indicators.md, "Partial days"): with arrival times
-- (GDELT DATEADDED), the day of the latest loaded update slot minus one, or that day itself once its
-- last slot (24:00 - update_minutes) is in; without any, the last day with events; NULL without events.
SELECT CASE WHEN max(date_added) IS NOT NULL
            THEN CAST(max(date_added) + to_minutes(CAST($update_minutes AS INTEGER)) AS DATE) - 1
            ELSE max(event_date) END
FROM events
