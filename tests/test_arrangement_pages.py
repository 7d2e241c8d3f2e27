"""The comparison as a compact table with a page per arrangement, and numbers as people read
them (years as years, large sums in words), through the one formatting layer."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest
from evidence.capture import capture as _capture
from evidence.errors import EvidenceError
from evidence.formatting import format_money_short, format_year, is_year_column

ROOT = Path(__file__).resolve().parents[1]
ARRANGEMENTS = ROOT / "analyses" / "data" / "arrangements.csv"
KEY_COLUMNS = ["Arrangement", "Authority", "Model", "Start", "Beds", "Term", "Value", "Grade"]


def test_years_read_as_years_and_sums_in_words():
    assert format_year(2016.0) == "2016"
    assert format_year(2016) == "2016"
    assert format_year("2015-16") == "2015-16"
    assert is_year_column("Start", [2016, None, 2020])
    assert is_year_column("Price year", [2015.0])
    assert is_year_column("Anything", [5], unit="year")
    assert not is_year_column("Beds", [2016])
    assert not is_year_column("Start", [2016.5])
    assert format_money_short(33_791_401) == "£33.8 million"
    assert format_money_short(1_290_073_062.72) == "£1.29 billion"
    assert format_money_short(6_300_000) == "£6.3 million"
    assert format_money_short(850_123) == "£850,000"
    assert format_money_short(-11_500_000) == "-£11.5 million"


def test_a_table_link_column_needs_one_target_per_row():
    frame = pd.DataFrame({"Name": ["a", "b"]})
    frame.attrs["links"] = {"Name": ["x/a.md", "x/b.md"]}
    assert _capture(frame)["links"] == {"Name": ["x/a.md", "x/b.md"]}
    frame.attrs["links"] = {"Name": ["x/a.md"]}
    with pytest.raises(EvidenceError, match="one target per row"):
        _capture(frame)
    frame.attrs["links"] = {"Missing": ["x/a.md", "x/b.md"]}
    with pytest.raises(EvidenceError, match="needs a column of that name"):
        _capture(frame)


def test_a_table_note_column_needs_another_column_to_sit_under():
    frame = pd.DataFrame({"Figure": ["a", "b"], "Note": ["n", None]})
    frame.attrs["notes"] = {"Note": "Figure"}
    assert _capture(frame)["notes"] == {"Note": "Figure"}
    assert "notes" not in _capture(pd.DataFrame({"Figure": ["a"]}))  # a table without notes
    for bad in ({"Note": "Missing"}, {"Missing": "Figure"}, {"Note": "Note"}):
        frame.attrs["notes"] = bad
        with pytest.raises(EvidenceError, match="needs a note column and another column"):
            _capture(frame)


def test_long_notes_are_a_line_under_their_figure_and_a_column_of_the_csv(shipped_site):
    """The national figures' notes sit under each figure (the table fits the page) and stay a
    column of the table's CSV; every note is still on the page."""
    text = (shipped_site / "market_context" / "index.html").read_text(encoding="utf-8")
    start = text.index("National figures on children&#x27;s homes, each")
    table = text[start : text.index("</table>", start)]
    head = re.findall(r'<th scope="col">(.*?)</th>', table.split("</thead>")[0])
    assert "Note" not in head and "Figure" in head
    assert table.count('<span class="evidence-cell-note">Note: ') >= 10
    assert "mutualventures/theactualnews" in table
    csvs = sorted((shipped_site / "downloads").glob("market_context-table-*.csv"))
    headers = [c.read_text(encoding="utf-8-sig").splitlines()[0] for c in csvs]
    assert any(h.endswith(",sources,Note") for h in headers), headers


def _rows():
    with ARRANGEMENTS.open(encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def test_every_arrangement_has_a_page_with_its_facts_sources_and_grade(shipped_site):
    rows = _rows()
    comparison = (shipped_site / "comparison" / "index.html").read_text(encoding="utf-8")
    for row in rows:
        page = shipped_site / "arrangements" / row["id"] / "index.html"
        assert page.is_file(), f"no page for arrangement {row['id']}"
        text = page.read_text(encoding="utf-8")
        assert f'href="../arrangements/{row["id"]}/"' in comparison, row["id"]
        assert row["evidence_grade"] in text
        for heading in ("What was bought", "For how long", "At what price", "What happened"):
            assert heading in text, f"{row['id']}: no section {heading!r}"
        # a fact the row states is on the page with a citation in its row of the facts table
        if row["start_year"]:
            cell = re.search(r"<th scope=\"row\">Start year</th><td>(.*?)</td><td>(.*?)</td>", text)
            assert cell and cell.group(1) == row["start_year"], row["id"]
            assert 'class="citation"' in cell.group(2) or "href=" in cell.group(2), row["id"]


def test_the_comparison_table_shows_the_key_columns_and_no_year_with_a_separator(shipped_site):
    text = (shipped_site / "comparison" / "index.html").read_text(encoding="utf-8")
    table = text[text.index('class="evidence-table evidence-cards-table"') :]
    table = table[: table.index("</table>")]
    headers = re.findall(r'<th scope="col">([^<(]+)', table)
    assert [h.strip() for h in headers if h.strip() in KEY_COLUMNS] == KEY_COLUMNS
    assert "Outcome evidence" in table
    assert table.count("<tr id=") == len(_rows())
    assert not re.search(r">\d,\d{3}<", table), "a year or count printed with a separator"
    assert "data-page-size=" in table
    to_the_penny = r"£[\d,]+\.\d\d(?! (?:million|billion))"
    assert not re.search(to_the_penny, table), "a sum to the penny in the compact table"
