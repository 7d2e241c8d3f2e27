"""The shipped project: its data and references check, its evidence covers the 2014 briefing,
and each analysis gives the same results alone as through the build."""

import csv
import re
import subprocess
import sys
from pathlib import Path

import pytest
from evidence.cite import Bibliography
from evidence.pipeline import check
from evidence.project import Project

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "analyses" / "data"


def rows(table):
    with open(DATA / f"{table}.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_shipped_data_and_references_check():
    package, bib = check(Project(ROOT))
    assert {"arrangements", "authorities", "assumptions", "market_figures"} <= set(
        package.table_names()
    )


def test_every_authority_the_2014_briefing_names_has_an_arrangement():
    names = {r["ons_code"]: r["name"] for r in rows("authorities")}
    covered = set()
    for row in rows("arrangements"):
        covered |= {names[c.strip()] for c in row["authorities"].split(";") if c.strip()}
    for named in [
        "Shropshire",
        "Darlington",
        "Oldham",
        "York",
        "Stockton-on-Tees",
        "Herefordshire, County of",
        "Nottingham",
        "Nottinghamshire",
        "Rutland",
        "Derby",
        "Derbyshire",
    ]:
        assert named in covered, named
    assert len(rows("arrangements")) >= 17


def test_briefing_and_its_four_supporting_documents_are_in_the_bibliography():
    bib = Bibliography(ROOT / "references")
    for key in [
        "nottscc2014membersbriefing",
        "nottscc2013placementplan",
        "nottcity2014blockcontract",
        "opm2013actionresearch",
        "dfes2004childrenshomes",
    ]:
        assert key in bib, key


def test_briefing_only_rows_cite_only_the_briefing():
    for row in rows("arrangements"):
        if row["evidence_grade"] == "briefing-only":
            assert row["sources"].strip() == "nottscc2014membersbriefing", row["id"]


def test_every_assumption_is_cited_or_explained():
    for row in rows("assumptions"):
        assert row["rationale"].strip()
        assert (row["basis"] == "cited") == bool(row["sources"].strip()), row["name"]


@pytest.mark.parametrize(
    "analysis", ["block_vs_spot", "contract_length", "market_context", "policy_timeline"]
)
def test_analysis_alone_prints_the_same_results_as_the_build(analysis, tmp_path):
    alone = subprocess.run(
        [sys.executable, str(ROOT / "analyses" / f"{analysis}.py")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    ).stdout
    printed = set(re.findall(r"^(\S+\.\S+) = ", alone, re.M))
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "evidence.cli",
            "--project",
            str(ROOT),
            "run",
            str(ROOT / "analyses" / f"{analysis}.py"),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    import json

    results = json.loads(built[built.index("\n{") :])
    assert printed and printed == set(results)
    lines = alone.splitlines()
    for name, result in results.items():  # values may be text with spaces ('31 March 2025')
        assert f"{name} = {result['value']} {result['unit']}" in lines, name


TEXT = [
    *sorted((ROOT / "docs").rglob("*.md")),
    *sorted((ROOT / "docs").rglob("*.yaml")),
    *sorted((ROOT / "analyses").glob("*.py")),
    *sorted((ROOT / "scripts" / "evidence").rglob("*.py")),
]


def test_no_sentence_says_every_source_can_be_checked():
    # the 2014 briefing has no public copy, so such a sentence would be untrue
    claim = re.compile(
        r"\b(every|all|each)\b[^.]{0,80}\b(sources?|documents?)\b[^.]{0,80}"
        r"\bcan be (checked|verified|read)\b",
        re.I,
    )
    for path in TEXT:
        text = " ".join(path.read_text(encoding="utf-8").split())
        assert not claim.search(text), f"{path.relative_to(ROOT)}: {claim.search(text).group(0)}"


def test_the_2014_briefing_is_said_to_have_no_public_copy_where_it_is_the_only_source():
    entry = Bibliography(ROOT / "references").entries["nottscc2014membersbriefing"]
    assert not getattr(entry, "url", None)
    assert "no public copy" in entry.fields["note"].lower()  # the reference list says so too
    for path in ["docs/index.md", "docs/briefing/briefing.md", "analyses/comparison.py"]:
        text = " ".join((ROOT / path).read_text(encoding="utf-8").split())
        assert "no public copy" in text, path


def test_every_policy_event_cites_a_source_and_is_dated():
    events = rows("policy_events")
    assert len(events) >= 20
    for event in events:
        assert event["sources"].strip(), event["id"]
        assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", event["date"]), event["id"]
