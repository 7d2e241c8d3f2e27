"""Ofsted "Children's social care data in England YYYY - Provider level as at 31 March YYYY".

Three preamble lines (title, note, note), the header on line 4. 2023 is UTF-8 with a BOM. 2024
is a single-byte file whose only non-ASCII byte is the dash in its title, 0xD0 — an en dash in
Mac Roman, 'Ð' in Windows-1252 — so the title line decides the code page; it adds 'Premises'
and 'Previous ...' columns, which are not needed. Keeps the
children's homes of every kind, with their sector, places and latest full inspection judgement.
"""

from __future__ import annotations

from evidence.ingest._base import release
from evidence.ingest.common import Result, enum, number, read_table, uk_date

SOURCE = "ofsted-provider-level"
TABLE = "childrens_homes"
SUMMARY = "Ofsted provider-level file as at 31 March (children's homes, places, judgements)"
TITLE = (
    r"^Children's social care data in England (?P<edition>\d{4})\s*[-\u2013\u2014]\s*"
    r"Provider level as at 31 March (?P<year>\d{4})$"
)
JUDGEMENT = "Overall experiences and progress of children and young people"
REQUIRED = [
    "URN",
    "Provision type",
    "Registration status",
    "Local authority",
    "Sector",
    "Places",
    "Latest full inspection date",
    JUDGEMENT,
]
# Ofsted's spellings of the kinds of children's home (its own capitalisation varies)
HOME_TYPES = {
    "children's home": "children's home",
    "secure children's home": "secure children's home",
    "residential special school (registered as a children's home)": (
        "residential special school registered as a children's home"
    ),
}
SECTORS = {
    "Private": "private",
    "Local Authority": "local authority",
    "Voluntary": "voluntary",
    "Health Authority": "health authority",
}
JUDGEMENTS = {
    "Outstanding": "outstanding",
    "Good": "good",
    "Requires improvement to be good": "requires improvement",
    "Inadequate": "inadequate",
    "": "",
}
STATUSES = {"Active", "Suspended"}


def homes(table, authorities, as_at: str, rid: str, listing: str, judgements: bool):
    rows = []
    for line, r in table.rows:
        kind = r["Provision type"].strip().lower()
        if kind not in HOME_TYPES:
            if "children's home" in kind:  # a new kind of home must not vanish silently
                enum(table, line, "Provision type", r["Provision type"], HOME_TYPES)
            continue
        enum(table, line, "Registration status", r["Registration status"], STATUSES)
        places, _ = number(table, line, "Places", r["Places"], ("",))
        row = {
            "as_at": as_at,
            "list": listing,
            "urn": r["URN"],
            "ons_code": authorities.from_name(table, line, "Local authority", r["Local authority"]),
            "provision_type": HOME_TYPES[kind],
            "sector": enum(table, line, "Sector", r["Sector"], SECTORS),
            "places": places,
            "overall_judgement": "",
            "inspection_date": "",
            "release": rid,
        }
        if judgements:
            row["overall_judgement"] = enum(table, line, JUDGEMENT, r[JUDGEMENT], JUDGEMENTS)
            row["inspection_date"] = uk_date(
                table, line, "Latest full inspection date", r["Latest full inspection date"]
            )
        rows.append(row)
    return rows


def run(path, authorities, citation=None, **_) -> Result:
    table, title = read_table(
        path,
        encodings=("utf-8", "cp1252", "mac_roman"),
        header_line=4,
        required=REQUIRED,
        title_pattern=TITLE,
    )
    year = title["year"]
    rel = release(
        __name__.rsplit(".", 1)[-1],
        SOURCE,
        TABLE,
        path,
        title=f"Children's social care data in England {title['edition']}: provider level as at "
        f"31 March {year}",
        publisher="Ofsted",
        reference_date=f"{year}-03-31",
        periods=[f"{year}-03-31"],
        citation=citation or f"ofsted{title['edition']}cscdata",
    )
    rows = homes(table, authorities, f"{year}-03-31", rel.id, "provider-level", True)
    return Result(TABLE, rows, "as_at", ["as_at", "list", "urn"], rel)
