"""MHCLG (DLUHC) Revenue Outturn RO3, children's social care lines by authority, long
(financial_year, ons_code, la_name, class, ro3_code, service_line, measure, value in GBP
thousands). Keeps residential care for children looked after: total and net current expenditure.
Markers such as [x] (return not received) and [note N] stay missing."""

from __future__ import annotations

import re
from decimal import Decimal

from evidence.errors import EvidenceError
from evidence.ingest._base import finish
from evidence.ingest.common import Result, number, read_table

SOURCE = "mhclg-ro3"
TABLE = "residential_spend"
SUMMARY = "MHCLG Revenue Outturn RO3: residential care for children looked after, by year"
CODES = {
    "RO3-csclkdres-tot-exp": "total expenditure",
    "RO3-csclkdres-net-cur-exp": "net current expenditure",
}
REQUIRED = ["financial_year", "ons_code", "la_name", "ro3_code", "value_gbp_thousands"]
SERIES = "Revenue Outturn RO3"
MARKERS = ("[x]", "[z]", "[c]", "x", "")


def run(path, authorities, citation=None, **_) -> Result:
    table, _ = read_table(path, required=REQUIRED)
    rows, years = [], set()
    for line, r in table.rows:
        fy = r["financial_year"]
        if not re.fullmatch(r"20\d\d-\d\d", fy):
            raise EvidenceError(
                f"{table.where(line, 'financial_year')}: expected a financial year such as "
                f"2024-25; found {fy!r}"
            )
        years.add(fy)
        if r["ro3_code"] not in CODES:
            continue
        text = r["value_gbp_thousands"]
        note = re.fullmatch(r"\[note \d+\]", text.strip(), flags=re.IGNORECASE)
        value, marker = (
            (None, text.strip())
            if note
            else number(table, line, "value_gbp_thousands", text, MARKERS)
        )
        code = authorities.from_code(table, line, "ons_code", r["ons_code"], r["la_name"])
        rows.append(
            {
                "financial_year": fy,
                "area_code": code,
                "area_name": r["la_name"],
                "series": SERIES,
                "measure": CODES[r["ro3_code"]],
                "gbp": None if value is None else value * Decimal(1000),
                "marker": marker or "",
            }
        )
    for fy in sorted(years):
        have = {r["measure"] for r in rows if r["financial_year"] == fy}
        for code, measure in CODES.items():
            if measure not in have:
                raise EvidenceError(
                    f"{table.where(None, 'ro3_code')}: no {code!r} rows for {fy}; has the "
                    "RO3 line been renamed?"
                )
    keys = [f"ro3outturn{fy[:4]}{fy[5:]}" for fy in sorted(years)]
    return finish(
        __name__,
        SOURCE,
        TABLE,
        path,
        rows,
        period="financial_year",
        sort=["financial_year", "series", "area_code", "measure"],
        title="Local authority revenue expenditure and financing: Revenue Outturn RO3 (social care "
        f"and public health), data by local authority, {min(years)} to {max(years)}",
        publisher="Ministry of Housing, Communities and Local Government",
        reference_date=max(years),
        periods=years,
        citation=citation or "; ".join(keys),
    )
