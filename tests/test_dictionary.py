"""The data dictionary is in the database (COMMENT ON, kept by the migrations): nothing undescribed, and
docs/dictionary.md is what `tracktwo describe --format markdown` writes from it (it fails when they drift)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracktwo.cli import main
from warehouse import db, lake
from warehouse.db import reader, writer
from warehouse.dictionary import COLUMN_BLOCK, UnknownObject, dictionary, guide_blocks, markdown, update_guide

DOC = Path(__file__).resolve().parents[1] / "docs" / "dictionary.md"
GUIDE = Path(__file__).resolve().parents[1] / "docs" / "warehouse.md"


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


def test_the_guides_column_tables_are_generated_from_the_database(make_config, tmp_path, capsys):
    """docs/warehouse.md: every table and view has its generated block, no column table is written by hand,
    and `tracktwo describe --update` rewrites the blocks (and only them) from the database."""
    config = make_config([])
    flags = ["--config-dir", str(config.settings.config_dir), "--data-dir", str(config.settings.data_dir)]
    with writer(config.settings):
        pass
    with reader(config.settings) as con:
        entries = dictionary(con)
    guide = GUIDE.read_text(encoding="utf-8")
    assert update_guide(guide, entries) == guide, (
        "docs/warehouse.md's column tables have drifted from the migrations' comments: regenerate them with "
        "`tracktwo describe --update docs/warehouse.md`")
    blocks = guide_blocks(guide)
    assert sorted(blocks) == sorted(e.name for e in entries)  # each once, none missing
    outside = COLUMN_BLOCK.sub("", guide)
    assert "| column | type | meaning |" not in outside  # no hand-written column table left

    # the command rewrites a stale block, keeps the prose, and refuses a marker naming nothing
    stale = tmp_path / "guide.md"
    stale.write_text("# Guide\n\nProse kept.\n\n<!-- columns: lake_info -->\n| old | table |\n<!-- /columns -->\n"
                     "\nMore prose.\n", encoding="utf-8")
    assert main(flags + ["describe", "--update", str(stale)]) == 0
    text = stale.read_text(encoding="utf-8")
    assert "| old | table |" not in text and "| `lake_id` | VARCHAR | this lake's id" in text
    assert text.startswith("# Guide\n\nProse kept.\n") and text.endswith("\nMore prose.\n")
    assert main(flags + ["describe", "--update", str(stale)]) == 0
    assert "already up to date" in capsys.readouterr().out
    stale.write_text("<!-- columns: no_such_view -->\n<!-- /columns -->\n", encoding="utf-8")
    assert main(flags + ["describe", "--update", str(stale)]) == 1
    assert stale.read_text(encoding="utf-8") == "<!-- columns: no_such_view -->\n<!-- /columns -->\n"
    try:
        update_guide("<!-- columns: nope -->\n<!-- /columns -->\n", entries)
    except UnknownObject as e:
        assert "nope" in str(e)
    else:
        raise AssertionError("a marker naming no table or view must be refused")
    # a block left unclosed never swallows the prose and the block after it
    unclosed = ("<!-- columns: lake_info -->\n| old |\n\nProse that must stay.\n\n"
                "<!-- columns: schema_migrations -->\n<!-- /columns -->\n")
    stale.write_text(unclosed, encoding="utf-8")
    assert main(flags + ["describe", "--update", str(stale)]) == 1
    assert stale.read_text(encoding="utf-8") == unclosed
    assert "closed by" in capsys.readouterr().out


def test_a_warehouse_from_before_the_renumbering_upgrades(make_config):
    """A warehouse created while the dictionary was migration 006 (and curated_coverage came with 003) upgrades:
    migrations are matched by name and the moved ones run again safely."""
    config = make_config([])
    with writer(config.settings) as con:
        con.execute("DELETE FROM schema_migrations WHERE name IN ('006_curated_coverage', '007_dictionary')")
        con.execute("INSERT INTO schema_migrations VALUES (6, '006_dictionary', now()::TIMESTAMP)")
    with writer(config.settings) as con:  # migrates on open
        names = [r[0] for r in con.execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()]
        assert "006_curated_coverage" in names and "007_dictionary" in names
        n = con.execute("SELECT count(*), count(DISTINCT (view_name, column_name)) FROM dictionary_view_columns").fetchone()
        assert n[0] == n[1] > 100  # filled once, not twice


def test_a_new_lake_gets_its_whole_schema_in_one_snapshot(make_config, monkeypatch):
    """Every migration of a new lake is one transaction: one snapshot, every table at one schema version (DuckLake
    1.5.5 loads a table's older catalog version to read its inlined rows, once per version per transaction), and
    a migration that fails leaves no partial schema behind; the next open starts over and succeeds."""
    config = make_config([], name="broken")
    real = db.migrations()
    broken = real + [(999, "999_broken", "CREATE TABLE half_made (x INTEGER); SELECT * FROM no_such_table")]
    monkeypatch.setattr(db, "migrations", lambda: broken)
    with pytest.raises(Exception, match="no_such_table"):
        with writer(config.settings):
            pass
    monkeypatch.undo()
    con = lake.connect(config.settings, read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = 'lake'").fetchone()[0] == 0
    finally:
        con.close()

    with writer(config.settings) as con:  # the real migrations, from the start
        names = [r[0] for r in con.execute("SELECT name FROM schema_migrations ORDER BY version").fetchall()]
        assert names == [name for _, name, _ in real]
        # the lake's creation (snapshot 0) and the whole schema: one snapshot, at schema version 1
        assert con.execute("SELECT count(*), max(schema_version) FROM ducklake_snapshots('lake')").fetchone() == (2, 1)


def test_an_existing_lake_applies_each_pending_migration_in_its_own_transaction(make_config, monkeypatch):
    """A lake made by an earlier release (its first eight migrations) upgrades with the later ones, each in a
    snapshot of its own, and ends with the same tables and columns as a lake made at once."""
    real = db.migrations()
    older = make_config([], name="older")
    monkeypatch.setattr(db, "migrations", lambda: real[:8])
    with writer(older.settings):
        pass
    monkeypatch.undo()
    with writer(older.settings) as con:
        snapshots = con.execute("SELECT snapshot_id, changes FROM ducklake_snapshots('lake') ORDER BY 1").fetchall()
        assert len(snapshots) == 2 + len(real[8:])  # creation, the first eight at once, then one per later file
        names = [r[0] for r in con.execute("SELECT name FROM schema_migrations ORDER BY version").fetchall()]
        assert names == [name for _, name, _ in real]
        upgraded = con.execute("SELECT table_name, column_name, data_type FROM duckdb_columns() "
                               "WHERE database_name = 'lake' ORDER BY ALL").fetchall()
    fresh = make_config([], name="fresh")
    with writer(fresh.settings) as con:
        assert con.execute("SELECT table_name, column_name, data_type FROM duckdb_columns() "
                           "WHERE database_name = 'lake' ORDER BY ALL").fetchall() == upgraded
