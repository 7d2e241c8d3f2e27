"""DfE FOI release: net gain of children looked after at 31 March placed in children's homes,
by authority (children of other authorities placed in homes inside it, minus its own children
placed in homes outside it)."""

from __future__ import annotations

from evidence.ingest import _foi
from evidence.ingest._base import release
from evidence.ingest._geo import dfe_area
from evidence.ingest.common import Result, enum, number, year

SOURCE = "dfe-foi-net-gain"
TABLE = "childrens_homes_net_gain"
SUMMARY = "DfE FOI: net gain of children placed in children's homes, by authority and year"
TITLE = (
    r"^Net gain of Children Looked After \(CLA\) on 31 March placed in children's homes by "
    r"responsible local authority, (?P<first>\d{4}) to (?P<last>\d{4})$"
)
CHARACTERISTIC = "Net gain of children by responsible LA"
REQUIRED = [
    "time_period",
    "geographic_level",
    "region_code",
    "region_name",
    "la_name",
    "new_la_code",
    "characteristic",
    "number",
]
COLUMNS = ["year", "level", "area_code", "area_name", "net_gain", "marker", "release"]


def run(path, authorities, citation=None, **_) -> Result:
    table, title, foi = _foi.read(path, TITLE, REQUIRED)
    rows = []
    for line, r in table.rows:
        enum(table, line, "characteristic", r["characteristic"], {CHARACTERISTIC})
        lvl, code, name = dfe_area(table, line, r, authorities)
        gain, marker = number(table, line, "number", r["number"], _foi.MARKERS)
        rows.append(
            {
                "year": year(table, line, "time_period", r["time_period"]),
                "level": lvl,
                "area_code": code,
                "area_name": name,
                "net_gain": gain,
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
