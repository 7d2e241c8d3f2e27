"""DfE Section 251 outturn, children and young people's services, one row per authority and
line, in pounds. Keeps 'Residential care' for children looked after.

DfE changed the file from year to year: column names, whether the line number has its own
column, the number of the residential-care line (5, 9, 4, 5, 6 from 2009-10 to 2013-14) and the
encoding. Each layout is recognised by its header, never by the year, so a later year in a known
layout imports with no code change; an unknown header is an error naming file, line 1 and the
column that does not fit. The line is found by its description and must carry one number across
the file. The file states no unit: the England total of the residential line is checked against
the totals DfE published (within 1%), or, for a year with no published total, against the
nearest published year (within a factor of two), which tells pounds from thousands. The
financial year is not in the file: it is read from the file name ('..._2013_14...')."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from evidence.errors import EvidenceError
from evidence.ingest._base import finish, from_file_name
from evidence.ingest.common import Result, Table, number, read_table

SOURCE = "dfe-s251-outturn"
TABLE = "residential_spend"
SUMMARY = "DfE Section 251 outturn: residential care for children looked after, GBP (2008-09 on)"
SERIES = "Section 251 outturn"
MARKERS = ("", "x", "c", "z", "..")
RESIDENTIAL = re.compile(r"^(?:(\d+)\s+)?Residential care\s*$", re.IGNORECASE)

# England's gross spending on residential care for children looked after as DfE published it
# (GBP million, rounded), from its answer to written question 6515 (7 September 2017)
# [@ukparl2017pq6515]. A year not listed is checked against the nearest listed year.
PUBLISHED_ENGLAND_GBP_MILLION = {"2013-14": 1021, "2014-15": 1016, "2015-16": 1103}
PUBLISHED_TOLERANCE = 0.01
NEAREST_FACTOR = 2.0


@dataclass(frozen=True)
class Layout:
    name: str
    encoding: str  # as DfE published it; a file in any other encoding was re-saved
    code: str
    la_name: str
    line: str | None  # its own line-number column, or None where the number leads the text
    description: str
    measures: dict  # file column -> measure

    @property
    def required(self) -> list[str]:
        cols = [self.code, self.la_name, self.line, self.description, *self.measures]
        return [c for c in cols if c]


_OLD_MEASURES = {
    "Own Provision (y)": "own provision",
    "Private (z(i))": "private provision",
    "Other Public (z(ii))": "other public provision",
    "Voluntary (z(iii))": "voluntary provision",
    "Total Expenditure (k)": "total expenditure",
    "NET Current Expenditure (m)": "net current expenditure",
}
_NEW_MEASURES = {
    "OwnProvision": "own provision",
    "PrivateProvision": "private provision",
    "OtherPublic": "other public provision",
    "Voluntary": "voluntary provision",
    "TotalExpenditure": "total expenditure",
    "NetCurrentExpenditure": "net current expenditure",
}
# Most specific first: the first layout whose columns are all in the header is the file's.
LAYOUTS = [
    Layout(
        "2012-13 onwards (LineNumber, CYPServiceDescription, ReportGroup)",
        "cp1252",
        "LA",
        "LA Name",
        "LineNumber",
        "CYPServiceDescription",
        _NEW_MEASURES,
    ),
    Layout(
        "2010-11 (ReturnStatus, Line, S52 Line Reference)",
        "cp1252",
        "LA",
        "LA Name",
        "Line",
        "S52 Line Reference",
        _OLD_MEASURES,
    ),
    Layout(
        "2009-10 (LEA, Line, S52 Line Reference)",
        "utf-8",
        "LEA",
        "LEA Name",
        "Line",
        "S52 Line Reference",
        _OLD_MEASURES,
    ),
    Layout(
        # 2008-09 has no own-provision column and a 'PUBLIC (z)' column whose scope the file
        # does not define, so only the unambiguous measures are kept
        "2008-09 (LEA Number:, S52 Line Reference:, no line column)",
        "utf-8",
        "LEA Number:",
        "LA Name:",
        None,
        "S52 Line Reference:",
        {
            "PRIVATE (x)": "private provision",
            "VOLUNTARY (y)": "voluntary provision",
            "TOTAL EXPENDITURE (k)": "total expenditure",
            "NET Current Expenditure (m)": "net current expenditure",
        },
    ),
]
# the 2011-12 file is the 2012-13 layout without ReportGroup: the same columns, so one layout


def _header(path) -> list[str]:
    with open(path, "rb") as handle:
        first = handle.readline()
    text = first.decode("cp1252", errors="replace").lstrip("\ufeff").strip()
    return [c.strip() for c in text.split(",")]


def layout_of(path) -> Layout:
    header = _header(path)
    for layout in LAYOUTS:
        if all(c in header for c in layout.required):
            return layout
    best = max(LAYOUTS, key=lambda lay: sum(c in header for c in lay.required))
    missing = [c for c in best.required if c not in header]
    raise EvidenceError(
        f"{path}, line 1, column {missing[0]!r}: the header is no Section 251 outturn layout "
        f"this importer knows (closest: {best.name}, which also needs "
        f"{', '.join(repr(c) for c in missing)}); found {', '.join(repr(h) for h in header[:6])}"
    )


def _check_encoding(path, layout: Layout) -> None:
    data = open(path, "rb").read()
    try:
        data.decode("ascii")
        return
    except UnicodeDecodeError:
        pass
    try:
        data.decode("utf-8")
        is_utf8 = True
    except UnicodeDecodeError:
        is_utf8 = False
    if is_utf8 and layout.encoding == "cp1252":
        raise EvidenceError(
            f"{path}: the file is UTF-8; the Section 251 outturn is published as "
            "Windows-1252 (CP-1252) — import the file as downloaded"
        )
    if not is_utf8 and layout.encoding == "utf-8":
        raise EvidenceError(
            f"{path}: the file is not UTF-8; the {layout.name} outturn is published as UTF-8 — "
            "import the file as downloaded"
        )


def _line_number(table: Table, line: int, layout: Layout, r: dict) -> str | None:
    """The line's number if it is the residential-care line, else None."""
    m = RESIDENTIAL.match(r[layout.description])
    if not m:
        return None
    if layout.line is None:
        if not m[1]:
            raise EvidenceError(
                f"{table.where(line, layout.description)}: expected the line number before "
                f"'Residential care' in this layout; found {r[layout.description]!r}"
            )
        return m[1]
    own = r[layout.line].strip()
    if m[1] and m[1] != own:
        raise EvidenceError(
            f"{table.where(line, layout.line)}: line {own!r} is described as "
            f"{r[layout.description]!r}; the numbers disagree"
        )
    return own


