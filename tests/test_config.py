"""Config validation: errors name the file, the entry and the field."""

from __future__ import annotations

import pytest
import yaml

from tracktwo.core.config import Config
from tracktwo.core.errors import ConfigError
from tracktwo.core.settings import Settings
from tracktwo.pipeline import open_config
from tracktwo.cli import main


def _config(tmp_path, sources_doc) -> Config:
    cfg = tmp_path / "config"
    cfg.mkdir()
    (cfg / "sources.yaml").write_text(yaml.safe_dump(sources_doc) if not isinstance(sources_doc, str) else sources_doc)
    return open_config(Settings(cfg, tmp_path / "data"))


def test_error_names_file_entry_and_field(tmp_path):
    config = _config(tmp_path, {"sources": [
        {"id": "ok-one", "kind": "rss", "url": "https://example.org/a.xml"},
        {"id": "broken", "kind": "rss", "url": "ftp://example.org/feed", "perspective": "Ukraine"},
    ]})
    with pytest.raises(ConfigError) as err:
        config.sources
    msg = str(err.value)
    assert "sources.yaml" in msg
    assert "sources[1] (id='broken')" in msg
    assert "field 'url'" in msg and "http(s)" in msg
    assert "field 'perspective'" in msg


def test_a_perspective_must_be_a_known_country(tmp_path):
    config = _config(tmp_path, {"sources": [
        {"id": "known", "kind": "rss", "url": "https://example.org/a.xml", "perspective": "UKR"},
        {"id": "typo", "kind": "rss", "url": "https://example.org/b.xml", "perspective": "XYZ"},
    ]})
    with pytest.raises(ConfigError) as err:
        config.sources
    assert "sources[1] (id='typo') field 'perspective': Value error, unknown country codes ['XYZ']" in str(err.value)
    assert "sources[0]" not in str(err.value)


def test_unknown_kind_and_missing_field(tmp_path):
    config = _config(tmp_path, {"sources": [{"id": "x", "kind": "telegram", "url": "https://e.org"}, {"id": "y", "kind": "rss"}]})
    with pytest.raises(ConfigError) as err:
        config.sources
    msg = str(err.value)
    assert "sources[0] (id='x') field 'kind'" in msg
    assert "sources[1] (id='y') field 'url'" in msg and "Field required" in msg


def test_misspelt_field_is_an_error_not_ignored(tmp_path):
    """`enabeld: false` must not leave a source silently enabled."""
    config = _config(tmp_path, {"sources": [{"id": "x", "kind": "rss", "url": "https://e.org/f", "enabeld": False},
                                            {"id": "g", "kind": "gdelt_events", "url": "https://e.org/l", "max_attempts": 0}]})
    with pytest.raises(ConfigError) as err:
        config.sources
    msg = str(err.value)
    assert "sources[0] (id='x') field 'enabeld'" in msg and "Extra inputs are not permitted" in msg
    assert "sources[1] (id='g') field 'max_attempts'" in msg


def test_bad_yaml_and_missing_file(tmp_path):
    config = _config(tmp_path, "sources: [unclosed")
    with pytest.raises(ConfigError, match="not valid YAML"):
        config.sources
    with pytest.raises(ConfigError, match="regions.yaml: file not found"):
        config.regions


def test_duplicate_ids_and_bad_region(tmp_path):
    config = _config(tmp_path, {"sources": [{"id": "a", "kind": "rss", "url": "https://e.org/1"}] * 2})
    with pytest.raises(ConfigError, match=r"duplicate source id: 'a' in sources\[0\] and sources\[1\]"):
        config.sources
    region = {"id": "r", "name": "R", "type": "internal", "areas": {"countries": ["SDN"]}}
    (tmp_path / "config" / "regions.yaml").write_text(yaml.safe_dump({"regions": [region, {**region, "id": "q"}, region]}))
    with pytest.raises(ConfigError, match=r"duplicate region id: 'r' in regions\[0\] and regions\[2\]"):
        open_config(Settings(tmp_path / "config", tmp_path / "data")).regions
    (tmp_path / "config" / "regions.yaml").write_text(yaml.safe_dump({"regions": [{"id": "r", "name": "R", "countries": ["Ukraine"]}]}))
    with pytest.raises(ConfigError, match=r"regions\[0\] \(id='r'\) field 'countries'"):
        config.regions


