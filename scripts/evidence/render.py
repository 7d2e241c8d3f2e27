"""Stage 5, render: analysis records, pages and results into a tree of plain Markdown and assets.

Everything MkDocs later reads is produced here, so the site engine needs no plugin: pages under
docs/ go through Jinja2 (``{{ result("name") }}``) and citations; each analysis becomes a page of
its Markdown cells, outputs (accessible tables with CSV downloads, charts) and folded code.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import posixpath
import shutil
import traceback
from pathlib import Path

from evidence import charts, models, present
from evidence.cite import Bibliography, reference_list, render_citations
from evidence.errors import EvidenceError
from evidence.pages import generated_pages
from evidence.project import Project, sha256_bytes

ASSETS = Path(__file__).parent / "assets"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SOURCE_COLUMNS = {"sources", "source"}
FIELD_SOURCE_COLUMNS = {"field sources", "field_sources"}  # "column=key; column=key"
SORTABLE_ROWS = 8


# ---- values ----------------------------------------------------------------------------------


def format_number(value, unit: str = "") -> str:
    """en-GB display: thousands separators, £ for GBP, percentages for shares."""
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
    if unit.startswith("GBP") and "prices" in unit:  # a modelled figure: round to its support
        value = models.round_money(value, unit)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"
    if unit.startswith("GBP"):
        sign = "-" if text.startswith("-") else ""
        return f"{sign}£{text.lstrip('-')}"
    return text


def unit_suffix(unit: str) -> str:
    """What follows a formatted number: 'GBP per week' -> 'per week'; 'share of beds' -> ''."""
    if not unit or unit.startswith("share") or unit == "percent":
        return ""
    if unit.startswith("GBP"):
        return unit[3:].strip()
    return unit


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


class Renderer:
    def __init__(self, project: Project, bib: Bibliography, records: dict, out_docs: Path):
        self.project = project
        self.bib = bib
        self.records = records  # analysis name -> record
        self.out = out_docs
        self.results = {}
        for name, record in sorted(records.items()):
            for rname, result in record["results"].items():
                if rname in self.results:
                    other = self.results[rname]["analysis"]
                    raise EvidenceError(
                        f"result {rname!r} is published by both {other} and analyses/{name}.py"
                    )
                self.results[rname] = {
                    **result,
                    "analysis": f"analyses/{name}.py",
                    "inputs": record["inputs"],
                }
        self.cited_on: dict[str, set[str]] = {}  # key -> pages citing it
        self.page_titles: dict[str, str] = {}
        self.directory_urls = _directory_urls(project.root / "mkdocs.yml")

    # ---- pieces ----------------------------------------------------------------------------

    def url(self, page: str) -> str:
        """Where MkDocs will publish a build file: 'x.md' -> 'x/', 'index.md' -> ''."""
        if not page.endswith(".md"):
            return page
        stem = page[: -len(".md")]
        if not self.directory_urls:
            return stem + ".html"
        if stem == "index" or stem.endswith("/index"):
            return stem[: -len("index")]
        return stem + "/"

    def link(self, page: str, target: str) -> str:
        """A relative URL from one page to another page or file, valid in raw HTML too."""
        here = self.url(page)
        base = here if here.endswith("/") or not here else posixpath.dirname(here)
        goal = self.url(target)
        rel = posixpath.relpath(goal or ".", base.rstrip("/") or ".")
        if goal.endswith("/") or not goal:
            rel = rel.rstrip("/") + "/"
            rel = "./" if rel == "./" or rel == "./." else rel
        return rel

    def cite(self, text: str, page: str, where: str, first_line: int = 1) -> tuple[str, list]:
        text, keys = render_citations(text, self.bib, where, first_line)
        for key in keys:
            self.cited_on.setdefault(key, set()).add(page)
        return text, keys

    def result_html(self, name: str, page: str) -> str:
        if name not in self.results:
            raise EvidenceError(f"no result named {name!r} (published results: see results.md)")
        r = self.results[name]
        shown = format_number(r["value"], r["unit"])
        suffix = "" if isinstance(r["value"], str) else unit_suffix(r["unit"])
        text = f"{shown} {suffix}".strip()
        href = self.link(page, "results.md") + f"#{anchor(name)}"
        title = html.escape(r["description"], quote=True)
        return (
            f'<a class="result" data-result="{html.escape(name, quote=True)}" href="{href}" '
            f'title="{title}">{html.escape(text)}</a>'
        )

    def table_html(self, output: dict, page: str, where: str, number: int) -> tuple[str, list]:
        units = output.get("units") or {}
        columns = output["columns"]
        caption = output.get("caption") or ""
        cited = []
        if not columns:  # nothing to tabulate: say so rather than show an empty grid
            return (
                f'<p class="evidence-empty">{html.escape(caption or "Table")}: no data.</p>',
                cited,
            )
        head = "".join(
            f'<th scope="col">{html.escape(c)}'
            + (f" ({html.escape(units[c])})" if units.get(c) else "")
            + "</th>"
            for c in columns
        )
        body = []
        row_ids = output.get("row_ids") or [None] * len(output["rows"])
        for row, row_id in zip(output["rows"], row_ids, strict=True):
            cells = []
            for column, value in zip(columns, row, strict=True):
                if column in SOURCE_COLUMNS and value:
                    keys = [k.strip().lstrip("@") for k in str(value).split(";") if k.strip()]
                    text, keys = self.cite(
                        "[" + "; ".join("@" + k for k in keys) + "]", page, where
                    )
                    cited += keys
                    cells.append(f"<td>{text}</td>")
                elif column in FIELD_SOURCE_COLUMNS and value:
                    parts = []
                    for pair in str(value).split(";"):
                        field, _, key = pair.partition("=")
                        text, keys = self.cite(f"[@{key.strip()}]", page, where)
                        cited += keys
                        parts.append(f"{html.escape(field.strip())}: {text}")
                    cells.append(f"<td>{'; '.join(parts)}</td>")
                elif isinstance(value, int | float) and not isinstance(value, bool):
                    shown = format_number(value, units.get(column, ""))
                    cells.append(
                        f'<td class="num" data-value="{value!r}">{html.escape(shown)}</td>'
                    )
                else:
                    cells.append(f"<td>{html.escape('' if value is None else str(value))}</td>")
            tr = f'<tr id="{html.escape(row_id, quote=True)}">' if row_id else "<tr>"
            body.append(tr + "".join(cells) + "</tr>")
        stem = Path(page).with_suffix("").as_posix().replace("/", "-")
        csv_name = f"downloads/{stem}-table-{number}.csv"
        (self.out / csv_name).parent.mkdir(parents=True, exist_ok=True)
        (self.out / csv_name).write_bytes(csv_bytes(columns, output["rows"]))
        cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
        # long tables get sort and filter controls (assets/tables.js)
        sortable = " data-sortable" if len(output["rows"]) > SORTABLE_ROWS else ""
        table = (
            f'<div class="evidence-table"><table{sortable}>{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>\n"
            f'<p class="evidence-download"><a href="{self.link(page, csv_name)}" download>'
            f"Download this table (CSV, {len(output['rows'])} rows)</a></p>"
        )
        return table, cited

    def chart_block(self, output: dict, page: str) -> str:
        spec = output["spec"]
        cid = charts.spec_id(spec)
        svg_name = f"assets/charts/{cid}.svg"
        spec_name = f"assets/charts/{cid}.vl.json"
        target = self.out / svg_name
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            target.write_text(charts.render_svg(spec), encoding="utf-8")
            (self.out / spec_name).write_text(
                json.dumps(spec, sort_keys=True, indent=1), encoding="utf-8"
            )
        description = output.get("description") or ""
        # the downloads (spec, SVG, data) are in the chart's Download tab (present.chart_section)
        return charts.chart_html(
            spec, description, self.link(page, svg_name), self.link(page, spec_name)
        )

    # ---- pages -------------------------------------------------------------------------------

    def jinja(self, text: str, page: str, where: str) -> str:
        import jinja2

        env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
        env.globals["result"] = lambda name: self.result_html(name, page)
        env.globals["value"] = lambda name: self._value(name)
        env.globals["site"] = present.site_facts(self)
        try:
            return env.from_string(text).render()
        except jinja2.TemplateSyntaxError as exc:
            raise EvidenceError(f"line {exc.lineno}: {exc.message}", where=where) from None
        except (EvidenceError, jinja2.UndefinedError) as exc:
            line = _template_line(exc)
            at = f"line {line}: " if line else ""
            raise EvidenceError(f"{at}{exc}", where=where) from None

    def _value(self, name: str):
        if name not in self.results:
            raise EvidenceError(f"no result named {name!r}")
        return self.results[name]["value"]

    def finish(self, page: str, body: str, keys: list[str]) -> str:
        if keys:
            refs = self.link(page, "references.md")
            body += "\n\n## References\n\n" + reference_list(keys, self.bib, refs)
        return body

    def analysis_page(self, name: str) -> tuple[str, str]:
        record = self.records[name]
        page = f"{name}.md"
        where = f"analyses/{name}.py"
        parts = [f"<!-- Generated from {where}; edit that file, not this page. -->"]
        cited: list[str] = []
        tables = 0
        for number, cell in enumerate(record["cells"], start=1):
            if cell["type"] == "markdown":
                text = self.jinja(cell["source"], page, where)
                text, keys = self.cite(text, page, where)
                cited += keys
                parts.append(text)
                continue
            for output in cell["outputs"]:
                kind = output["kind"]
                if kind == "table":
                    if not (output.get("caption") or "").strip():
                        raise EvidenceError(
                            f"cell {number}, line {cell['line']}: a table has no caption; give "
                            "it one with show(frame, caption=...)",
                            where=where,
                        )
                    tables += 1
                    block, keys = self.table_html(output, page, where, tables)
                    cited += keys
                    parts.append(block)
                elif kind == "chart":
                    block, keys = present.chart_section(self, output, page, where, cell, number)
                    cited += keys
                    parts.append(block)
                elif kind == "markdown":  # show("text") in an analysis: Markdown, cited
                    text, keys = self.cite(output["text"], page, where)
                    cited += keys
                    parts.append(text)
                else:
                    text = output["text"]
                    parts.append(f'<pre class="output">{html.escape(text.rstrip())}</pre>')
            source = cell["source"].strip()
            if source:
                parts.append(
                    f'<details class="code"><summary>Code: cell {number}, from line '
                    f"{cell['line']} of {where}</summary>\n\n```python\n{source}\n```\n\n</details>"
                )
        from evidence.notebook import chart_svg_reader, notebook_bytes

        # under the title: the analysis's source file, its executed notebook, its results
        first = 2 if record["cells"] and record["cells"][0]["type"] == "markdown" else 1
        parts.insert(first, present.analysis_links(self, name, page))
        (self.out / present.notebook_path(name)).parent.mkdir(parents=True, exist_ok=True)
        (self.out / present.notebook_path(name)).write_bytes(
            notebook_bytes(record, name, chart_svg_reader(self.out), self.results)
        )
        self.page_titles[page] = _title(record["cells"], name)
        return page, self.finish(page, "\n\n".join(parts) + "\n", cited)

    def doc_page(self, path: Path) -> tuple[str, str]:
        page = path.relative_to(self.project.docs_dir).as_posix()
        where = self.project.rel(path)
        text = path.read_text(encoding="utf-8")
        text = self.jinja(text, page, where)
        text, keys = self.cite(text, page, where)
        self.page_titles[page] = _title([{"type": "markdown", "source": text}], page)
        return page, self.finish(page, text, keys)

    def references_page(self) -> str:
        formatted = self.bib.formatted()
        lines = [
            "# References and supporting documents",
            "",
            "Every source the evidence base uses, in Harvard (Cite Them Right) style, with what "
            "it supports and the pages that cite it.",
            "",
            '<ul class="references">',
        ]
        for key in sorted(self.bib.entries, key=self.bib.sort_key):
            entry = self.bib.entries[key]
            note = html.escape(_plain_note(entry.note))
            pages = sorted(self.cited_on.get(key, []))
            back = ", ".join(
                f'<a href="{self.link("references.md", p)}">'
                f"{html.escape(self.page_titles.get(p, p))}</a>"
                for p in pages
            )
            lines.append(
                f'<li id="ref-{key}">{formatted[key]}'
                + (f"<br><small>Supports: {note}</small>" if note else "")
                + (f"<br><small>Cited on: {back}</small>" if back else "")
                + "</li>"
            )
        lines.append("</ul>")
        return "\n".join(lines) + "\n"

    def results_page(self) -> str:
        lines = [
            "# Results and their provenance",
            "",
            "Every named figure the analyses publish: its value, where it was computed, and the "
            "exact inputs it came from (SHA-256 of each table). The same data is in "
            "[results.json](results.json).",
            "",
        ]
        for name in sorted(self.results):
            r = self.results[name]
            analysis = Path(r["analysis"]).stem
            inputs = (
                "; ".join(f"`{t}` {v['sha256'][:12]}" for t, v in sorted(r["inputs"].items()))
                or "none"
            )
            shown = format_number(r["value"], r["unit"])
            lines += [
                f'<h2 id="{anchor(name)}"><code>{html.escape(name)}</code></h2>',
                "",
                f"- **Value:** {html.escape(shown)} ({html.escape(r['unit'])})",
                f"- **Meaning:** {html.escape(r['description'])}",
                f"- **Computed in:** [{r['analysis']}]({analysis}.md), cell {r['cell']} "
                f"(source: {present.source_link(self, r['analysis'])}; "
                f"[executed notebook]({present.notebook_path(analysis)}))",
                f"- **Inputs:** {inputs}",
                "",
            ]
        return "\n".join(lines)

    def data_guidance_page(self, package) -> tuple[str, list]:
        """The data guidance page, generated from datapackage.yaml, with each table's CSV."""
        page = "data.md"
        where = self.project.rel(package.descriptor_path)
        desc = package.descriptor
        lines = [
            "# Data guidance",
            "",
            html.escape(desc.get("title", "")),
            "",
            "Each table the analyses load, what its columns mean, their units and allowed values, "
            "its licence and sources. Empty cells mean the value is not known from any source we "
            "found; they are never zero.",
            "",
        ]
        licences = {lic["name"]: lic for lic in desc.get("licenses", [])}
        cited: list[str] = []
        for res in desc["resources"]:
            name = res["name"]
            data = package.read_bytes(name)
            rows = data.decode("utf-8-sig").count("\n") - 1
            target = f"data/{res['path']}"
            (self.out / target).parent.mkdir(parents=True, exist_ok=True)
            frame_rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
            (self.out / target).write_bytes(csv_bytes(frame_rows[0], frame_rows[1:]))
            lines += [
                f'<h2 id="table-{name}">{html.escape(res.get("title", name))} '
                f"(<code>{name}</code>)</h2>",
                "",
            ]
            if res.get("description"):
                lines += [html.escape(" ".join(res["description"].split())), ""]
            lic = [licences.get(x["name"], x) for x in res.get("licenses", [])]
            if lic:
                lines += [
                    "**Licence:** "
                    + "; ".join(html.escape(x.get("title", x["name"])) for x in lic),
                    "",
                ]
            if res.get("citations"):
                text, keys = self.cite(str(res["citations"]), page, where)
                cited += keys
                lines += [f"**Sources:** {text}", ""]
            if any(f.get("x-citation-keys") for f in res["schema"]["fields"]):
                lines += [
                    "**Sources:** each row cites its own, in the columns marked as citation keys.",
                    "",
                ]
            lines += [
                f'<p class="evidence-download"><a href="{self.link(page, target)}" download>'
                f"Download {html.escape(res['path'])} (CSV, {rows} rows)</a></p>",
                "",
                '<div class="evidence-table"><table><caption>Columns of '
                f"{html.escape(name)}</caption><thead><tr>"
                + "".join(
                    f'<th scope="col">{h}</th>'
                    for h in ("Column", "Type", "Unit", "Required", "Allowed values", "Meaning")
                )
                + "</tr></thead><tbody>",
            ]
            for f in res["schema"]["fields"]:
                cons = f.get("constraints", {})
                meaning = f.get("description", "")
                if f.get("x-citation-keys"):
                    meaning += " (citation keys from references/*.bib)"
                cells = [
                    f"<code>{html.escape(f['name'])}</code>",
                    html.escape(f.get("type", "string")),
                    html.escape(f.get("unit", "")),
                    "yes" if cons.get("required") else "",
                    html.escape(", ".join(map(str, cons.get("enum", [])))),
                    html.escape(meaning),
                ]
                lines.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
            lines += ["</tbody></table></div>", ""]
        self.page_titles[page] = "Data guidance"
        return page, self.finish(page, "\n".join(lines) + "\n", cited)

    def results_json(self) -> str:
        return json.dumps(self.results, sort_keys=True, indent=1) + "\n"

    # ---- the whole tree ------------------------------------------------------------------------

    def write(self, page: str, text: str) -> None:
        target = self.out / page
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def render_all(self, cache_dir: Path, package=None) -> None:
        charts.use_cache(cache_dir)
        self.package = package  # table titles and sources for the charts' Sources tabs
        docs = self.project.docs_dir
        for path in sorted(docs.rglob("*")):
            if path.is_dir():
                continue
            rel = path.relative_to(docs).as_posix()
            if rel.startswith("briefing/"):
                continue  # the briefing template and fidelity map: the briefing stage's inputs
            if path.suffix == ".md":
                page, text = self.doc_page(path)
                self.write(page, text)
            else:
                target = self.out / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
        for name in sorted(self.records):
            page, text = self.analysis_page(name)
            self.write(page, text)
            for page, text in generated_pages(self, name, self.records[name]):
                self.write(page, text)
        if package is not None:
            self.write(*self.data_guidance_page(package))
        self.write("references.md", self.references_page())
        self.write("results.md", self.results_page())
        self.write("results.json", self.results_json())
        for asset in ("charts.js", "tables.js", "evidence.css"):
            target = self.out / "assets" / asset
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ASSETS / asset, target)
        charts.write_bundle(self.out / "assets" / charts.BUNDLE_NAME, cache_dir)


