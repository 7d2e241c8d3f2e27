"""The regenerated members' briefing: page, Word document, fidelity map, what changed, snapshot."""

import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import evidence
from evidence.briefing import plain_text, sentences
from evidence.pipeline import SNAPSHOT, same_snapshot_entry, snapshot_of

ROOT = Path(__file__).resolve().parents[1]


def docx_text(path: Path) -> str:
    from docx import Document

    return "\n".join(p.text for p in Document(str(path)).paragraphs)


# ---- the fixture project (fast) -------------------------------------------------------------


def test_briefing_page_docx_and_maps_are_built(built_mini):
    site = built_mini / "site" / "briefing"
    page = (site / "index.html").read_text(encoding="utf-8")
    assert 'id="para-prices"' in page and 'id="para-close"' in page
    assert '<span class="para-number">3.</span>' in page  # numbered in template order
    # each figure links to its provenance on the results page
    assert re.search(r'<a class="result" data-result="prices.mean_price" href="../results/#', page)
    assert "briefing.docx" in page
    text = docx_text(site / "briefing.docx")
    assert "Fixture briefing" in text and "1.\tThe mean weekly price is £" in text
    fidelity = (site / "fidelity" / "index.html").read_text(encoding="utf-8")
    assert fidelity.count('<tr id="p2014-') == 2
    assert "verdict-qualifies" in fidelity


