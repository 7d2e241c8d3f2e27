"""DfE Statistical First Releases "Children looked after in England (including adoption)",
2011-2017 underlying LA files, stacked long (year_31_march, geog_level, new_geog_code,
old_la_code, la_name, variable, description, value). CLA_Secure counts children in "secure units,
children's homes and hostels" — it includes semi-independent hostels, so it is a different
category from the 2020+ "secure homes and children's homes" and is kept as a separate series."""

from __future__ import annotations

from evidence.errors import EvidenceError
from evidence.ingest._base import finish
from evidence.ingest.common import Result, enum, number, read_table, region_code, year

SOURCE = "dfe-sfr-placements"
TABLE = "cla_placements"
SUMMARY = "DfE SFR children looked after at 31 March by placement, 2011-2017 (long extract)"
REQUIRED = [
    "year_31_march",
    "geog_level",
    "new_geog_code",
    "old_la_code",
    "la_name",
    "variable",
    "value",
]
MARKERS = ("x", "..", "c", "z", "")
SERIES = "2011 to 2017"
CATEGORIES = {"CLA_Mar": "all", "CLA_Secure": "secure units, children's homes and hostels"}
LEVELS = {"NATIONAL": "England", "REGION": "region", "LA": "authority"}


def run(path, authorities, citation=None, **_) -> Result:
    table, _ = read_table(path, required=REQUIRED)
    found = {r["variable"] for _, r in table.rows}
    for variable in CATEGORIES:
        if variable not in found:
            raise EvidenceError(
                f"{table.where(None, 'variable')}: no rows for variable {variable!r}; "
                f"found: {', '.join(sorted(found))}"
            )
    rows = []
    for line, r in table.rows:
        if r["variable"] not in CATEGORIES:
            continue
        lvl = enum(table, line, "geog_level", r["geog_level"], LEVELS)
        if lvl == "England":
            code, name = "E92000001", "England"
        elif lvl == "region":  # Inner and Outer London carry London's code here; use the name
            name = r["la_name"].title().replace(" And The ", " and The ").replace(" Of ", " of ")
            code = region_code(table, line, "la_name", r["la_name"])
        else:
            code = authorities.from_code(
                table, line, "new_geog_code", r["new_geog_code"], r["la_name"]
            )
            name = r["la_name"]
        children, marker = number(table, line, "value", r["value"], MARKERS)
        rows.append(
            {
                "year": year(table, line, "year_31_march", r["year_31_march"]),
                "level": lvl,
                "area_code": code,
                "area_name": name,
                "series": SERIES,
                "category": CATEGORIES[r["variable"]],
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
        title=f"Children looked after in England (including adoption), years ending 31 March "
        f"{min(years)} to {max(years)}: Statistical First Releases, underlying local "
        "authority data",
        publisher="Department for Education",
        reference_date=f"{max(years)}-03-31",
        periods=years,
        citation=citation or f"dfesfrcla{min(years)}to{max(years)}",
    )
