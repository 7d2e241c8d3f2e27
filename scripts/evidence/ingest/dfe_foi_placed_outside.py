"""DfE FOI release: children looked after at 31 March placed in children's homes outside the
local authority boundary, by responsible authority (number and % of its children in homes)."""

from __future__ import annotations

import sys

from evidence.ingest import _foi
from evidence.ingest.common import Result, number

SOURCE = "dfe-foi-placed-outside"
TABLE = "childrens_homes_outside"
SUMMARY = "DfE FOI: children in children's homes placed outside their authority, by year"
TITLE = (
    r"^Children Looked After \(CLA\) on 31 March placed in children's homes outside the local "
    r"authority boundary, (?P<first>\d{4}) to (?P<last>\d{4})$"
)
CHARACTERISTIC = "Placed outside the local authority boundary"
REQUIRED = [
    "time_period",
    "geographic_level",
    "region_code",
    "region_name",
    "la_name",
    "new_la_code",
    "characteristic",
    "number",
    "percentage",
]


def _values(table, line, r):
    children, marker = number(table, line, "number", r["number"], _foi.MARKERS)
    percent, _ = number(table, line, "percentage", r["percentage"], _foi.MARKERS)
    return {"children": children, "percent": percent}, marker


def run(path, authorities, citation=None, **_) -> Result:
    return _foi.run(sys.modules[__name__], path, authorities, citation, _values)
