"""DfE "Children looked after in England including adoptions": cla_number_and_rate_per_10k_
children.csv (children looked after on 31 March and the rate per 10,000 children aged 0-17)."""

from __future__ import annotations

from evidence.errors import EvidenceError
from evidence.ingest._base import finish
from evidence.ingest._geo import dfe_area
from evidence.ingest.common import Result, number, read_table, year

SOURCE = "dfe-cla-rates"
TABLE = "cla_rates"
SUMMARY = "DfE children looked after on 31 March: number and rate per 10,000 children"
POPULATION = "Children looked after on 31 March each year"
REQUIRED = [
    "time_period",
    "geographic_level",
    "region_code",
    "region_name",
    "la_name",
    "new_la_code",
    "population_type",
    "children_count",
    "rate_per_10000",
]
MARKERS = ("c", "x", "z", "k", "")


def run(path, authorities, citation=None, **_) -> Result:
    table, _ = read_table(path, required=REQUIRED)
    wanted = [(line, r) for line, r in table.rows if r["population_type"] == POPULATION]
    if not wanted:
        seen = sorted({r["population_type"] for _, r in table.rows})
        raise EvidenceError(
            f"{table.where(None, 'population_type')}: no rows with population_type "
            f"{POPULATION!r}; found: {', '.join(seen)}"
        )
    rows = []
    for line, r in wanted:
        lvl, code, name = dfe_area(table, line, r, authorities)
        if lvl == "England":
            name = "England"
        children, marker = number(table, line, "children_count", r["children_count"], MARKERS)
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
