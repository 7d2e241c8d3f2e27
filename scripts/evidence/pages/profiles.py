"""Authority profiles: what each of the 153 pages shows, in what order and with what words.

The ``authorities`` analysis computes the figures (tidy frames, one row per area and year) and
calls ``show_profile`` once per authority; this module turns them into the page: a short "at a
glance" box, one small-multiples chart setting the authority beside its region and England, and
the tables. Every profile's chart is the same Vega-Lite specification with that authority's rows
as its data (``_base_spec``), so the build converts one small SVG per profile, cached by
content and drawn in the background while pages are assembled (``charts.Drawings``).

It runs inside the analysis's process (through ``show`` and ``page``), so the analysis's cache
key covers this file: editing a profile's wording re-runs the analysis.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from evidence.api import show
from evidence.formatting import format_number

ENGLAND = "E92000001"
# Where an arrangement is described: its own page (pages/arrangements.py).
ARRANGEMENT_LINK = "../arrangements/{id}.md"

# The chart's panels, in order, with the words the page uses to define each one.
RATE = "Looked after, per 10,000 children"
SHARE = "In children's homes, % of looked after"
PLACES = "Home places, per 10,000 children"
SPEND = "Spending per child in homes (£)"
PANELS = (RATE, SHARE, PLACES, SPEND)


# ---- the chart ---------------------------------------------------------------------------------

AREA_DOMAIN = ["this authority", "its region", "England"]  # replaced by each page's names


def _base_spec() -> dict:
    """The shared specification (Vega-Lite, as Altair would write it; written out so that the
    analysis need not import Altair for 153 copies of one chart)."""
    year = "Year (31 March, or financial year)"
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.4.1.json",
        "columns": 2,
        "config": {"view": {"continuousHeight": 300, "continuousWidth": 300}},
        "facet": {
            "field": "measure",
            "type": "nominal",
            "sort": list(PANELS),
            "title": None,
            "header": {"labelFontSize": 11, "labelFontWeight": "bold", "labelLimit": 300},
        },
        "resolve": {"scale": {"x": "independent", "y": "independent"}},
        "spec": {
            "mark": {"type": "line", "point": True},
            "width": 250,
            "height": 120,
            "encoding": {
                "x": {
                    "field": "year",
                    "type": "ordinal",
                    "title": year,
                    "axis": {"labelAngle": 0, "labelOverlap": True, "title": None},
                },
                "y": {
                    "field": "value",
                    "type": "quantitative",
                    "title": "Value",
                    "axis": {"title": None},
                },
                "color": {
                    "field": "area",
                    "type": "nominal",
                    "title": "Area",
                    "scale": {
                        "domain": AREA_DOMAIN,
                        "range": ["#1f4e8c", "#c2571a", "#555555"],
                    },
                    "legend": {"orient": "top", "title": None},
                },
                # not colour alone: each area has its own line pattern
                "strokeDash": {
                    "field": "area",
                    "type": "nominal",
                    "scale": {"domain": AREA_DOMAIN, "range": [[1, 0], [6, 3], [2, 2]]},
                    "legend": None,
                },
                "tooltip": [
                    {"field": "measure", "type": "nominal", "title": "Measure"},
                    {"field": "year", "type": "ordinal", "title": year},
                    {"field": "area", "type": "nominal", "title": "Area"},
                    {"field": "value", "type": "quantitative", "title": "Value", "format": ","},
                ],
            },
        },
    }


def chart_spec(rows: list[dict], areas: list[str], description: str) -> dict:
    """The shared specification with one authority's rows: `areas` is [authority, region,
    England], the legend's order."""
    spec = _base_spec()
    spec["data"] = {"values": rows}
    encoding = spec["spec"]["encoding"]
    encoding["color"]["scale"]["domain"] = areas
    encoding["strokeDash"]["scale"]["domain"] = areas
    spec["description"] = description
    return spec


def chart_description(name: str, rows: list[dict], areas: list[str]) -> str:
    """The chart's text alternative: what each panel covers and its latest values."""
    parts = []
    for panel in PANELS:
        mine = [r for r in rows if r["measure"] == panel and r["value"] is not None]
        if not mine:
            continue
        years = sorted({r["year"] for r in mine})
        last = years[-1]
        latest = {r["area"]: r["value"] for r in mine if r["year"] == last}
        values = "; ".join(
            f"{area} {shown(latest[area], panel)}" for area in areas if area in latest
        )
        span = years[0] if len(years) == 1 else f"{years[0]} to {last}"
        parts.append(f"{panel}, {span} (latest, {last}: {values})")
    return (
        f"Small charts setting {name} beside {areas[1]} and England: " + ". ".join(parts) + "."
        if parts
        else f"No comparable figures are published for {name}."
    )


