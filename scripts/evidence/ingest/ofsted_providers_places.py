"""Ofsted "Children's social care data in England" underlying data, sheet "Providers+places at
31 March YYYY" as CSV: every registered provider, including those not yet inspected (no
judgements). The sheet does not state its date in a cell, so the year comes from the file name
('..._at_31_march_YYYY.csv') and is checked against the registration dates."""

from __future__ import annotations

from evidence.errors import EvidenceError
from evidence.ingest._base import from_file_name, release
from evidence.ingest.common import Result, read_table, uk_date
from evidence.ingest.ofsted_provider_level import homes

SOURCE = "ofsted-providers-places"
TABLE = "childrens_homes"
SUMMARY = "Ofsted providers and places at 31 March (all registered homes, with places)"
REQUIRED = [
    "URN",
    "Provision type",
    "Registration date",
    "Registration status",
    "Local authority",
    "Sector",
    "Places",
]


def run(path, authorities, citation=None, **_) -> Result:
    table, _ = read_table(path, required=REQUIRED)
    year = from_file_name(path, r"at_31_march_(\d{4})", "reference date", "a renamed file")[1]
    as_at = f"{year}-03-31"
    for line, r in table.rows:
        registered = uk_date(table, line, "Registration date", r["Registration date"])
        if registered and registered > as_at:
            raise EvidenceError(
                f"{table.where(line, 'Registration date')}: registered {registered}, after the "
                f"reference date {as_at} taken from the file name; is this the right year?"
            )
    rel = release(
        __name__.rsplit(".", 1)[-1],
        SOURCE,
        TABLE,
        path,
        title=f"Children's social care data in England {year}: providers and places at "
        f"31 March {year}",
        publisher="Ofsted",
        reference_date=as_at,
        periods=[as_at],
        citation=citation or f"ofsted{year}cscdata",
    )
    rows = homes(table, authorities, as_at, rel.id, "registered", False)
    return Result(TABLE, rows, "as_at", ["as_at", "list", "urn"], rel)
