"""The DfE FOI 2024-0040813 layout: a 13-line preamble (title, coverage, source, notes, marker
key), the header on line 14, then explore-education-statistics columns."""

from __future__ import annotations

from evidence.errors import EvidenceError
from evidence.ingest._base import finish, from_file_name
from evidence.ingest._geo import dfe_area
from evidence.ingest.common import Result, enum, read_table, year

HEADER_LINE = 14
MARKERS = ("c", "z", "x", "k")


def read(path, title_pattern, required):
    table, title = read_table(
        path, header_line=HEADER_LINE, required=required, title_pattern=title_pattern
    )
    foi = from_file_name(path, r"foi_(\d{4})_(\d+)", "FOI reference", "--cite KEY")
    return table, title, f"{foi[1]}-{foi[2]}"


def check_years(table, title, years):
    first, last = int(title["first"]), int(title["last"])
    if min(years) != first or max(years) != last:
        raise EvidenceError(
            f"{table.where(None, 'time_period')}: the title says {first} to {last} but the rows "
            f"cover {min(years)} to {max(years)}"
        )


def run(module, path, authorities, citation, values) -> Result:
    """Import one file of the release: `module` gives SOURCE, TABLE, TITLE, REQUIRED and
    CHARACTERISTIC (its columns come from the data package); `values(table, line, row)` gives
    the file's own figures."""
    table, title, foi = read(path, module.TITLE, module.REQUIRED)
    rows = []
    for line, r in table.rows:
        enum(table, line, "characteristic", r["characteristic"], {module.CHARACTERISTIC})
        lvl, code, name = dfe_area(table, line, r, authorities)
        figures, marker = values(table, line, r)
        rows.append(
            {
                "year": year(table, line, "time_period", r["time_period"]),
                "level": lvl,
                "area_code": code,
                "area_name": name,
                **figures,
                "marker": marker or "",
            }
        )
    years = {r["year"] for r in rows}
    check_years(table, title, years)
    return finish(
        module.__name__,
        module.SOURCE,
        module.TABLE,
        path,
        rows,
        period="year",
        sort=["year", "level", "area_code"],
        title=title[0],
        publisher=f"Department for Education (Freedom of Information release {foi})",
        reference_date=f"{max(years)}-03-31",
        periods=years,
        citation=citation or f"dfefoi{foi.replace('-', '')}",
    )
