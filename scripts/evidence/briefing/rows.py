"""Rows of the data tables as the briefing template reads them: fields as attributes, numbers as
links to the row they came from, published figures as their publisher gave them."""

from __future__ import annotations

import html

from evidence.errors import EvidenceError
from evidence.formatting import money_millions


class Lazy:
    """The local picture, built only when the template first reads it (a project without an
    authorities table never does)."""

    def __init__(self, make):
        self._make = make

    def __getattr__(self, name):
        return getattr(self._make(), name)


class Row(dict):
    """An arrangement row whose fields read as attributes in the template (row.name); a number
    reads as a link to the row in the comparison table, so every figure leads to its source."""

    def __getattr__(self, name):
        try:
            value = self[name]
        except KeyError:
            raise EvidenceError(f"arrangements have no column {name!r}") from None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return Figure(value, self["link"], f"{self['id']}: {name}")
        return value


class Figure:
    """A number from a data table, shown as a link to the row it came from."""

    def __init__(self, value, href: str, title: str):
        self.value, self.href, self.title = value, href, title

    def __str__(self) -> str:
        v = self.value
        shown = str(int(v)) if float(v).is_integer() else f"{v:g}"
        if self.title.endswith("_gbp"):  # money as members read it, never to the penny
            shown = money_millions(v) if abs(v) >= 1e6 else f"£{v:,.0f}"
        title = html.escape(self.title, quote=True)
        return f'<a class="result" href="{self.href}" title="{title}">{shown}</a>'


def market_shown(value, unit: str) -> str:
    """A published figure as its publisher gave it (these are quoted, not modelled)."""
    if unit.startswith("GBP billion") or unit.startswith("GBP million"):
        return f"£{value:g} {unit.split()[1]}"
    if unit.startswith("percent"):
        return f"{value:g}%" + (" (approx.)" if "approx" in unit else "")
    if unit.startswith("GBP"):
        return f"£{value:,.0f} {unit[3:].strip()}".strip()
    if unit.startswith("count"):
        return f"{value:,.0f}"
    return f"{value:g} {unit}"


def missing(value) -> bool:
    try:
        return value is None or value != value  # NaN and pandas NA
    except TypeError:
        return False
