"""How results reach readers: each chart in tabs (Chart | Table | Sources | Download), links from
an analysis page to its source file and executed notebook, and site facts for hand-written pages
(last-updated date from the last commit, repository, contact details from mkdocs.yml ``extra``).

The tabs are plain HTML in the markup pymdownx.tabbed writes (``alternate_style``), so Material
styles them and no plugin is needed; radio inputs make them keyboard-operable (Tab to the set,
arrow keys to switch) and they work without JavaScript.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
from pathlib import Path

from evidence import charts
from evidence.errors import EvidenceError

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


def _year_like(column: str, values: list) -> bool:
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    words = re.split(r"[^a-z]+", column.lower())
    return (
        bool(numbers)
        and all(float(v).is_integer() and 1000 <= v <= 2999 for v in numbers)
        and bool({"year", "start", "end", "from", "to"} & set(words))
    )


def data_table(spec: dict, rows: list[dict]) -> dict:
    """A chart dataset as a table output (the shape render.Renderer.table_html takes)."""
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
    years = {f for f in fields if _year_like(f, [r.get(f) for r in rows])}
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


def chart_section(renderer, output: dict, page: str, where: str, cell: dict, number: int):
    """A chart with its Table, Sources and Download tabs; returns (html, citation keys)."""
    spec = output["spec"]
    description = (output.get("description") or spec.get("description") or "").strip()
    if not description:
        raise EvidenceError(
            f"cell {number}, line {cell['line']}: a chart has no text description; give it one "
            "with show(chart, description=...) or chart.properties(description=...)",
            where=where,
        )
    cid = charts.spec_id(spec)
    seen = renderer.__dict__.setdefault("_chart_ids", {}).setdefault(page, [])
    set_id = cid if cid not in seen else f"{cid}-{seen.count(cid) + 1}"
    seen.append(cid)
    cited: list[str] = []

    figure = renderer.chart_block({**output, "description": description}, page)

    # Table: the values the chart draws, each as an accessible table with its CSV
    tables, downloads = [], []
    datasets = chart_datasets(spec)
    title = spec.get("title")
    title = title.get("text") if isinstance(title, dict) else title
    for index, (_, rows) in enumerate(datasets, start=1):
        table = data_table(spec, rows)
        label = f"Data shown in the chart{f': {title}' if isinstance(title, str) else ''}"
        table["caption"] = label + (f" (part {index})" if len(datasets) > 1 else "")
        tag = f"{set_id}-data" + (f"-{index}" if len(datasets) > 1 else "")
        markup, keys = renderer.table_html(table, page, where, tag)
        cited += keys
        tables.append(markup)
        stem = Path(page).with_suffix("").as_posix().replace("/", "-")
        csv_href = renderer.link(page, f"downloads/{stem}-table-{tag}.csv")
        downloads.append(
            f'<li><a href="{csv_href}" download>Data shown in the chart'
            f"{f' (part {index})' if len(datasets) > 1 else ''} (CSV, {len(rows)} rows)</a></li>"
        )
    computed = calculations(spec)
    if computed:
        listed = "".join(
            f"<li><code>{html.escape(name)}</code> = <code>{html.escape(expr)}</code></li>"
            for name, expr in computed
        )
        tables.append(
            "<p>The chart also computes these values itself, from the data above"
            + (" and its sliders" if sliders(spec) else "")
            + f":</p><ul>{listed}</ul>"
        )
    controls = sliders(spec)
    if controls:
        listed = "".join(
            f"<li>{html.escape(label)}: starts at {html.escape(_plain(value))}</li>"
            for label, value in controls
        )
        tables.append(f"<p>Sliders and their starting values:</p><ul>{listed}</ul>")
    if not tables:
        tables.append("<p>This chart draws no tabulated data.</p>")

    # Sources: where the numbers come from, one click from the figure
    sources, keys = sources_html(renderer, page, where, cell, number)
    cited += keys

    # Download: data, specification, image, notebook
    svg_href = renderer.link(page, f"assets/charts/{cid}.svg")
    spec_href = renderer.link(page, f"assets/charts/{cid}.vl.json")
    name = Path(where).stem
    downloads += [
        f'<li><a href="{spec_href}" download>Chart specification (Vega-Lite JSON)</a></li>',
        f'<li><a href="{svg_href}" download>Chart image (SVG)</a></li>',
        f'<li><a href="{renderer.link(page, notebook_path(name))}" download>'
        "The whole analysis as an executed notebook (.ipynb)</a></li>",
    ]
    block = tab_set(
        set_id,
        [
            ("Chart", figure),
            ("Table", "\n".join(tables)),
            ("Sources", sources),
            ("Download", f'<ul class="evidence-downloads">{"".join(downloads)}</ul>'),
        ],
    )
    return block, cited


def _plain(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    return f"{value:,}" if isinstance(value, int | float) else str(value)


def sources_html(renderer, page: str, where: str, cell: dict, number: int):
    """Where a chart's or table's numbers come from: analysis, cell, tables (with their hashes
    and sources) and the results page."""
    name = Path(where).stem
    record = renderer.records.get(name, {})
    cited: list[str] = []
    parts = [
        f"<p>Drawn by cell {number} of {source_link(renderer, where, cell.get('line'))} "
        f"(line {cell.get('line')}), which runs on the data below; "
        f'every figure it publishes is on the <a href="{renderer.link(page, "results.md")}">'
        "results page</a> with its provenance.</p>"
    ]
    package = getattr(renderer, "package", None)
    items = []
    for table, info in sorted((record.get("inputs") or {}).items()):
        res = {}
        if package is not None:
            try:
                res = package.resource(table)
            except EvidenceError:
                res = {}
        href = renderer.link(page, "data.md") + f"#table-{table}"
        title = html.escape(res.get("title", table))
        text = (
            f'<li><a href="{href}">{title}</a> (<code>{html.escape(table)}</code>, '
            f"SHA-256 <code>{info['sha256'][:12]}</code>)"
        )
        if res.get("citations"):
            cites, keys = renderer.cite(str(res["citations"]), page, where)
            cited += keys
            text += f": {cites}"
        if any(f.get("x-citation-keys") for f in res.get("schema", {}).get("fields", [])):
            text += "; each row cites its own sources"
        items.append(text + "</li>")
    if items:
        parts.append(f"<p>Data tables read by this analysis:</p><ul>{''.join(items)}</ul>")
    return "\n".join(parts), cited


# ---- the repository and the notebook ---------------------------------------------------------


def repository_file_url(config: dict, path: str, line: int | None = None) -> str | None:
    """The file's page in the repository (repo_url, branch from edit_uri), or None if not set."""
    repo = (config.get("repo_url") or "").rstrip("/")
    if not repo:
        return None
    edit_uri = (config.get("edit_uri") or "").strip("/")
    parts = edit_uri.split("/")
    branch = parts[1] if len(parts) > 1 and parts[0] in ("edit", "blob", "tree") else "HEAD"
    url = f"{repo}/blob/{branch}/{path}"
    return url + (f"#L{line}" if line else "")


