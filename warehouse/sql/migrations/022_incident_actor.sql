-- Rules revision 22 (docs/indicators.md, "Incidents"): each actor of an incident's pair is its party (known group,
-- else country; else its code), and both are their codes when they are of one party (a civil war's sides): GDELT
-- codes one sentence at several granularities (RUS -> UKR and RUS -> UKRCVL "occupy territory", 881992396/7 of
-- 2019-10-24, were two incidents); on the real export this merges 23 more keys among the 1,229 rows counted then,
-- 22 of them two codings of one article's sentence (counted incidents: 985 before, 962 after). The indicators
-- recompute by themselves (the rules revision is part of their hash).
COMMENT ON COLUMN event_regions.incident_id IS 'events sharing it are one incident: same day, actor pair (in either order; each actor its known group, else its country, else its code, and both their codes when of one party), CAMEO code (043 "host a visit" read as 042 "make a visit") and place (a hash, compared within a day)';
