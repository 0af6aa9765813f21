"""The document lexicons as the SQL applies them (indicators_base.sql.j2, alerts_evidence.sql.j2): the exclusion
phrases are taken out with regexp_replace, then the terms are matched with regexp_matches (RE2, in DuckDB)."""

from __future__ import annotations

import duckdb
import pytest

from warehouse.indicator_settings import DialogueSettings, EvidenceSettings


def classify(text: str) -> tuple[bool, bool]:
    d, e = DialogueSettings(), EvidenceSettings()
    return duckdb.connect().execute(
        "SELECT regexp_matches(regexp_replace($t, $dx, ' ', 'g'), $d), "
        "regexp_matches(regexp_replace($t, $cx, ' ', 'g'), $c)",
        {"t": text, "dx": d.exclusion(), "d": d.pattern(), "cx": e.conflict_exclusion(), "c": e.conflict_pattern()},
    ).fetchone()


@pytest.mark.parametrize("text, dialogue, conflict", [
    ("The SMM recorded four ceasefire violations in Donetsk region", False, True),
    # two exclusion phrases one character apart are both taken out (neither leaves a bare "ceasefire")
    ("truce violations/ceasefire violations", False, True),
    ("Ceasefire violation ceasefire violations", False, True),
    ("Ceasefire talks resume in Cairo", True, False),
    ("Time to negotiate end to 'unwinnable' war", True, False),
    ("medical workers bravely fighting the virus", False, False),
    ("fighting the virus while fighting continues in Donetsk", False, True),
    ("a ceasefire, then ceasefire violations", True, True),  # the first "ceasefire" is still a dialogue term
])
def test_exclusions_then_terms(text, dialogue, conflict):
    assert classify(text) == (dialogue, conflict)


def test_an_exclusion_phrase_must_have_word_edges():
    with pytest.raises(ValueError, match="must begin and end with a letter or digit"):
        DialogueSettings(not_dialogue=["ceasefire violation."])
    assert DialogueSettings(not_dialogue=[]).exclusion() == r"[^\s\S]"  # matches nothing