def source_link(renderer, where: str, line: int | None = None) -> str:
    url = repository_file_url(config(renderer), where, line)
    label = f"<code>{html.escape(where)}</code>"
    return f'<a href="{html.escape(url, quote=True)}">{label}</a>' if url else label


def notebook_path(name: str) -> str:
    return f"downloads/{name}.ipynb"


def analysis_links(renderer, name: str, page: str) -> str:
    """The line under an analysis page's title: its source, its notebook, its results."""
    where = f"analyses/{name}.py"
    return (
        '<p class="evidence-source">Made by '
        + source_link(renderer, where)
        + " (the analysis, in the repository) · "
        + f'<a href="{renderer.link(page, notebook_path(name))}" download>'
        "download it as an executed notebook (.ipynb)</a> · "
        + f'<a href="{renderer.link(page, "results.md")}">every result and its provenance</a>'
        + "</p>"
    )


# ---- site facts for hand-written pages -------------------------------------------------------


def last_commit_date(root: Path) -> dt.date | None:
    """The date of the last commit (or SOURCE_DATE_EPOCH), never the clock; None if unknown."""
    from evidence.site import source_date_epoch

    stamp = os.environ.get("SOURCE_DATE_EPOCH") or source_date_epoch(root)
    if not stamp.isdigit() or int(stamp) == 0:
        return None
    return dt.datetime.fromtimestamp(int(stamp), tz=dt.UTC).date()


def en_gb_date(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else "not known (no commit history)"


def site_facts(renderer) -> dict:
    """What pages may name with {{ site.x }}: dates, repository, contact details from ``extra``."""
    conf = config(renderer)
    extra = conf.get("extra") or {}
    day = last_commit_date(renderer.project.root)
    return {
        "name": conf.get("site_name", ""),
        "url": conf.get("site_url") or "",
        "repo_url": conf.get("repo_url") or "",
        "last_updated": en_gb_date(day),
        "last_updated_iso": day.isoformat() if day else "",
        "extra": extra,
        "contact": _contact(extra),
        "axe_core_version": _axe_version(renderer.project.root),
    }


def _axe_version(root: Path) -> str:
    """The axe-core version the accessibility tests run (tests/a11y/package-lock.json)."""
    import json

    lock = root / "tests" / "a11y" / "package-lock.json"
    try:
        packages = json.loads(lock.read_text(encoding="utf-8"))["packages"]
        return str(packages["node_modules/axe-core"]["version"])
    except (OSError, ValueError, KeyError):
        return ""


def _contact(extra: dict) -> dict:
    """Contact details from mkdocs.yml ``extra`` (accessibility, then general, then briefing);
    an empty dict when none is configured. Never made up."""
    for holder in (extra.get("accessibility") or {}, extra, extra.get("briefing") or {}):
        contact = holder.get("contact") if isinstance(holder, dict) else None
        if isinstance(contact, dict) and contact:
            return contact
    return {}


def config(renderer) -> dict:
    """mkdocs.yml as plain data, read once per build."""
    if "_mkdocs_config" not in renderer.__dict__:
        from evidence.render import read_config

        renderer._mkdocs_config = read_config(renderer.project.root / "mkdocs.yml")
    return renderer._mkdocs_config