def test_cli_exit_code_2_on_config_error(tmp_path, capsys):
    _config(tmp_path, {"sources": [{"id": "BAD ID", "kind": "rss", "url": "https://e.org"}]})
    rc = main(["--config-dir", str(tmp_path / "config"), "--data-dir", str(tmp_path / "data"), "ingest"])
    assert rc == 2
    assert "field 'id'" in capsys.readouterr().err


def test_project_config_is_valid():
    from conftest import PROJECT_CONFIG

    config = open_config(Settings(PROJECT_CONFIG, PROJECT_CONFIG / "unused"))
    ids = {r.id for r in config.regions}
    assert {"russia-ukraine", "israel-palestine", "middle-east", "taiwan-strait", "korean-peninsula"} <= ids
    assert len(ids) >= 13
    assert len(config.enabled_sources("rss")) >= 20
    assert config.gazetteer["UKR"].terms
    for r in config.regions:  # documents find a region through its countries' gazetteer names
        for c in r.side_countries | set(r.areas.countries):
            assert c in config.gazetteer, f"region {r.id}: {c} not in gazetteer"
        assert r.type == "internal" or len(r.sides) == 2
    # "un" is what the UN publishes: an aggregator of UN, NGO, OSCE and government reports is not (on the real
    # ReliefWeb Ukraine feed, 11 of 20 items come from no UN body)
    from urllib.parse import urlsplit
    for s in config.sources:
        if urlsplit(s.url).hostname in ("reliefweb.int", "api.reliefweb.int"):
            assert s.perspective != "un", s.id


REGION_ERRORS = [
    ({"id": "x", "name": "X", "type": "dyadic", "sides": [{"name": "A", "countries": ["RUS"]}]},
     "regions[0] (id='x') field '(entry)': Value error, a dyadic region has exactly two sides, not 1"),
    ({"id": "x", "name": "X", "type": "internal"}, "an internal region needs areas"),
    ({"id": "x", "name": "X", "type": "internal", "sides": [{"name": "A", "countries": ["RUS"]}, {"name": "B", "countries": ["UKR"]}],
      "areas": {"countries": ["UKR"]}}, "an internal region has no sides"),
    ({"id": "x", "name": "X", "type": "dyadic", "sides": [{"name": "A", "countries": ["RUS"]}, {"name": "B", "countries": ["RUS"]}]},
     "['RUS'] on both sides"),
    ({"id": "x", "name": "X", "type": "internal", "areas": {"adm1": ["Belgorod"]}},
     "field 'areas.adm1': Value error, not GDELT ADM1 codes"),
    # a country's bare code would let its centroid events in, against the centroid rule: only theatre territories
    ({"id": "x", "name": "X", "type": "internal", "areas": {"adm1": ["GZ", "UP"]}},
     "field 'areas.adm1': Value error, not GDELT ADM1 codes (FIPS country + 2 characters, e.g. RS09, or one of "
     "the territories GZ, WE, PF, PG): ['UP']"),
    ({"id": "x", "name": "X", "type": "internal", "areas": {"boxes": [{"name": "b", "south": 10, "north": 5, "west": 1, "east": 2}]}},
     "field 'areas.boxes.0': Value error, box 'b': south (10.0) must be below north (5.0)"),
    ({"id": "x", "name": "X", "type": "dyadic", "sides": [{"name": "A"}, {"name": "B", "countries": ["UKR"]}]},
     "field 'sides.0': Value error, a side needs at least one of 'countries' or 'actors'"),
    ({"id": "x", "name": "X", "type": "conflict", "areas": {"countries": ["UKR"]}}, "field 'type'"),
    ({"id": "x", "name": "X", "type": "internal", "countries": ["UKR"]}, "field 'countries': Extra inputs are not permitted"),
    # well-formed but in no reference table: a typo that would count nothing, silently
    ({"id": "x", "name": "X", "type": "dyadic", "sides": [{"name": "A", "countries": ["RUS"]}, {"name": "B", "countries": ["UKT"]}]},
     "field 'sides.1.countries': Value error, unknown country codes ['UKT']: in none of config/cameo_countries.csv"),
    ({"id": "x", "name": "X", "type": "internal", "areas": {"countries": ["SDN", "XYZ"]}},
     "field 'areas.countries': Value error, unknown country codes ['XYZ']"),
    ({"id": "x", "name": "X", "type": "internal", "areas": {"boxes": [{"name": "b", "south": 1, "north": 5, "west": 1, "east": 2,
                                                                   "country": "QQQ"}]}},
     "field 'areas.boxes.0.country': Value error, unknown country codes ['QQQ']"),
]