def _check_unit(table: Table, fy: str, total: Decimal, authorities: int) -> None:
    millions = float(total) / 1e6
    published = PUBLISHED_ENGLAND_GBP_MILLION.get(fy)
    where = table.where(None, "total expenditure")
    if published is not None:
        if abs(millions - published) > PUBLISHED_TOLERANCE * published + 0.5:
            raise EvidenceError(
                f"{where}: the {authorities} authorities' residential care adds up to "
                f"£{millions:,.1f}m for {fy}; DfE published £{published:,}m for England "
                "(a different unit, or a file that does not cover England?)"
            )
        return
    nearest = min(PUBLISHED_ENGLAND_GBP_MILLION, key=lambda y: abs(int(y[:4]) - int(fy[:4])))
    reference = PUBLISHED_ENGLAND_GBP_MILLION[nearest]
    if not reference / NEAREST_FACTOR <= millions <= reference * NEAREST_FACTOR:
        raise EvidenceError(
            f"{where}: the {authorities} authorities' residential care adds up to "
            f"£{millions:,.1f}m for {fy}, not within a factor of {NEAREST_FACTOR:g} of the "
            f"£{reference:,}m DfE published for {nearest}; expected amounts in pounds (a file "
            "in thousands is 1,000 times smaller)"
        )


def run(path, authorities, citation=None, **_) -> Result:
    layout = layout_of(path)
    _check_encoding(path, layout)
    table, _ = read_table(path, encodings=(layout.encoding,), required=layout.required)
    m = from_file_name(path, r"(20\d\d)[_-]?(\d\d)", "financial year", "a renamed file")
    fy = f"{m[1]}-{m[2]}"
    if int(m[2]) != (int(m[1]) + 1) % 100:
        raise EvidenceError(f"{path}: the file name gives {fy}, which is not a financial year")
    rows, numbers, total, places = [], {}, Decimal(0), set()
    for line, r in table.rows:
        number_here = _line_number(table, line, layout, r)
        if number_here is None:
            continue
        numbers.setdefault(number_here, line)
        if len(numbers) > 1:
            first, first_line = next(iter(numbers.items()))
            raise EvidenceError(
                f"{table.where(line, layout.line or layout.description)}: residential care is "
                f"line {number_here} here but line {first} on line {first_line}; one file "
                "numbers it once"
            )
        code = authorities.from_dfe_code(
            table, line, layout.code, r[layout.code], r[layout.la_name]
        )
        if code in places:
            raise EvidenceError(
                f"{table.where(line, layout.code)}: a second residential-care line for "
                f"{r[layout.la_name]!r}"
            )
        places.add(code)
        for column, measure in layout.measures.items():
            gbp, marker = number(table, line, column, r[column], MARKERS)
            if measure == "total expenditure" and gbp is not None:
                total += gbp
            rows.append(
                {
                    "financial_year": fy,
                    "area_code": code,
                    "area_name": r[layout.la_name],
                    "series": SERIES,
                    "measure": measure,
                    "gbp": gbp,
                    "marker": marker or "",
                }
            )
    if not rows:
        raise EvidenceError(
            f"{table.where(None, layout.description)}: no line described as 'Residential care'"
        )
    _check_unit(table, fy, total, len(places))
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
