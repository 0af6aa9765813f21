-- Rules revision 22 (docs/indicators.md, "Incidents"): each actor of an incident's pair is its known group, else
-- its country, else its code: GDELT codes one sentence at several granularities (RUS -> UKR and RUS -> UKRCVL
-- "occupy territory", 881992396/7 of 2019-10-24, were two incidents); on the real export this merges 27 more keys
-- among the counted rows, 26 of them two codings of one article's sentence (counted incidents: 985 before, 958
-- now). The indicators recompute by themselves (the rules revision is part of their hash).
COMMENT ON COLUMN event_regions.incident_id IS 'events sharing it are one incident: same day, actor pair (in either order; each actor its known group, else its country, else its code), CAMEO code (043 "host a visit" read as 042 "make a visit") and place (a hash, compared within a day)';