def test_same_inputs_give_the_same_docx_bytes(mini, tmp_path, capsys):
    other = tmp_path / "again"
    shutil.copytree(mini, other)
    assert evidence(mini, "build", capsys=capsys)[0] == 0
    assert evidence(other, "build", capsys=capsys)[0] == 0
    first = (mini / "site/briefing/briefing.docx").read_bytes()
    assert first == (other / "site/briefing/briefing.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(first)) as z:  # a valid package with fixed timestamps
        assert z.testzip() is None
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


@pytest.mark.parametrize(
    "line, expected",
    [
        ('{#p} Price {{ result("prices.nope") }}.', "line 8: no result named 'prices.nope'"),
        ("{#p} Price {{ result( }}.", "line 8: unexpected '}'"),
        ("{#p} Price [@nosuchkey].", "line 8: unknown citation key 'nosuchkey'"),
        ('{#p} {{ arrangement("x").beds }}', "line 8: the briefing needs the 'arrangements' table"),
    ],
)
def test_template_errors_name_the_template_line(mini, capsys, line, expected):
    path = mini / "docs/briefing/briefing.md"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[7] = line  # line 8 of the file, the first paragraph
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, err = evidence(mini, "build", capsys=capsys)
    assert status == 1
    assert f"docs/briefing/briefing.md: {expected}" in err
    assert not (mini / "site").exists()


def test_a_fidelity_map_must_cover_every_original_paragraph(mini, capsys):
    path = mini / "docs/briefing/fidelity.yaml"
    path.write_text(path.read_text().replace("paragraphs_2014: 2", "paragraphs_2014: 3"))
    status, err = evidence(mini, "build", capsys=capsys)
    assert status == 1
    assert "each of the 3 paragraphs of 2014 exactly once; missing: [3]" in err


def test_a_fidelity_map_naming_an_unknown_paragraph_fails(mini, capsys):
    path = mini / "docs/briefing/fidelity.yaml"
    path.write_text(path.read_text().replace("[homes, close]", "[homes, closing]"))
    status, err = evidence(mini, "build", capsys=capsys)
    assert status == 1
    assert "paragraph 2: carried_by names {#closing}" in err


def test_duplicate_paragraph_keys_fail(mini, capsys):
    path = mini / "docs/briefing/briefing.md"
    path.write_text(path.read_text().replace("{#close}", "{#homes}"))
    status, err = evidence(mini, "build", capsys=capsys)
    assert status == 1
    assert "paragraph key {#homes} is used twice" in err


def test_what_changed_lists_results_and_sentences_then_keeps_the_comparison(mini, capsys):
    assert evidence(mini, "build", capsys=capsys)[0] == 0
    changes = mini / "site/briefing/changes/index.html"
    assert "no earlier build" in changes.read_text(encoding="utf-8")
    prices = mini / "analyses/data/prices.csv"
    rows = prices.read_text(encoding="utf-8").splitlines()
    rows[1] = re.sub(r",(\d+)(\.\d+)?,", lambda m: f",{int(m.group(1)) + 1000},", rows[1], count=1)
    prices.write_text("\n".join(rows) + "\n", encoding="utf-8")
    status, err = evidence(mini, "build", capsys=capsys)
    assert status == 0
    assert "what changed: 1 results, 0 arrangements and 1 briefing paragraphs changed" in err
    page = changes.read_text(encoding="utf-8")
    assert "prices.mean_price" in page and "homes.count" not in page
    assert "Paragraph 1</a> (changed)" in page and "Paragraph 2" not in page
    # only the sentence holding the figure is listed, not its neighbour
    assert page.count("<del>") == 1 and "Prices vary by provider" not in page
    # a rebuild with nothing changed keeps the last comparison, as a release note would
    assert evidence(mini, "build", capsys=capsys)[0] == 0
    assert changes.read_text(encoding="utf-8") == page


def test_snapshot_command_and_stale_snapshot_message(mini, capsys):
    status, err = evidence(mini, "snapshot", capsys=capsys)
    assert status == 0 and f"wrote {SNAPSHOT}" in err
    snap = json.loads((mini / SNAPSHOT).read_text(encoding="utf-8"))
    assert list(snap) == sorted(snap) and set(snap["homes.count"]) == {"unit", "value"}
    homes = mini / "analyses/data/homes.csv"
    lines = homes.read_text(encoding="utf-8").splitlines()
    lines.append(lines[-1].replace(lines[-1].split(",")[0], "zz-extra", 1))
    homes.write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, err = evidence(mini, "build", capsys=capsys)
    assert status == 0
    assert f"results differ from {SNAPSHOT}: 1 changed (homes.count)" in err


def test_sentences_and_plain_text():
    assert sentences("One is 1.5 per week. Two follows (Org, 2014, p. 4). Three") == [
        "One is 1.5 per week.",
        "Two follows (Org, 2014, p. 4).",
        "Three",
    ]
    html = 'A <a class="result" href="x">£3,830 per week</a> [text](http://x) **b**'
    assert plain_text(html) == "A £3,830 per week text b"


# ---- the shipped project ---------------------------------------------------------------------


def test_shipped_briefing_maps_all_19_paragraphs_and_links_every_figure(shipped_site):
    page = (shipped_site / "briefing/index.html").read_text(encoding="utf-8")
    assert (shipped_site / "briefing/briefing.docx").is_file()
    fidelity = (shipped_site / "briefing/fidelity/index.html").read_text(encoding="utf-8")
    assert sorted(int(n) for n in re.findall(r'<tr id="p2014-(\d+)"', fidelity)) == list(
        range(1, 20)
    )
    results = json.loads((shipped_site / "results.json").read_text(encoding="utf-8"))
    used = set(re.findall(r'data-result="([^"]+)"', page))
    assert used and used <= set(results)
    # every paragraph's figures are links: strip links and citations, then no number is left
    # except years, paragraph numbers and ordinal words written in prose
    for body in re.findall(r'<div class="briefing-para"[^>]*>(.*?)</div>', page, flags=re.S):
        bare = re.sub(r"<a [^>]*>.*?</a>", "", body, flags=re.S)
        bare = re.sub(r'<span class="para-number">\d+\.</span>', "", bare)
        bare = re.sub(r"<[^>]+>", "", bare)
        bare = bare.replace("31 March", "March")  # the DfE's count date, not a figure
        bare = bare.replace("Section 251", "Section")  # the name of a return, not a figure
        numbers = re.findall(r"\d[\d,.-]*", bare)
        stray = [n for n in numbers if not re.fullmatch(r"(19|20)\d\d(-\d\d)?", n.rstrip(".,"))]
        assert not stray, f"figures not linked to their provenance: {stray} in {body[:120]}"


def test_committed_results_snapshot_is_current(shipped_site):
    """A pull request that changes a figure must also update analyses/results.snapshot.json."""
    results = json.loads((shipped_site / "results.json").read_text(encoding="utf-8"))
    committed = json.loads((ROOT / SNAPSHOT).read_text(encoding="utf-8"))
    new = snapshot_of(results)
    names = set(new) | set(committed)
    stale = sorted(k for k in names if not same_snapshot_entry(committed.get(k), new.get(k)))
    assert not stale, (
        f"{SNAPSHOT} is stale for {stale[:10]}: run `scripts/build` then "
        "`.venv/bin/evidence snapshot`, and commit the file"
    )


def test_rebuilding_on_changed_data_changes_exactly_the_affected_sentences(
    shipped_site, tmp_path, capsys
):
    # a copy of the built project (with its build/, site/ and cache), so the shared one stays as is
    root = tmp_path / "project"
    shutil.copytree(shipped_site.parent, root, symlinks=True)
    data = tmp_path / "new-release"
    shutil.copytree(root / "analyses/data", data)
    # one arrangement added …
    arr = data / "arrangements.csv"
    text = arr.read_text(encoding="utf-8")
    header = text.splitlines()[0].split(",")
    row = dict.fromkeys(header, "")
    row.update(
        id="leeds-test-block-2026",
        name="Leeds test block contract",
        lead_authority="E08000035",
        authorities="E08000035",
        model="block",
        start_year="2026",
        evidence_grade="primary",
        sources="nottscc2014membersbriefing",
    )
    arr.write_text(text + ",".join(row[h] for h in header) + "\n", encoding="utf-8")
    # … and one price changed
    assumptions = data / "assumptions.csv"
    lines = assumptions.read_text(encoding="utf-8").splitlines()
    idx = next(i for i, x in enumerate(lines) if x.startswith("void_share,"))
    parts = lines[idx].split(",")
    parts[1] = "0.75"  # a share of empty bed-weeks paid: moves only the block-or-spot figures
    lines[idx] = ",".join(parts)
    assumptions.write_text("\n".join(lines) + "\n", encoding="utf-8")

    status, err = evidence(root, "build", "--data", str(data), capsys=capsys)
    assert status == 0, err
    page = (root / "site/briefing/changes/index.html").read_text(encoding="utf-8")
    assert "<strong>added</strong> Leeds test block contract" in page
    assert "comparison.arrangement_count" in page and "block_vs_spot.breakeven_occupancy" in page
    changed = set(re.findall(r"Paragraph (\d+)</a> \(changed\)", page))
    state = json.loads((root / "build/state.json").read_text(encoding="utf-8"))
    old, new = state["baseline"]["paragraphs"], state["current"]["paragraphs"]
    expected = {str(p["number"]) for k, p in new.items() if p["text"] != old[k]["text"]}
    number = {k: str(p["number"]) for k, p in new.items()}
    uses = ("method", "national-picture", "block-or-spot", "recommendation")
    assert changed == expected and {number[k] for k in uses} <= changed
    assert "Leeds" in page  # the new lead authority joins the list of recent block contracts
    # paragraphs that use none of the changed figures are not listed
    for key in ("purpose", "no-fault-exit"):
        assert f"Paragraph {number[key]}</a>" not in page


def test_snapshot_ignores_last_place_float_noise_but_not_a_changed_figure():
    """Monte Carlo sums differ in the last bit between CPUs; a changed figure must still show."""
    old = snapshot_of({"m.p10": {"unit": "GBP", "value": -8582391.024393436}})["m.p10"]
    assert same_snapshot_entry(old, {"unit": "GBP", "value": -8582391.024393434})
    assert not same_snapshot_entry(old, {"unit": "GBP", "value": -8582391.1})
    assert not same_snapshot_entry(old, {"unit": "GBP a week", "value": -8582391.024393436})
    assert not same_snapshot_entry(old, None)
    count = {"unit": "count", "value": 153}
    assert same_snapshot_entry(count, dict(count))
    assert not same_snapshot_entry({"unit": "count", "value": "153"}, count)
