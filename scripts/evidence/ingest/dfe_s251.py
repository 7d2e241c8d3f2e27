"""DfE Section 251 outturn, children and young people's services, one row per authority and
line (LA = DfE three-digit code, LineNumber, CYPServiceDescription, provision columns, in
pounds). Published as Windows-1252. Keeps line 6, 'Residential care' for children looked after.
The financial year is not in the file: it is read from the file name ('..._2013_14...')."""

from __future__ import annotations

import re

from evidence.errors import EvidenceError
from evidence.ingest._base import finish, from_file_name
from evidence.ingest.common import Result, number, read_table

SOURCE = "dfe-s251-outturn"
TABLE = "residential_spend"
SUMMARY = "DfE Section 251 outturn: residential care for children looked after (line 6), GBP"
LINE = "6"
MEASURES = {
    "OwnProvision": "own provision",
    "PrivateProvision": "private provision",
    "OtherPublic": "other public provision",
    "Voluntary": "voluntary provision",
    "TotalExpenditure": "total expenditure",
    "NetCurrentExpenditure": "net current expenditure",
}
REQUIRED = ["LA", "LA Name", "LineNumber", "CYPServiceDescription", *MEASURES]
SERIES = "Section 251 outturn"
MARKERS = ("", "x", "c", "z", "..")


def run(path, authorities, citation=None, **_) -> Result:
    data = open(path, "rb").read()
    try:  # the publisher's file is Windows-1252; a UTF-8 copy has been re-saved by someone
        data.decode("ascii")
    except UnicodeDecodeError:
        try:
            data.decode("utf-8")
            raise EvidenceError(
                f"{path}: the file is UTF-8; the Section 251 outturn is published as "
                "Windows-1252 (CP-1252) — import the file as downloaded"
            )
        except UnicodeDecodeError:
            pass
    table, _ = read_table(path, encodings=("cp1252",), required=REQUIRED)
    m = from_file_name(path, r"(20\d\d)[_-]?(\d\d)", "financial year", "a renamed file")
    fy = f"{m[1]}-{m[2]}"
    if int(m[2]) != (int(m[1]) + 1) % 100:
        raise EvidenceError(f"{path}: the file name gives {fy}, which is not a financial year")
    rows = []
    for line, r in table.rows:
        if r["LineNumber"] != LINE:
            continue
        if not re.match(r"^6\s+Residential care\b", r["CYPServiceDescription"], re.IGNORECASE):
            raise EvidenceError(
                f"{table.where(line, 'CYPServiceDescription')}: expected line 6 to be "
                f"'6 Residential care'; found {r['CYPServiceDescription']!r} (the line numbering "
                "of this outturn differs)"
            )
        code = authorities.from_dfe_code(table, line, "LA", r["LA"], r["LA Name"])
        for column, measure in MEASURES.items():
            gbp, marker = number(table, line, column, r[column], MARKERS)
            rows.append(
                {
                    "financial_year": fy,
                    "area_code": code,
                    "area_name": r["LA Name"],
                    "series": SERIES,
                    "measure": measure,
                    "gbp": gbp,
                    "marker": marker or "",
                }
            )
    if not rows:
        raise EvidenceError(f"{table.where(None, 'LineNumber')}: no rows for line 6")
    return finish(
        __name__,
        SOURCE,
        TABLE,
        path,
        rows,
        period="financial_year",
        sort=["financial_year", "series", "area_code", "measure"],
        title=f"Section 251 outturn {fy}: children and young people's services, local authority "
        "level data",
        publisher="Department for Education",
        reference_date=fy,
        periods=[fy],
        citation=citation or f"dfes251outturn{m[1]}{m[2]}",
    )
