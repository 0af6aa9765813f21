-- One definition of a story (docs/indicators.md, "Evidence"), for the alerts' evidence (alerts_evidence.sql.j2,
-- alerts_current.sql.j2) and the digest's top stories (digest_stories.sql), which each wrote it out before:
-- a document's title in lower case, letters, marks and digits (any script) only, so the same story under two
-- mastheads is one; a title of fewer than 5 words ("Daily briefing") is too generic to say so, and is no story.
-- Marks are kept: Devanagari or Thai titles split at their vowel signs fell into a dozen "words".
-- reports.alerts.story_key is the same in Python (a test holds them to the same keys).
CREATE OR REPLACE MACRO story_title_key(t) AS trim(regexp_replace(lower(coalesce(t, '')), '[^\pL\pM\pN]+', ' ', 'g'));
CREATE OR REPLACE MACRO is_story(k) AS len(string_split(k, ' ')) >= 5;
