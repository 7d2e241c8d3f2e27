"""The authority tables and generated pages: every area code in the official tables is one of the
153 or a listed former area, and `with page(...)` turns an analysis's output into pages."""

import csv
import json
from pathlib import Path

import pytest
from evidence import api
from evidence.errors import EvidenceError
from evidence.run import execute

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "analyses" / "data"


def table(name: str) -> list[dict]:
    with open(DATA / f"{name}.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_153_authorities_each_named_in_the_map():
    authorities = table("authorities")
    assert len(authorities) == 153
    names = {r["name"].casefold(): r["ons_code"] for r in table("authority_names")}
    for row in authorities:
        assert names[row["name"].casefold()] == row["ons_code"]


def test_every_area_in_the_official_tables_is_known():
    known = {r["ons_code"] for r in table("authorities")}
    changes = {r["code"]: r for r in table("authority_changes")}
    for name, column in [
        ("cla_placements", "area_code"),
        ("cla_rates", "area_code"),
        ("childrens_homes_outside", "area_code"),
        ("childrens_homes_net_gain", "area_code"),
        ("residential_spend", "area_code"),
        ("childrens_homes", "ons_code"),
        ("ilacs_judgements", "ons_code"),
    ]:
        for row in table(name):
            if row.get("level", "authority") != "authority":
                continue
            code = row[column]
            assert code in known or changes[code]["change"] != "recoded", (name, code)


def test_suppressed_values_are_missing_not_zero():
    for name, value in [("childrens_homes_outside", "children"), ("cla_placements", "children")]:
        for row in table(name):
            if row["marker"]:
                assert row[value] == "", (name, row)


def test_every_release_is_recorded_and_cited():
    releases = {r["release"] for r in table("releases")}
    for name in ("cla_placements", "childrens_homes", "residential_spend"):
        assert {r["release"] for r in table(name)} <= releases
    assert all(r["citation"] and len(r["sha256"]) == 64 for r in table("releases"))


def test_pages_are_recorded_per_page(tmp_path, monkeypatch):
    script = tmp_path / "profiles.py"
    script.write_text(
        "# %%\n"
        "import pandas as pd\n"
        "from evidence import page, show\n"
        "show('Index text')\n"
        "for code in ['E1', 'E2']:\n"
        "    with page(f'places/{code}', title=f'Place {code}'):\n"
        "        show(f'About {code} [@key].')\n"
        "        show(pd.DataFrame({'year': ['2024'], 'n': [1]}), caption=code)\n",
        encoding="utf-8",
    )
    session = api.Session(data_dir=tmp_path, standalone=False)
    monkeypatch.setattr(api, "_session", session)
    record = execute(script, session)
    json.dumps(record)  # plain JSON, as the cache stores it
    assert sorted(record["pages"]) == ["places/E1", "places/E2"]
    page = record["pages"]["places/E2"]
    assert page["title"] == "Place E2"
    assert [o["kind"] for o in page["outputs"]] == ["markdown", "table"]
    assert page["outputs"][1]["rows"] == [["2024", 1]]
    # outside a page, show('text') is Markdown on the analysis's own page
    assert record["cells"][0]["outputs"][0] == {"kind": "markdown", "text": "Index text"}


def test_page_paths_are_checked(monkeypatch, tmp_path):
    monkeypatch.setattr(api, "_session", api.Session(data_dir=tmp_path, standalone=False))
    with pytest.raises(EvidenceError, match="must be folder/name"):
        with api.page("../escape", title="x"):
            pass
    with api.page("places/a", title="A"):
        pass
    with pytest.raises(EvidenceError, match="generated twice"):
        with api.page("places/a", title="A again"):
            pass
