"""DfE FOI release: net gain of children looked after at 31 March placed in children's homes,
by authority (children of other authorities placed in homes inside it, minus its own children
placed in homes outside it)."""

from __future__ import annotations

import sys

from evidence.ingest import _foi
from evidence.ingest.common import Result, number

SOURCE = "dfe-foi-net-gain"
TABLE = "childrens_homes_net_gain"
SUMMARY = "DfE FOI: net gain of children placed in children's homes, by authority and year"
TITLE = (
    r"^Net gain of Children Looked After \(CLA\) on 31 March placed in children's homes by "
    r"responsible local authority, (?P<first>\d{4}) to (?P<last>\d{4})$"
)
CHARACTERISTIC = "Net gain of children by responsible LA"
REQUIRED = [
    "time_period",
    "geographic_level",
    "region_code",
    "region_name",
    "la_name",
    "new_la_code",
    "characteristic",
    "number",
]


def _values(table, line, r):
    gain, marker = number(table, line, "number", r["number"], _foi.MARKERS)
    return {"net_gain": gain}, marker


def run(path, authorities, citation=None, **_) -> Result:
    return _foi.run(sys.modules[__name__], path, authorities, citation, _values)
