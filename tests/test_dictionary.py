"""The data dictionary is in the database (COMMENT ON, kept by the migrations): nothing undescribed, and
docs/dictionary.md is what `tracktwo describe --format markdown` writes from it (it fails when they drift)."""

from __future__ import annotations

from pathlib import Path

from tracktwo.cli import main
from warehouse.db import reader, writer
from warehouse.dictionary import dictionary, markdown

DOC = Path(__file__).resolve().parents[1] / "docs" / "dictionary.md"


def test_every_table_view_and_column_is_described(make_config):
    config = make_config([])
    with writer(config.settings):  # a fresh lake: every migration applied
        pass
    with reader(config.settings) as con:
        entries = dictionary(con)
    names = {e.name for e in entries}
    assert {"documents", "events", "curated_events", "v_region_daily", "v_alerts", "v_curated_daily"} <= names
    undescribed = [e.name for e in entries if not (e.comment or "").strip()]
    undescribed += [f"{e.name}.{c.name}" for e in entries for c in e.columns if not (c.comment or "").strip()]
    assert undescribed == []
    assert sum(len(e.columns) for e in entries) > 600


def test_docs_dictionary_is_generated_from_the_database(make_config, tmp_path, capsys):
    config = make_config([])
    flags = ["--config-dir", str(config.settings.config_dir), "--data-dir", str(config.settings.data_dir)]
    with writer(config.settings):
        pass
    with reader(config.settings) as con:
        expected = markdown(dictionary(con))
    assert DOC.read_text(encoding="utf-8") == expected, (
        "docs/dictionary.md has drifted from the migrations' comments: regenerate it with "
        "`tracktwo describe --format markdown --out docs/dictionary.md`")
    out = tmp_path / "d.md"
    assert main(flags + ["describe", "--format", "markdown", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == expected
    capsys.readouterr()
    assert main(flags + ["describe", "v_curated_daily"]) == 0
    printed = capsys.readouterr().out
    assert "fatalities_best" in printed and "aggregates" in printed
    assert main(flags + ["describe", "no_such_table"]) == 1