def read_config(config: Path) -> dict:
    """mkdocs.yml as plain data (its !ENV and python tags read as empty)."""
    import yaml

    class _Loader(yaml.SafeLoader):
        pass

    _Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    return yaml.load(config.read_text(encoding="utf-8"), Loader=_Loader) or {}


def _directory_urls(config: Path) -> bool:
    return bool(read_config(config).get("use_directory_urls", True))


def anchor(name: str) -> str:
    return "r-" + name.replace(".", "-").replace("_", "-")


def _title(cells: list[dict], fallback: str) -> str:
    for cell in cells:
        if cell["type"] == "markdown":
            for line in cell["source"].splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def _plain_note(note: str) -> str:
    return note.replace("{", "").replace("}", "").replace("\\&", "&")


def _template_line(exc: BaseException) -> int | None:
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        if frame.f_code.co_filename == "<template>":
            return lineno
    return None


def content_hash(tree: Path) -> str:
    """A hash of every file under `tree` (names and bytes), for tests and provenance."""
    digest = []
    for root, _, files in sorted(os.walk(tree)):
        for f in sorted(files):
            p = Path(root) / f
            digest.append(p.relative_to(tree).as_posix() + ":" + sha256_bytes(p.read_bytes()))
    return sha256_bytes("\n".join(digest).encode())
