"""Ofsted national providers and places time series (tables 6a/6b of "Children's social care
data in England", reshaped long: as_at, measure, provision_type, value)."""

from __future__ import annotations

from evidence.ingest._base import finish
from evidence.ingest.common import Result, enum, number, read_table, uk_date

SOURCE = "ofsted-national-timeseries"
TABLE = "ofsted_national_homes"
SUMMARY = "Ofsted national providers and places by provision type, as at 31 March each year"
MEASURES = {"Providers": "providers", "Places": "places"}


def run(path, authorities=None, citation=None, **_) -> Result:
    table, _ = read_table(path, required=["as_at", "measure", "provision_type", "value"])
    parsed = []
    for line, r in table.rows:
        value, _ = number(table, line, "value", r["value"], ("", "x", "z", "-"))
        parsed.append(
            {
                "as_at": uk_date(table, line, "as_at", r["as_at"]),
                "measure": enum(table, line, "measure", r["measure"], MEASURES),
                "provision_type": r["provision_type"],
                "value": value,
            }
        )
    dates = {r["as_at"] for r in parsed}
    latest = max(dates)[:4]
    return finish(
        __name__,
        SOURCE,
        TABLE,
        path,
        parsed,
        period="as_at",
        sort=["as_at", "measure", "provision_type"],
        title=f"Children's social care data in England {latest}: providers and places time series",
        publisher="Ofsted",
        reference_date=max(dates),
        periods=dates,
        citation=citation or f"ofsted{latest}cscdata",
    )
