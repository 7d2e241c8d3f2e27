"""DfE "Children looked after in England including adoptions": children looked after at 31 March
by placement type, national, regional and authority rows, 2020 onwards (explore-education-
statistics layout: time_period, geographic_level, ..., cla_group, characteristic, number)."""

from __future__ import annotations

from evidence.errors import EvidenceError
from evidence.ingest._base import finish
from evidence.ingest._geo import dfe_area
from evidence.ingest.common import Result, number, read_table, year

SOURCE = "dfe-cla-placements"
TABLE = "cla_placements"
SUMMARY = "DfE children looked after at 31 March by placement type and authority, 2020 onwards"
REQUIRED = [
    "time_period",
    "geographic_level",
    "region_name",
    "la_name",
    "new_la_code",
    "cla_group",
    "characteristic",
    "number",
]
MARKERS = ("c", "x", "z", "k", "")
SERIES = "2020 onwards"
CATEGORIES = {
    "Total": "all",
    "Secure homes and children's homes": "secure homes and children's homes",
}


def run(path, authorities, citation=None, **_) -> Result:
    table, _ = read_table(path, required=REQUIRED)
    wanted = [
        (line, r)
        for line, r in table.rows
        if r["cla_group"] == "Placement" and r["characteristic"] in CATEGORIES
    ]
    found = {r["characteristic"] for _, r in wanted}
    for label in CATEGORIES:
        if label not in found:
            seen = sorted(
                {r["characteristic"] for _, r in table.rows if r["cla_group"] == "Placement"}
            )
            raise EvidenceError(
                f"{table.where(None, 'characteristic')}: no rows with cla_group 'Placement' and "
                f"characteristic {label!r}; found: {', '.join(seen) or 'none'}"
            )
    rows = []
    for line, r in wanted:
        lvl, code, name = dfe_area(table, line, r, authorities)
        children, marker = number(table, line, "number", r["number"], MARKERS)
        rows.append(
            {
                "year": year(table, line, "time_period", r["time_period"]),
                "level": lvl,
                "area_code": code,
                "area_name": name,
                "series": SERIES,
                "category": CATEGORIES[r["characteristic"]],
                "children": children,
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
        sort=["year", "series", "level", "area_code", "category"],
        title=f"Children looked after in England including adoptions: children looked after at "
        f"31 March by placement type and local authority, {min(years)} to {max(years)}",
        publisher="Department for Education",
        reference_date=f"{max(years)}-03-31",
        periods=years,
        citation=citation or f"dfe{max(years)}cla",
    )