def shown(value: float, panel: str) -> str:
    """A chart value as the page writes it: pounds, a percentage, or a rate to one decimal."""
    if panel == SPEND:
        return format_number(value, "GBP")
    if panel == SHARE:
        return format_number(value, "percent")
    return f"{value:,.1f}".removesuffix(".0")


# ---- the page ----------------------------------------------------------------------------------


@dataclass
class Profile:
    """Everything one authority's page shows, computed by the analysis. Each table comes with
    the citation group of the releases its rows came from; None means nothing is published."""

    code: str
    name: str
    kind: str
    region: str
    dfe_code: str
    chart_rows: list[dict]
    chart_sources: str
    facts: dict  # what the at-a-glance box adds to the chart's figures (analysis: facts)
    count_note: str = ""  # why the homes counted differ from Ofsted's published figure
    placements: tuple | None = None  # (table, sources)
    outside: tuple | None = None
    spend: tuple | None = None
    homes: tuple | None = None  # (counts, judgements, judged at, sources)
    inspection: str | None = None  # the authority's own latest ILACS judgement, cited
    arrangements: object = None
    arrangement_links: str = ""  # each arrangement linked to where it is described
    peers: tuple | None = None  # (table, sources)
    former: list = field(default_factory=list)  # (change row, placements, outside, spend)


def show_profile(p: Profile) -> None:
    """Show one profile, in order (called inside ``with page(...)``)."""
    show(
        f"{p.kind.capitalize()} in {p.region}; ONS code {p.code}, DfE code {p.dfe_code}. "
        "[All authorities](../authorities.md)"
    )
    for former, *_ in p.former:
        show(
            f'!!! note "Former area: {former["name"]} ({former["code"]})"\n'
            f"    {former['note']} Figures published for {former['name']} are in the "
            f"[{former['name']} rows](#former-areas) below."
        )
    areas = [p.name, p.region, "England"]
    lines = glance(p.chart_rows, areas, p.facts)
    if lines:
        show('!!! abstract "At a glance"\n' + "".join(f"    - {g}\n" for g in lines))
    show(f"## Beside {p.region} and England")
    description = chart_description(p.name, p.chart_rows, areas)
    show(chart_spec(p.chart_rows, areas, description), description=description)
    show(definitions(p.chart_sources) + (f"\n\n{p.count_note}" if p.count_note else ""))

    show("## Children looked after and children's homes")
    if p.placements:
        table, sources = p.placements
        show(
            "Children looked after at 31 March, and those in the series' children's-home "
            "category. 2011 to 2017 counts secure units, children's homes and hostels; 2020 "
            "onwards counts secure homes and children's homes: a break in the series, not a "
            f"change in practice. Source: {sources}."
        )
        show(table, caption=f"{p.name}: children looked after and in children's homes")
    else:
        show("No placement figures are published for this authority in the imported releases.")
    show("## Placed outside the authority, and net gain")
    if p.outside:
        table, sources = p.outside
        show(
            "Children in children's homes placed outside the authority's boundary at 31 "
            "March, as a share of its children in children's homes; and the net gain: "
            "children of other authorities placed in homes in its area minus its own placed "
            f"outside. Source: {sources}."
        )
        show(table, caption=f"{p.name}: children in children's homes placed outside the authority")
    else:
        show("No figures are published for this authority in the imported releases.")
    show("## Spending on residential care")
    if p.spend:
        table, sources = p.spend
        show(
            "Residential care for children looked after, in pounds, from two different "
            "returns (Section 251 outturn, Revenue Outturn RO3), shown side by side. Spending "
            "per child divides a year's spending by the children in the children's-home "
            "category on the following 31 March, to the nearest £1,000, so it is only a rough "
            "scale: the spending "
            f"line and the count do not cover exactly the same placements. Source: {sources}."
        )
        show(table, caption=f"{p.name}: residential care spending")
    else:
        show("No spending figures are published for this authority in the imported releases.")
    show("## Children's homes in the area")
    if p.homes:
        counts, grid, at, sources = p.homes
        show(
            "Homes registered with Ofsted in the authority's area, by kind and sector, whoever "
            "runs them and whichever authority places children there, from Ofsted's "
            "provider-level list at each 31 March (one list for every year, so the years "
            f"compare). Source: {sources}."
        )
        show(counts, caption=f"{p.name}: homes and places by kind and sector")
        if grid.empty:
            show(f"No home in this area has an overall judgement on Ofsted's list at {at}.")
        else:
            show(
                grid,
                caption=f"{p.name}: latest overall judgement of the homes, provider-level "
                f"list at {at} (number of homes)",
            )
    else:
        show("Ofsted lists no children's homes in this area in the imported releases.")
    if p.inspection:
        show(p.inspection)
    show("## Commissioning arrangements")
    if p.arrangements is not None and len(p.arrangements):
        show(
            "Arrangements documented in the [evidence table](../comparison.md), with the "
            f"grade of their evidence: {p.arrangement_links}."
        )
        show(p.arrangements, caption=f"{p.name}: documented commissioning arrangements")
    else:
        show(
            "No commissioning arrangement of this authority is documented in the evidence "
            "table yet."
        )
    if p.peers:
        table, sources = p.peers
        show(f"## Regional peers: {p.region}")
        show(f"The latest year of each measure for every authority in the same region {sources}.")
        show(table, caption=f"Authorities in {p.region}: latest figures")
    if p.former:
        show("## Former areas {: #former-areas }")
    for former, placements, outside, spend in p.former:
        label = f"{former['name']} ({former['code']}), former area"
        if placements is not None and len(placements):
            show(placements, caption=f"{label}: children looked after and in children's homes")
        if outside is not None:
            show(outside, caption=f"{label}: placed outside and net gain")
        if spend is not None:
            show(spend, caption=f"{label}: residential care spending")


