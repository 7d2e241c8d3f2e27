"""DfE list of the 153 children's services authorities (CSC outcomes and enablers dashboard,
data/location_data.rds as CSV): new_la_code, old_la_code, la_name, region_name."""

from __future__ import annotations

import re

from evidence.errors import EvidenceError
from evidence.ingest._base import release
from evidence.ingest.common import Result, read_table

SOURCE = "dfe-authorities"
TABLE = "authorities"
SUMMARY = "DfE list of children's services authorities (ONS code, DfE code, name, region)"
TYPES = {
    "E06": "unitary authority",
    "E08": "metropolitan borough",
    "E09": "London borough",
    "E10": "county council",
}


def run(path, authorities=None, citation=None, **_) -> Result:
    table, _ = read_table(path, required=["new_la_code", "old_la_code", "la_name", "region_name"])
    rows, seen = [], set()
    for line, r in table.rows:
        code = r["new_la_code"]
        if not re.fullmatch(r"E(06|08|09|10)\d{6}", code):
            raise EvidenceError(
                f"{table.where(line, 'new_la_code')}: expected an ONS code E06/E08/E09/E10 "
                f"followed by six digits; found {code!r}"
            )
        if not re.fullmatch(r"\d{3}", r["old_la_code"]):
            raise EvidenceError(
                f"{table.where(line, 'old_la_code')}: expected a three-digit DfE code; "
                f"found {r['old_la_code']!r}"
            )
        if code in seen:
            raise EvidenceError(f"{table.where(line, 'new_la_code')}: {code} appears twice")
        seen.add(code)
        rows.append(
            {
                "ons_code": code,
                "dfe_code": r["old_la_code"],
                "name": r["la_name"],
                "region": r["region_name"],
                "type": TYPES[code[:3]],
            }
        )
    return Result(
        table=TABLE,
        rows=rows,
        period_column=None,
        sort=["ons_code"],
        release=release(
            __name__.rsplit(".", 1)[-1],
            SOURCE,
            TABLE,
            path,
            title="Children's social care outcomes and enablers: local authority location data",
            publisher="Department for Education",
            reference_date="",
            periods=[],
            citation=citation or "dfe2026cscauthorities",
        ),
    )
