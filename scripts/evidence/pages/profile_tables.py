"""The tables of an authority profile: which columns each shows, under what heading and unit,
and one small table per area from the analysis's tidy frames (``profiles`` shows them).

Like ``profiles`` it runs inside the ``authorities`` analysis, so the analysis's cache key
covers it.
"""

from __future__ import annotations

PERCENT = "percent"
# spending is published to the penny; a page reads it to the nearest £1,000 (the table's CSV
# download and analyses/data keep every digit)
THOUSANDS = "GBP, to the nearest £1,000"

# frame column -> (heading, unit); the order is the table's
PLACEMENTS = {
    "year_text": ("31 March", ""),
    "series": ("Series", ""),
    "all": ("Children looked after", ""),
    "in_homes": ("In the series' children's-home category", ""),
    "share": ("Share", PERCENT),
    "marker": ("Missing because", ""),
    "region_value": ("Region share", PERCENT),
    "england_value": ("England share", PERCENT),
}
OUTSIDE = {
    "year_text": ("31 March", ""),
    "children": ("Placed in homes outside the authority", ""),
    "percent": ("Share of its children in homes", PERCENT),
    "marker": ("Missing because", ""),
    "region_value": ("Region share", PERCENT),
    "england_value": ("England share", PERCENT),
    "net_gain": ("Net gain of children in homes in its area", ""),
    "gain_marker": ("Net gain missing because", ""),
}
SPEND = {
    "financial_year": ("Financial year", ""),
    "series": ("Return", ""),
    "total expenditure": ("Total expenditure", THOUSANDS),
    "net current expenditure": ("Net current expenditure", THOUSANDS),
    "marker": ("Missing because", ""),
    "in_homes": ("Children in homes at 31 March", ""),
    "count": ("Count series", ""),
    "per_child": ("Total expenditure per child in homes", THOUSANDS),
}
SUPPLY = {
    "as_at": ("As at", ""),
    "provision_type": ("Kind of home", ""),
    "sector": ("Sector", ""),
    "homes": ("Homes", ""),
    "places": ("Places", ""),
}
ARRANGEMENTS = {
    "name": ("Arrangement", ""),
    "model": ("Model", ""),
    "status": ("Status", ""),
    "start_year": ("Start", ""),
    "end_year": ("End", ""),
    "evidence_grade": ("Evidence", ""),
    "sources": ("sources", ""),
}
PEERS = {
    "name": ("Authority", ""),
    "all": ("Children looked after", ""),
    "share": ("Share in children's homes", PERCENT),
    "percent": ("Share of those placed outside", PERCENT),
    "gbp": ("Residential care total expenditure", THOUSANDS),
}


def cited(citation_of, *sources) -> str:
    """A citation group for the releases rows came from, e.g. '[@a; @b]'. Each source is a
    frame with a 'release' column or a set of release identifiers."""
    keys = []
    for source in sources:
        found = source if isinstance(source, set) else set(source["release"].dropna())
        for release in sorted(found):
            for key in str(citation_of[release]).split(";"):
                if key.strip() and key.strip() not in keys:
                    keys.append(key.strip())
    return "[" + "; ".join("@" + k for k in keys) + "]" if keys else ""


def as_text(values) -> list:
    """Years and other labels as text, so tables show 2024 rather than 2,024."""
    import pandas as pd

    return [None if pd.isna(v) else str(v) for v in values]


def shaped(frame, columns: dict):
    """`frame` with the columns of a table kind, headed and united as it is shown."""
    table = frame[list(columns)].rename(columns={k: h for k, (h, _) in columns.items()})
    table = table.reset_index(drop=True)
    table.attrs["units"] = {h: unit for h, unit in columns.values() if unit}
    return table


# The publisher's reason a figure is missing: a column shown only where a figure is missing,
# so an area with every figure has a table narrow enough for the page.
MARKERS = ("marker", "gain_marker")


def tables(frame, key: str, columns: dict) -> dict:
    """One table per area (`key`), with the columns of a table kind."""
    headed = frame[[key, *columns]].rename(columns={k: h for k, (h, _) in columns.items()})
    units = {h: unit for h, unit in columns.values() if unit}
    markers = [columns[k][0] for k in MARKERS if k in columns]
    return split(headed, key, units, markers)  # renamed once, not once per area


def split(frame, key: str, units: dict, optional=()) -> dict:
    """One small table per area, keeping every other column as it is, and each `optional`
    column only where it has a value for that area."""
    out = {}
    for code, part in frame.groupby(key, sort=False):
        table = part.drop(columns=[key]).reset_index(drop=True)
        empty = [
            c for c in optional if c in table and not (table[c].fillna("").astype(str) != "").any()
        ]
        table = table.drop(columns=empty)
        table.attrs["units"] = {h: u for h, u in units.items() if h in table}
        out[code] = table
    return out
