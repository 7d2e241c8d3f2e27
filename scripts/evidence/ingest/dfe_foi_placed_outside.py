"""DfE FOI release: children looked after at 31 March placed in children's homes outside the
local authority boundary, by responsible authority (number and % of its children in homes)."""

from __future__ import annotations

from evidence.ingest import _foi
from evidence.ingest._base import release
from evidence.ingest._geo import dfe_area
from evidence.ingest.common import Result, enum, number, year

SOURCE = "dfe-foi-placed-outside"
TABLE = "childrens_homes_outside"
SUMMARY = "DfE FOI: children in children's homes placed outside their authority, by year"
TITLE = (
    r"^Children Looked After \(CLA\) on 31 March placed in children's homes outside the local "
    r"authority boundary, (?P<first>\d{4}) to (?P<last>\d{4})$"
)
CHARACTERISTIC = "Placed outside the local authority boundary"
REQUIRED = [
    "time_period",
    "geographic_level",
    "region_code",
    "region_name",
    "la_name",
    "new_la_code",
    "characteristic",
    "number",
    "percentage",
]
COLUMNS = ["year", "level", "area_code", "area_name", "children", "percent", "marker", "release"]


def run(path, authorities, citation=None, **_) -> Result:
    table, title, foi = _foi.read(path, TITLE, REQUIRED)
    rows = []
    for line, r in table.rows:
        enum(table, line, "characteristic", r["characteristic"], {CHARACTERISTIC})
        lvl, code, name = dfe_area(table, line, r, authorities)
        children, marker = number(table, line, "number", r["number"], _foi.MARKERS)
        percent, _ = number(table, line, "percentage", r["percentage"], _foi.MARKERS)
        rows.append(
            {
                "year": year(table, line, "time_period", r["time_period"]),
                "level": lvl,
                "area_code": code,
                "area_name": name,
                "children": children,
                "percent": percent,
                "marker": marker or "",
            }
        )
    years = {r["year"] for r in rows}
    _foi.check_years(table, title, years)
    rel = release(
        __name__.rsplit(".", 1)[-1],
        SOURCE,
        TABLE,
        path,
        title=title[0],
        publisher=f"Department for Education (Freedom of Information release {foi})",
        reference_date=f"{max(years)}-03-31",
        periods=years,
        citation=citation or f"dfefoi{foi.replace('-', '')}",
    )
    for r in rows:
        r["release"] = rel.id
    return Result(TABLE, COLUMNS, rows, "year", ["year", "level", "area_code"], rel)
