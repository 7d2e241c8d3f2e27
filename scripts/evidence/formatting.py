"""The one formatting layer: how a value reads on a page (en-GB numbers, money, shares, years),
how it goes into a CSV download (a cell a spreadsheet will not run as a formula), and the anchor a
result has on the Results page. Tables, charts, prose, the briefing and the notebooks use it."""

from __future__ import annotations

import csv
import io
import re

from evidence import models

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def column_decimals(values) -> int:
    """Decimals a column of plain numbers needs (0 to 2), the same for every row: 19.4 and
    20.1 read as 19.4 and 20.1, not 19.40 and 20.10; 3.25 keeps its 2."""
    floats = [v for v in values if isinstance(v, float) and v == v and abs(v) != float("inf")]
    for decimals in (0, 1):
        if all(round(v, 2) == round(v, decimals) for v in floats):
            return decimals
    return 2


def format_number(value, unit: str = "", decimals: int | None = None) -> str:
    """en-GB display: thousands separators, £ for GBP, percentages for shares. A whole number
    without decimals (a term of 5 years reads 5); any other float to `decimals` places when
    given (a table column's, see column_decimals), else to 2."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    unit = unit or ""
    if unit == "year" and float(value).is_integer():
        return str(int(value))  # 2025, not 2,025
    if unit.startswith("share"):
        return f"{value * 100:,.1f}%".replace(".0%", "%")
    if unit == "percent":
        return f"{value:,.1f}%".replace(".0%", "%")
    if unit == "percentage points":  # shares published to whole or tenths of a per cent
        return f"{value:,.1f}"
    if unit.startswith("GBP") and "prices" in unit:  # a modelled figure: round to its support
        value = models.round_money(value, unit)
    elif unit.startswith("GBP") and "nearest £1,000" in unit:  # a large published total
        value = round(value, -3)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    text = (
        f"{value:,}"
        if isinstance(value, int)
        else f"{value:,.{2 if decimals is None else decimals}f}"
    )
    if unit.startswith("GBP"):
        sign = "-" if text.startswith("-") else ""
        return f"{sign}£{text.lstrip('-')}"
    return text


def money_millions(value) -> str:
    """A large sum of money as members read it: £75.1 million, never to the pound."""
    if value is None:
        return ""
    millions = float(value) / 1e6
    sign = "-" if millions < 0 else ""
    return f"{sign}£{abs(millions):,.1f} million"


def format_year(value) -> str:
    """A year as a year: 2016, never 2,016 or 2016.0; text (a financial year) as it is."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(int(value)) if float(value).is_integer() else str(value)
    return "" if value is None else str(value)


def is_year_column(column: str, values: list, unit: str = "") -> bool:
    """A column of years: its unit says so, or it is named like one ("Start", "Price year") and
    every number in it is a whole year."""
    if unit == "year":
        return True
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    words = set(re.split(r"[^a-z]+", column.lower()))
    return (
        bool(numbers)
        and all(float(v).is_integer() and 1000 <= v <= 2999 for v in numbers)
        and bool({"year", "start", "end", "from", "to"} & words)
    )


def format_money_short(value) -> str:
    """A large published sum as people say it: £33.8 million, £1.29 billion, £850,000 (three
    significant figures). The exact sum stays in the data, the downloads and the row's page."""
    if value is None:
        return ""
    sign, value = ("-" if value < 0 else ""), abs(float(value))
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if value >= size:
            text = f"{float(f'{value / size:.3g}'):g}"
            return f"{sign}£{text} {word}"
    return f"{sign}£{float(f'{value:.3g}'):,.0f}"


def unit_suffix(unit: str) -> str:
    """What follows a formatted number: 'GBP per week' -> 'per week'; 'share of beds' -> ''."""
    if not unit or unit.startswith("share") or unit in ("percent", "year"):
        return ""
    if unit.startswith("GBP"):
        return unit[3:].strip()
    return unit


def shown_with_unit(value, unit: str, with_unit: bool = True) -> str:
    """A result as a reader sees it: the formatted number and (unless the sentence says it once
    for a range, `with_unit=False`) what follows it."""
    suffix = "" if isinstance(value, str) or not with_unit else unit_suffix(unit)
    return f"{format_number(value, unit)} {suffix}".strip()


def safe_cell(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(value) if isinstance(value, float) else str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_bytes(columns: list[str], rows: list[list]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([safe_cell(c) for c in columns])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buf.getvalue().encode("utf-8")


def anchor(name: str) -> str:
    """The id of a result's entry on the Results page."""
    return "r-" + name.replace(".", "-").replace("_", "-")
