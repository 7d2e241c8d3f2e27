"""How a chart reaches readers besides the picture: its data as tables (columns in encoding
order, titled as the axes are, years as years), the values and sliders it computes itself, and the
tab set (Chart | Table | Sources | Download) that holds them; ``outputs`` puts them together.

The tabs are plain HTML in the markup pymdownx.tabbed writes (``alternate_style``), so Material
styles them and no plugin is needed; radio inputs make them keyboard-operable (Tab to the set,
arrow keys to switch) and they work without JavaScript.
"""

from __future__ import annotations

import html

from evidence.formatting import is_year_column

TAB_LABELS = ("Chart", "Table", "Sources", "Download")


# ---- the chart's data ------------------------------------------------------------------------


def _walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def chart_datasets(spec: dict) -> list[tuple[str, list[dict]]]:
    """Every table of values a chart draws from: named ``datasets`` and inline ``values``."""
    found = [(name, rows) for name, rows in sorted((spec.get("datasets") or {}).items())]
    for node in _walk({k: v for k, v in spec.items() if k != "datasets"}):
        data = node.get("data")
        if isinstance(data, dict) and isinstance(data.get("values"), list):
            found.append((data.get("name") or "values", data["values"]))
    return [(name, rows) for name, rows in found if rows and all(isinstance(r, dict) for r in rows)]


CHANNELS = ("y", "x", "x2", "y2", "row", "column", "color", "shape", "size", "text", "tooltip")


def _encodings(spec: dict):
    for node in _walk(spec):
        if isinstance(node.get("encoding"), dict):
            yield node["encoding"]


def field_titles(spec: dict) -> dict[str, str]:
    """field -> the axis or legend title the chart gives it (where one field has one title).
    An x or y title that also covers x2 or y2 (a span, e.g. start to end) names neither field."""
    titles: dict[str, set] = {}
    for encoding in _encodings(spec):
        for channel, defs in encoding.items():
            if channel in ("x", "y") and f"{channel}2" in encoding:
                continue
            for d in defs if isinstance(defs, list) else [defs]:
                if isinstance(d, dict) and isinstance(d.get("field"), str):
                    if isinstance(d.get("title"), str):
                        titles.setdefault(d["field"], set()).add(d["title"])
    return {f: next(iter(t)) for f, t in titles.items() if len(t) == 1}


def field_order(spec: dict) -> list[str]:
    """Fields in the order the chart encodes them (y, x, ..., tooltip), for table columns."""
    order: list[str] = []
    for encoding in _encodings(spec):
        for channel in CHANNELS:
            defs = encoding.get(channel)
            for d in defs if isinstance(defs, list) else [defs]:
                field = d.get("field") if isinstance(d, dict) else None
                if isinstance(field, str) and field not in order:
                    order.append(field)
    return order


def calculations(spec: dict) -> list[tuple[str, str]]:
    """(field, expression) for each value the chart computes itself."""
    out = []
    for node in _walk(spec):
        if isinstance(node.get("calculate"), str) and isinstance(node.get("as"), str):
            if (node["as"], node["calculate"]) not in out:
                out.append((node["as"], node["calculate"]))
    return out


def sliders(spec: dict) -> list[tuple[str, object]]:
    """(label, starting value) of each control bound to a chart parameter."""
    out = []
    for node in _walk(spec):
        if isinstance(node.get("bind"), dict) and "name" in node:
            label = str(node["bind"].get("name") or node["name"]).strip()
            if (label, node.get("value")) not in out:
                out.append((label, node.get("value")))
    return out


def data_table(spec: dict, rows: list[dict]) -> dict:
    """A chart dataset as columns and rows (outputs.PageOutputs makes it a table)."""
    titles = field_titles(spec)
    present: list[str] = []
    for row in rows:
        present += [k for k in row if k not in present]
    fields = [f for f in field_order(spec) if f in present]
    fields += [f for f in present if f not in fields]
    columns = []
    for f in fields:
        title = titles.get(f)
        columns.append(title if title and title not in columns and title not in fields else f)
    # years read as years (2025, not 2,025): shown as text
    years = {f for f in fields if is_year_column(f, [r.get(f) for r in rows])}
    table_rows = [
        [
            str(int(row[f])) if f in years and isinstance(row.get(f), int | float) else row.get(f)
            for f in fields
        ]
        for row in rows
    ]
    return {"kind": "table", "columns": columns, "rows": table_rows, "units": {}}


# ---- the tab set -----------------------------------------------------------------------------


def tab_set(set_id: str, blocks: list[tuple[str, str]]) -> str:
    """Material content tabs (pymdownx.tabbed alternate markup) holding raw HTML blocks."""
    inputs = "".join(
        f'<input{" checked" if i == 0 else ""} id="{set_id}-{i + 1}" name="{set_id}" type="radio">'
        for i in range(len(blocks))
    )
    labels = "".join(
        f'<label for="{set_id}-{i + 1}">{html.escape(label)}</label>'
        for i, (label, _) in enumerate(blocks)
    )
    content = "\n".join(f'<div class="tabbed-block">\n{body}\n</div>' for _, body in blocks)
    return (
        f'<div class="tabbed-set tabbed-alternate evidence-tabs" data-tabs="{set_id}:'
        f'{len(blocks)}">{inputs}<div class="tabbed-labels">{labels}</div>\n'
        f'<div class="tabbed-content">\n{content}\n</div>\n</div>'
    )


def plain(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    return f"{value:,}" if isinstance(value, int | float) else str(value)
