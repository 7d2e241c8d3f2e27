"""Ofsted inspections of local authority children's services (ILACS): latest judgements at
31 March, sheet "LA level at 31 Mar YYYY" as CSV. The year comes from the file name."""

from __future__ import annotations

from evidence.ingest._base import from_file_name, release
from evidence.ingest.common import Result, enum, read_table, uk_date

SOURCE = "ofsted-ilacs"
TABLE = "ilacs_judgements"
SUMMARY = "Ofsted ILACS judgements of each authority at 31 March"
IN_CARE = "Experiences and progress of children in care"
REQUIRED = ["Local authority name", "Inspection date", "Overall effectiveness", IN_CARE]
GRADES = {
    "Outstanding": "outstanding",
    "Good": "good",
    "Requires improvement to be good": "requires improvement",
    "Inadequate": "inadequate",
    "": "",
}


def run(path, authorities, citation=None, **_) -> Result:
    table, _ = read_table(path, required=REQUIRED)
    year = from_file_name(path, r"at_31_march_(\d{4})", "reference date", "a renamed file")[1]
    as_at = f"{year}-03-31"
    rel = release(
        __name__.rsplit(".", 1)[-1],
        SOURCE,
        TABLE,
        path,
        title=f"Children's social care data in England {year}: local authority inspection "
        f"judgements at 31 March {year}",
        publisher="Ofsted",
        reference_date=as_at,
        periods=[as_at],
        citation=citation or f"ofsted{year}cscdata",
    )
    rows = []
    for line, r in table.rows:
        rows.append(
            {
                "as_at": as_at,
                "ons_code": authorities.from_name(
                    table, line, "Local authority name", r["Local authority name"]
                ),
                "inspection_date": uk_date(table, line, "Inspection date", r["Inspection date"]),
                "overall_effectiveness": enum(
                    table, line, "Overall effectiveness", r["Overall effectiveness"], GRADES
                ),
                "children_in_care": enum(table, line, IN_CARE, r[IN_CARE], GRADES),
                "release": rel.id,
            }
        )
    return Result(TABLE, rows, "as_at", ["as_at", "ons_code"], rel)
