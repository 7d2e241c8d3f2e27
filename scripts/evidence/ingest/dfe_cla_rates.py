"""DfE "Children looked after in England including adoptions": cla_number_and_rate_per_10k_
children.csv (children looked after on 31 March and the rate per 10,000 children aged 0-17).

Two editions' layouts, told apart by the header: the 2025 edition (population_type,
children_count, 'Children looked after on 31 March each year') and the 2023 edition
(population_count, number, 'Children looked after at 31 March each year'). Where two releases
cover the same year, the later release's figures are kept (see _writing.write)."""

from __future__ import annotations

from evidence.errors import EvidenceError
from evidence.ingest._base import finish
from evidence.ingest._geo import dfe_area
from evidence.ingest.common import Result, number, read_table, year

SOURCE = "dfe-cla-rates"
TABLE = "cla_rates"
SUMMARY = "DfE children looked after on 31 March: number and rate per 10,000 children"
PLACE = ["time_period", "geographic_level", "region_code", "region_name", "la_name", "new_la_code"]
# (population column, count column, the label of children looked after at 31 March)
LAYOUTS = [
    ("population_type", "children_count", "Children looked after on 31 March each year"),
    ("population_count", "number", "Children looked after at 31 March each year"),
]
MARKERS = ("c", "x", "z", "k", "")


def _layout(path):
    from evidence.ingest.common import decode

    raw = open(path, "rb").read() if path.is_file() else b""
    first = decode(raw, path, ("utf-8",))[0].splitlines()[0] if raw.strip() else ""
    header = [h.strip() for h in first.split(",")]
    for layout in LAYOUTS:
        if layout[0] in header and layout[1] in header:
            return layout
    return LAYOUTS[0]  # read_table then names the missing column


def run(path, authorities, citation=None, **_) -> Result:
    population, count, label = _layout(path)
    table, _ = read_table(path, required=[*PLACE, population, count, "rate_per_10000"])
    wanted = [(line, r) for line, r in table.rows if r[population] == label]
    if not wanted:
        seen = sorted({r[population] for _, r in table.rows})
        raise EvidenceError(
            f"{table.where(None, population)}: no rows with {population} "
            f"{label!r}; found: {', '.join(seen)}"
        )
    rows = []
    for line, r in wanted:
        lvl, code, name = dfe_area(table, line, r, authorities)
        if lvl == "England":
            name = "England"
        children, marker = number(table, line, count, r[count], MARKERS)
        rate, _ = number(table, line, "rate_per_10000", r["rate_per_10000"], MARKERS)
        rows.append(
            {
                "year": year(table, line, "time_period", r["time_period"]),
                "level": lvl,
                "area_code": code,
                "area_name": name,
                "children": children,
                "rate_per_10000": rate,
                "marker": marker or "",
            }
        )
    years = {r["year"] for r in rows}
    return finish(
        __name__,
        SOURCE,
        TABLE,
        path,
        rows,
        period="year",
        sort=["year", "level", "area_code"],
        title=f"Children looked after in England including adoptions: number and rate per 10,000 "
        f"children, {min(years)} to {max(years)}",
        publisher="Department for Education",
        reference_date=f"{max(years)}-03-31",
        periods=years,
        citation=citation or f"dfe{max(years)}cla",
    )