def glance(rows: list[dict], areas: list[str], facts: dict) -> list[str]:
    """The at-a-glance lines: the latest of each chart measure beside the region and England,
    with the counts behind it."""

    def beside(panel):
        mine = [r for r in rows if r["measure"] == panel and r["value"] is not None]
        mine = [r for r in mine if r["area"] == areas[0]]
        if not mine:
            return None, "", ""
        year = max(r["year"] for r in mine)
        at = {r["area"]: r["value"] for r in rows if r["measure"] == panel and r["year"] == year}
        others = [f"{a} {shown(at[a], panel)}" for a in areas[1:] if at.get(a) is not None]
        return year, shown(at[areas[0]], panel), f" ({'; '.join(others)})" if others else ""

    lines = []
    year, mine, others = beside(RATE)
    if year and year in facts.get("children", {}):
        children, sources = facts["children"][year]
        lines.append(
            f"Children looked after at 31 March {year}: {children:,}; {mine} per 10,000 "
            f"children{others} {sources}."
        )
    year, mine, others = beside(SHARE)
    if year:
        lines.append(
            f"In secure homes and children's homes at 31 March {year}: {mine} of those "
            f"looked after{others} {facts[SHARE]}."
        )
    if facts.get("homes"):
        at, homes, places, sources = facts["homes"]
        lines.append(
            f"Children's homes in the area at {at.strftime('%d %B %Y')}: {homes:,} homes with "
            f"{places:,} places (Ofsted provider-level list; secure homes and residential "
            f"special schools not counted) {sources}."
        )
    year, mine, others = beside(SPEND)
    if year:
        lines.append(
            f"Residential spending per child in children's homes, {year}: {mine}{others} "
            f"(RO3 total expenditure ÷ children in homes) {facts[SPEND]}."
        )
    if facts.get("arrangements"):
        lines.append(
            f"Commissioning arrangements documented: {facts['arrangements']} "
            "([listed below](#commissioning-arrangements))."
        )
    return lines


def definitions(sources: str) -> str:
    """What each panel counts, in the words a reader checks it by."""
    return (
        "What each chart counts:\n\n"
        f"- **{RATE}**: children looked after at 31 March per 10,000 children under 18 in the "
        "area, as the DfE publishes it.\n"
        f"- **{SHARE}**: the DfE's category \"secure homes and children's homes\" (the series "
        "from 2020; the 2011 to 2017 series, which also counted hostels, is in the table "
        "below and not drawn) as a share of all children looked after at 31 March.\n"
        f"- **{PLACES}**: registered places in children's homes in the area on Ofsted's "
        "provider-level list at 31 March (the one list published for both years here), not "
        "counting secure children's homes or residential special schools registered as "
        "children's homes; per 10,000 children, the child population taken as the DfE's count "
        "of children looked after divided by its rate per 10,000 (a rate rounded to a whole "
        "number, so within about 1%).\n"
        f"- **{SPEND}**: the Revenue Outturn (RO3) total expenditure on residential care for "
        "a financial year divided by the children in secure homes and children's homes on the "
        "31 March that ends it, to the nearest £1,000; a rough scale, as the two do not cover "
        "exactly the same placements. The region's and England's figures add up the "
        f"authorities that published both. Sources: {sources}."
    )
