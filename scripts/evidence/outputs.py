"""One output renderer for every page that shows an analysis's outputs: the analysis's own page
and the pages it makes with ``page(...)``. A table needs a caption and a chart a text
description (or the build stops naming the file, cell and line); a table gets a CSV download and,
when long, sort and filter controls; a chart sits in Chart | Table | Sources | Download tabs."""

from __future__ import annotations

import html
import json

from evidence import charts
from evidence.context import BuildContext, notebook_path, page_stem
from evidence.errors import EvidenceError
from evidence.formatting import (
    column_decimals,
    csv_bytes,
    format_number,
    format_year,
    is_year_column,
)
from evidence.present import calculations, chart_datasets, data_table, plain, sliders, tab_set
from evidence.record import Chart, Markdown, Origin, Table, Text

SOURCE_COLUMNS = {"sources", "source"}
FIELD_SOURCE_COLUMNS = {"field sources", "field_sources"}  # "column=key; column=key"
SORTABLE_ROWS = 8
PAGED_ROWS = 15  # longer tables show this many rows at a time (assets/tables.js); all print


class PageOutputs:
    """Renders the outputs of one page in order; collects the keys it cites and the files
    (CSV, SVG, chart specs) it brings."""

    def __init__(self, ctx: BuildContext, page: str, analysis: str, on: str = ""):
        self.ctx = ctx
        self.page = page
        self.analysis = analysis  # the analysis's name, whose inputs a chart's Sources list
        self.on = on  # " on page x/y" in errors about a generated page
        self.cited: list[str] = []
        self.files: dict[str, bytes] = {}
        self._tables = 0
        self.compact_tables = 0  # tables shown as cards on narrow screens (the page hides its toc)
        self._chart_ids: list[str] = []

    def render(self, output, origin: Origin) -> str:
        if isinstance(output, Table):
            if not output.caption.strip():
                raise EvidenceError(
                    f"cell {origin.cell}, line {origin.line}: a table{self.on} has no caption; "
                    "give it one with show(frame, caption=...)",
                    where=origin.where,
                )
            self._tables += 1
            return self.table(output, origin.where, self._tables)
        if isinstance(output, Chart):
            return self.chart(output, origin)
        if isinstance(output, Markdown):  # show("text"): Markdown, cited
            text, keys = self.ctx.cite(output.text, self.page, origin.where)
            self.cited += keys
            return text
        assert isinstance(output, Text)
        return f'<pre class="output">{html.escape(output.text.rstrip())}</pre>'

    # ---- tables ----

    def _cite(self, text: str, where: str) -> str:
        text, keys = self.ctx.cite(text, self.page, where)
        self.cited += keys
        return text

    def table(self, output: Table, where: str, number) -> str:
        columns, units, caption = output.columns, output.units, output.caption
        if not columns:  # nothing to tabulate: say so rather than show an empty grid
            return f'<p class="evidence-empty">{html.escape(caption or "Table")}: no data.</p>'
        notes = output.notes  # a note column is a line under another column's text
        head = "".join(
            f'<th scope="col">{html.escape(c)}'
            + (f" ({html.escape(units[c])})" if units.get(c) and units[c] != "year" else "")
            + "</th>"
            for c in columns
            if c not in notes
        )
        years = {
            c
            for i, c in enumerate(columns)
            if is_year_column(c, [r[i] for r in output.rows], units.get(c, ""))
        }
        decimals = {
            c: column_decimals([r[i] for r in output.rows])
            for i, c in enumerate(columns)
            if not units.get(c, "").startswith("GBP")  # money: whole pounds or pence
        }
        body = []
        row_ids = output.row_ids or [None] * len(output.rows)
        for index, (row, row_id) in enumerate(zip(output.rows, row_ids, strict=True)):
            cells = []
            under = {notes[c]: (c, v) for c, v in zip(columns, row, strict=True) if c in notes}
            for column, value in zip(columns, row, strict=True):
                if column in notes:
                    continue
                label = f' data-label="{html.escape(column, quote=True)}"' if output.cards else ""
                target = (output.links.get(column) or [""] * len(output.rows))[index]
                if column in SOURCE_COLUMNS and value:
                    keys = [k.strip().lstrip("@") for k in str(value).split(";") if k.strip()]
                    text = self._cite("[" + "; ".join("@" + k for k in keys) + "]", where)
                    cells.append(f"<td{label}>{text}</td>")
                elif column in FIELD_SOURCE_COLUMNS and value:
                    parts = []
                    for pair in str(value).split(";"):
                        field, _, key = pair.partition("=")
                        text = self._cite(f"[@{key.strip()}]", where)
                        parts.append(f"{html.escape(field.strip())}: {text}")
                    cells.append(f"<td{label}>{'; '.join(parts)}</td>")
                elif isinstance(value, int | float) and not isinstance(value, bool):
                    shown = (
                        format_year(value)
                        if column in years
                        else format_number(value, units.get(column, ""), decimals.get(column))
                    )
                    cells.append(
                        f'<td class="num"{label} data-value="{value!r}">{html.escape(shown)}</td>'
                    )
                else:
                    text = html.escape("" if value is None else str(value))
                    if target and text:
                        text = f'<a href="{self.ctx.link(self.page, target)}">{text}</a>'
                    cells.append(f"<td{label}>{text}</td>")
                note, said = under.get(column, ("", None))
                if said not in (None, ""):
                    cells[-1] = (
                        cells[-1][: -len("</td>")] + '<span class="evidence-cell-note">'
                        f"{html.escape(note)}: {html.escape(str(said))}</span></td>"
                    )
            tr = f'<tr id="{html.escape(row_id, quote=True)}">' if row_id else "<tr>"
            body.append(tr + "".join(cells) + "</tr>")
        csv_name = f"downloads/{page_stem(self.page)}-table-{number}.csv"
        self.files[csv_name] = csv_bytes(columns, output.rows)
        cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
        # long tables get sort and filter controls (assets/tables.js)
        sortable = " data-sortable" if len(output.rows) > SORTABLE_ROWS else ""
        if len(output.rows) > PAGED_ROWS:
            sortable += f' data-page-size="{PAGED_ROWS}"'
        box = "evidence-table evidence-cards-table" if output.cards else "evidence-table"
        self.compact_tables += output.cards
        return (
            f'<div class="{box}"><table{sortable}>{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>\n"
            f'<p class="evidence-download"><a href="{self.ctx.link(self.page, csv_name)}" '
            f"download>Download this table (CSV, {len(output.rows)} rows)</a></p>"
        )

    # ---- charts ----

    def figure(self, spec: dict, description: str) -> str:
        """The chart itself (SVG fallback upgraded in place by the shipped script)."""
        cid = charts.spec_id(spec)
        svg_name = f"assets/charts/{cid}.svg"
        spec_name = f"assets/charts/{cid}.vl.json"
        svgs = self.ctx.svgs
        # the file's bytes are taken when the build is written, so a chart still drawing does
        # not hold up the pages after this one (see charts.Drawings)
        self.files[svg_name] = lambda: svgs.svg(spec).encode("utf-8")
        self.files[spec_name] = json.dumps(spec, sort_keys=True, indent=1).encode("utf-8")
        link = self.ctx.link
        return charts.chart_html(
            spec, description, link(self.page, svg_name), link(self.page, spec_name)
        )

    def chart(self, output: Chart, origin: Origin) -> str:
        """A chart with its Table, Sources and Download tabs."""
        spec, page, link = output.spec, self.page, self.ctx.link
        description = (output.description or spec.get("description") or "").strip()
        if not description:
            raise EvidenceError(
                f"cell {origin.cell}, line {origin.line}: a chart{self.on} has no text "
                "description; give it one with show(chart, description=...) or "
                "chart.properties(description=...)",
                where=origin.where,
            )
        cid = charts.spec_id(spec)
        seen = self._chart_ids
        set_id = cid if cid not in seen else f"{cid}-{seen.count(cid) + 1}"
        seen.append(cid)
        figure = self.figure(spec, description)

        # Table: the values the chart draws, each as an accessible table with its CSV
        tables, downloads = [], []
        datasets = chart_datasets(spec)
        title = spec.get("title")
        title = title.get("text") if isinstance(title, dict) else title
        for index, (_, rows) in enumerate(datasets, start=1):
            table = data_table(spec, rows)
            label = f"Data shown in the chart{f': {title}' if isinstance(title, str) else ''}"
            table = Table(
                table["columns"],
                table["rows"],
                label + (f" (part {index})" if len(datasets) > 1 else ""),
            )
            tag = f"{set_id}-data" + (f"-{index}" if len(datasets) > 1 else "")
            tables.append(self.table(table, origin.where, tag))
            csv_href = link(page, f"downloads/{page_stem(page)}-table-{tag}.csv")
            part = f" (part {index})" if len(datasets) > 1 else ""
            downloads.append(
                f'<li><a href="{csv_href}" download>Data shown in the chart{part} '
                f"(CSV, {len(rows)} rows)</a></li>"
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
                f"<li>{html.escape(label)}: starts at {html.escape(plain(value))}</li>"
                for label, value in controls
            )
            tables.append(f"<p>Sliders and their starting values:</p><ul>{listed}</ul>")
        if not tables:
            tables.append("<p>This chart draws no tabulated data.</p>")

        # Download: data, specification, image, notebook
        downloads += [
            f'<li><a href="{link(page, f"assets/charts/{cid}.vl.json")}" download>'
            "Chart specification (Vega-Lite JSON)</a></li>",
            f'<li><a href="{link(page, f"assets/charts/{cid}.svg")}" download>'
            "Chart image (SVG)</a></li>",
            f'<li><a href="{link(page, notebook_path(self.analysis))}" download>'
            "The whole analysis as an executed notebook (.ipynb)</a></li>",
        ]
        return tab_set(
            set_id,
            [
                ("Chart", figure),
                ("Table", "\n".join(tables)),
                ("Sources", self.sources(origin)),
                ("Download", f'<ul class="evidence-downloads">{"".join(downloads)}</ul>'),
            ],
        )

    def sources(self, origin: Origin) -> str:
        """Where a chart's numbers come from: analysis, cell, tables (with their hashes and
        sources) and the results page."""
        ctx, page = self.ctx, self.page
        record = ctx.records.get(self.analysis)
        parts = [
            f"<p>Drawn by cell {origin.cell} of {ctx.source_link(origin.where, origin.line)} "
            f"(line {origin.line}), which runs on the data below; "
            f'every figure it publishes is on the <a href="{ctx.link(page, "results.md")}">'
            "results page</a> with its provenance.</p>"
        ]
        items = []
        for table, info in sorted((record.inputs if record else {}).items()):
            res = {}
            if ctx.package is not None:
                try:
                    res = ctx.package.resource(table)
                except EvidenceError:
                    res = {}
            href = ctx.link(page, "data.md") + f"#table-{table}"
            title = html.escape(res.get("title", table))
            text = (
                f'<li><a href="{href}">{title}</a> (<code>{html.escape(table)}</code>, '
                f"SHA-256 <code>{info['sha256'][:12]}</code>)"
            )
            if res.get("citations"):
                text += f": {self._cite(str(res['citations']), origin.where)}"
            if any(f.get("x-citation-keys") for f in res.get("schema", {}).get("fields", [])):
                text += "; each row cites its own sources"
            items.append(text + "</li>")
        if items:
            parts.append(f"<p>Data tables read by this analysis:</p><ul>{''.join(items)}</ul>")
        return "\n".join(parts)