@pytest.mark.parametrize("region,message", REGION_ERRORS)
def test_region_errors_name_file_entry_and_field(tmp_path, region, message):
    from conftest import PROJECT_CONFIG

    cfg = tmp_path / "config"
    cfg.mkdir()
    for name in ("sources.yaml", "gazetteer.yaml"):
        (cfg / name).write_text((PROJECT_CONFIG / name).read_text())
    (cfg / "regions.yaml").write_text(yaml.safe_dump({"regions": [region]}))
    config = open_config(Settings(cfg, tmp_path / "data"))
    with pytest.raises(ConfigError) as err:
        config.regions
    assert str(cfg / "regions.yaml") in str(err.value) and message in str(err.value)


def test_a_context_of_no_ambiguous_term_is_a_config_error(tmp_path):
    """A mapping of negative contexts names ambiguous terms only: a typo would silently never apply."""
    from conftest import PROJECT_CONFIG

    cfg = tmp_path / "config"
    cfg.mkdir()
    for name in ("sources.yaml", "regions.yaml"):
        (cfg / name).write_text((PROJECT_CONFIG / name).read_text())
    gaz = yaml.safe_load((PROJECT_CONFIG / "gazetteer.yaml").read_text())
    gaz["countries"]["COD"]["negative_context"]["M32"] = ["motorway"]
    (cfg / "gazetteer.yaml").write_text(yaml.safe_dump(gaz))
    with pytest.raises(ConfigError) as err:
        open_config(Settings(cfg, tmp_path / "data")).gazetteer
    assert str(cfg / "gazetteer.yaml") in str(err.value) and "COD" in str(err.value) \
        and "negative_context names ['M32'], which are not in `ambiguous`" in str(err.value)


def test_latin1_byte_and_duplicate_keys_are_config_errors(tmp_path, capsys):
    from tracktwo.cli import main

    cfg = tmp_path / "config"
    cfg.mkdir()
    (cfg / "sources.yaml").write_bytes(b"sources:\n  - id: caf\xe9\n    kind: rss\n    url: https://e.org/f\n")
    rc = main(["--config-dir", str(cfg), "--data-dir", str(tmp_path / "data"), "ingest"])
    assert rc == 2 and "not UTF-8" in capsys.readouterr().err
    (cfg / "sources.yaml").write_text("sources:\n  - id: a\n    kind: rss\n    url: https://e.org/f\n"
                                      "    enabled: true\n    enabled: false\n")
    rc = main(["--config-dir", str(cfg), "--data-dir", str(tmp_path / "data"), "ingest"])
    err = capsys.readouterr().err
    assert rc == 2 and "duplicate key 'enabled'" in err and "line 6" in err


def test_too_many_sources_is_a_clear_error(tmp_path):
    from tracktwo.core.config import MAX_SOURCES

    lines = ["sources:"] + [f"  - {{id: s{i}, kind: rss, url: 'https://example.org/{i}.xml'}}"
                            for i in range(MAX_SOURCES + 1)]
    config = _config(tmp_path, "\n".join(lines) + "\n")
    with pytest.raises(ConfigError, match=r"5,001 sources; at most 5,000"):
        config.sources


def test_many_sources_mirror_in_one_bulk_insert(make_config):
    """4,000 sources (under the cap) mirror into the `sources` table whole, and a second sync writes nothing."""
    from warehouse.db import writer
    from warehouse.load import sync_reference

    config = make_config([{"id": f"s{i}", "kind": "rss", "url": f"https://example.org/{i}.xml",
                           "publisher": f"P{i}", "license": "CC0"} for i in range(4000)])
    with writer(config.settings) as con:
        sync_reference(con, config)
        got = con.execute("SELECT count(*), count(DISTINCT source_id), min(publisher), bool_and(enabled) FROM sources").fetchone()
        assert got == (4000, 4000, "P0", True)
        assert con.execute("SELECT url, license FROM sources WHERE source_id = 's3999'").fetchone() == (
            "https://example.org/3999.xml", "CC0")
        sync_reference(con, config)
        assert con.execute("SELECT count(*) FROM sources").fetchone()[0] == 4000
