"""The 153 authority profiles: each opens with a chart in the four tabs, with a text alternative,
setting the authority beside its region and England; the chart draws the same figures the
profile's tables give; and charts shared in shape are drawn once each, in parallel."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from evidence import charts
from evidence.pages import profiles

ROOT = Path(__file__).resolve().parents[1]
TABS = ["Chart", "Table", "Sources", "Download"]


def _authorities() -> dict[str, dict]:
    with open(ROOT / "analyses" / "data" / "authorities.csv", encoding="utf-8") as handle:
        return {r["ons_code"]: r for r in csv.DictReader(handle)}


def _page(site: Path, code: str):
    import lxml.html

    return lxml.html.parse(str(site / "authorities" / code / "index.html")).getroot()


def _by_class(node, tag: str, name: str) -> list:
    """Descendants `tag` with the class `name` (lxml without cssselect)."""
    return node.xpath(f".//{tag}[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]")


def _no_constant(name):
    raise AssertionError(f"{name} in a chart's data (a suppressed value must be null)")


def _spec(tabs) -> dict:
    node = _by_class(tabs, "script", "evidence-chart-spec")[0]
    return json.loads(node.text_content(), parse_constant=_no_constant)


def _table(root, caption_end: str) -> tuple[list[str], list[list]]:
    """Header texts and cells (data-value where numeric, else text) of the captioned table."""
    for table in root.xpath(".//table"):
        caption = table.xpath("caption")
        if caption and caption[0].text_content().endswith(caption_end):
            head = [th.text_content() for th in table.xpath("thead//th")]
            rows = [
                [
                    float(td.get("data-value")) if td.get("data-value") else td.text_content()
                    for td in tr.xpath("td")
                ]
                for tr in table.xpath("tbody/tr")
            ]
            return head, rows
    return [], []


def test_every_profile_opens_with_a_chart_beside_region_and_england(shipped_site):
    authorities = _authorities()
    assert len(authorities) == 153
    for code, info in authorities.items():
        root = _page(shipped_site, code)
        tab_sets = _by_class(root, "div", "evidence-tabs")
        assert tab_sets, f"{code}: no chart"
        tabs = tab_sets[0]
        labels = [x.text_content().strip() for x in _by_class(tabs, "div", "tabbed-labels")[0]]
        assert labels == TABS, (code, labels)
        image = _by_class(
            _by_class(tabs, "figure", "evidence-chart")[0], "img", "evidence-chart-fallback"
        )[0]
        assert len(image.get("alt", "")) > 40, code  # a text alternative, not a stub
        assert info["name"] in image.get("alt") and "England" in image.get("alt"), code
        assert not re.search(r"\bnan\b", image.get("alt"), re.IGNORECASE), code
        assert _by_class(tabs, "div", "tabbed-block")[1].xpath(".//table/caption"), code
        spec = _spec(tabs)
        areas = {r["area"] for r in spec["data"]["values"]}
        assert {info["region"], "England"} <= areas, (code, areas)
        assert spec["spec"]["encoding"]["color"]["scale"]["domain"] == [
            info["name"],
            info["region"],
            "England",
        ]
        # years as years: text such as "2024" or "2023-24", never "2,024"
        for row in spec["data"]["values"]:
            assert re.fullmatch(r"\d{4}(-\d{2})?", row["year"]), (code, row)
        # the at-a-glance box comes before the chart, the definitions after it
        text = root.xpath(".//article")[0].text_content()
        assert not re.search(r"\bnan\b", text, re.IGNORECASE), f"{code}: 'nan' on the page"
        assert text.index("At a glance") < text.index("What each chart counts"), code
        assert "provider-level list" in text and "not counting secure" in text, code


def _rows(spec, measure, area):
    return {
        r["year"]: r["value"]
        for r in spec["data"]["values"]
        if r["measure"] == measure and r["area"] == area
    }


@pytest.mark.parametrize("code", ["E10000024", "E06000018", "E09000033", "E08000025"])
def test_the_chart_draws_the_figures_the_tables_give(shipped_site, code):
    info = _authorities()[code]
    root = _page(shipped_site, code)
    spec = _spec(_by_class(root, "div", "evidence-tabs")[0])

    head, rows = _table(root, "children looked after and in children's homes")
    series, share = head.index("Series"), head.index("Share (percent)")
    region, england = head.index("Region share (percent)"), head.index("England share (percent)")
    later = [r for r in rows if r[series] == "2020 onwards"]
    assert later
    for area, column in ((info["name"], share), (info["region"], region), ("England", england)):
        table = {r[0]: r[column] for r in later if isinstance(r[column], float)}
        assert _rows(spec, profiles.SHARE, area) == table, (code, area)

    head, rows = _table(root, "residential care spending")
    per_child = head.index("Total expenditure per child in homes (GBP, to the nearest £1,000)")
    table = {
        r[0]: r[per_child]
        for r in rows
        if r[head.index("Return")] == "Revenue Outturn RO3" and isinstance(r[per_child], float)
    }
    drawn = {y: v for y, v in _rows(spec, profiles.SPEND, info["name"]).items() if v is not None}
    assert drawn == table, code

    head, rows = _table(root, "homes and places by kind and sector")
    listed = {}
    if head:
        kind, places = head.index("Kind of home"), head.index("Places")
        for r in rows:
            if r[kind] == "children's home":
                listed[r[0][-4:]] = listed.get(r[0][-4:], 0) + r[places]
    drawn = _rows(spec, profiles.PLACES, info["name"])
    # a point for every year listed, zero exactly where no place is listed
    assert {y for y, v in drawn.items() if v} == set(listed), (code, drawn, listed)


def test_the_shared_spec_takes_each_authoritys_rows():
    rows = [
        {"measure": profiles.RATE, "year": "2024", "area": "Here", "value": 50.0},
        {"measure": profiles.RATE, "year": "2024", "area": "Region", "value": 60.0},
        {"measure": profiles.RATE, "year": "2024", "area": "England", "value": 70.0},
    ]
    areas = ["Here", "Region", "England"]
    text = profiles.chart_description("Here", rows, areas)
    assert "Here 50; Region 60; England 70" in text
    spec = profiles.chart_spec(rows, areas, text)
    other = profiles.chart_spec(rows[1:], areas, text)
    assert spec["data"]["values"] == rows and spec["description"] == text
    assert spec["spec"]["encoding"]["color"]["scale"]["domain"] == areas
    assert other["data"]["values"] == rows[1:]  # the shared base is copied, not changed
    assert charts.spec_id(spec) != charts.spec_id(other)


def test_drawings_draw_each_distinct_chart_once_in_the_background(monkeypatch):
    drawn = []
    monkeypatch.setattr(charts, "render_svg", lambda spec: drawn.append(spec) or "<svg/>")
    specs = [{"mark": "bar", "n": i % 3} for i in range(6)]
    svgs = charts.Drawings()
    kept = {"mark": "bar", "n": 0}
    svgs._svgs[charts.spec_id(kept)] = "<svg>kept</svg>"
    svgs.start(specs)
    assert all(charts.spec_id(s) in svgs for s in specs)  # pending counts as present
    assert svgs.svg(kept) == "<svg>kept</svg>"
    assert [svgs.svg(s) for s in specs[1:3]] == ["<svg/>", "<svg/>"]
    svgs.close()
    assert len(drawn) == 2
    assert svgs.svg({"mark": "line"}) == "<svg/>" and len(drawn) == 3  # never started: drawn now


def test_a_chart_that_fails_to_draw_raises_where_its_svg_is_taken(monkeypatch):
    def fail(spec):
        raise ValueError("bad spec")

    monkeypatch.setattr(charts, "render_svg", fail)
    svgs = charts.Drawings()
    specs = [{"mark": "bar", "n": i} for i in range(2)]
    svgs.start(specs)
    with pytest.raises(ValueError, match="bad spec"):
        svgs.svg(specs[0])
    svgs.close()
