"""The DfE FOI 2024-0040813 layout: a 13-line preamble (title, coverage, source, notes, marker
key), the header on line 14, then explore-education-statistics columns."""

from __future__ import annotations

from evidence.errors import EvidenceError
from evidence.ingest._base import from_file_name
from evidence.ingest.common import read_table

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
