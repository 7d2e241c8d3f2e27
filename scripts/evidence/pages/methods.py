"""The Methods page: how the site is built (or the project's own docs/methods.md, already
rendered), then this build's provenance in readable form, with provenance.json beside it."""

from __future__ import annotations

import html
from pathlib import Path

from evidence import provenance
from evidence.context import BuildContext, Page
from evidence.formatting import anchor, format_number
from evidence.provenance import JSON_NAME

PAGE = "methods.md"


def produce(ctx: BuildContext, results: dict, own: Page | None) -> Page:
    """The Methods page; `own` is docs/methods.md as the docs producer rendered it, if any."""
    record = provenance.collect(ctx.project, ctx.package, results, ctx.facts.epoch)
    text = methods_page(ctx, record, own.text if own else None)
    title = own.title if own else "Methods"
    files = {**(own.files if own else {}), JSON_NAME: provenance.to_json(record).encode("utf-8")}
    return ctx.add(Page(PAGE, text, title, files))


HOW_IT_WORKS = """\
# Methods: how this site is built

Every page, table, chart and figure on this site is produced by one command, `evidence build`,
from files kept in git. Nothing is typed into a page by hand that a data file or an analysis
could supply, and the same inputs always give the same site, byte for byte.

1. **Data are checked.** Each table in `analyses/data/` is validated against its schema in
   `datapackage.yaml` (types, allowed values, ranges, unique identifiers, start before end).
   A bad row stops the build with a message naming the file, row and column.
2. **Sources are checked.** Every source is an entry in `references/*.bib`; every citation on a
   page, in an analysis or in a table must name one of them, or the build stops.
3. **Analyses run.** Each analysis in `analyses/` runs as plain Python in a fresh process. It
   reads tables only by name, so the build knows exactly which data each figure depends on, and
   it publishes each figure under a stable name with its unit. An analysis whose script, input
   tables and locked dependencies are unchanged is not run again; its earlier output is reused.
   Any error, or an analysis that runs too long, stops the build.
4. **Pages are rendered.** Figures are inserted into pages by name, citations become Harvard
   references, and every table gets a CSV download (cells a spreadsheet would treat as formulas
   are neutralised).
5. **The site is built** with MkDocs into a temporary folder that replaces the previous site
   only when every step has succeeded: a failed or interrupted build leaves the old site as it
   was. Dates come from the last commit, never the clock.

**Checking a build.** `evidence verify` runs every analysis again without the cache and
compares each figure with the published [results.json](results.json), reporting each as
reproduced or different. [provenance.json](provenance.json) records everything below in
machine-readable form.
"""


def _short(digest: str) -> str:
    return f"<code>{html.escape(digest[:12])}</code>" if digest else ""


def _table(caption: str, headers: list[str], rows: list[list[str]]) -> list[str]:
    head = "".join(f'<th scope="col">{h}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return [
        f'<div class="evidence-table"><table><caption>{html.escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>",
        "",
    ]


def methods_page(ctx: BuildContext, record: dict, intro: str | None = None) -> str:
    """The Methods page: how the build works (or the project's own docs/methods.md), then this
    build's provenance in readable form."""
    esc = html.escape
    lines = [(intro or HOW_IT_WORKS).rstrip(), ""]
    commit = record["commit"]
    match = record.get("inputs_match_commit")
    state = {True: "the inputs are as committed", False: "some inputs differ from the commit"}
    lines += ['<h2 id="this-build">This build</h2>', ""]
    lines += [
        f"- **Commit:** <code>{esc(commit)}</code>"
        + (f" ({state[match]})" if match in state else ""),
        f"- **Date used for the site:** {esc(record['source_date'][:10])} "
        "(the last commit's date; never the time of building)",
        f"- **Dependency lock:** <code>{esc(record['lock']['file'])}</code>, SHA-256 "
        f"{_short(record['lock']['sha256'])}",
        f"- **Data directory:** <code>{esc(record['data_dir'])}</code>",
        f'- **Machine-readable:** <a href="{ctx.link(PAGE, JSON_NAME)}">provenance.json</a>',
        "",
    ]
    lines += ['<h2 id="tools">Tools</h2>', ""]
    lines += _table(
        "Versions of the tools that produced this build",
        ["Tool", "Version"],
        [[f"<code>{esc(k)}</code>", esc(v)] for k, v in sorted(record["tools"].items())],
    )
    lines += ['<h2 id="inputs">Input files</h2>', ""]
    lines += [
        f"The {len(record['inputs'])} files this build read, each with the first 12 characters "
        "of its SHA-256 hash (the full hashes are in provenance.json).",
        "",
    ]
    lines += _table(
        "Input files and their hashes",
        ["File", "SHA-256"],
        [[f"<code>{esc(k)}</code>", _short(v)] for k, v in sorted(record["inputs"].items())],
    )
    lines += ['<h2 id="results">Results and what they came from</h2>', ""]
    rows = []
    for name, r in sorted(record["results"].items()):
        stem = Path(r["analysis"]).stem
        page = f"{stem}.md"
        analysis = (
            f'<a href="{ctx.link(PAGE, page)}">{esc(r["analysis"])}</a>'
            if stem in ctx.records
            else esc(r["analysis"])
        )
        tables = ", ".join(
            f"<code>{esc(t)}</code> {_short(v['sha256'])}" for t, v in sorted(r["inputs"].items())
        )
        href = ctx.link(PAGE, "results.md") + f"#{anchor(name)}"
        rows.append(
            [
                f'<a href="{href}"><code>{esc(name)}</code></a>',
                esc(format_number(r["value"], r["unit"])),
                esc(r["unit"]),
                f"{analysis}, cell {r['cell']}",
                tables or "none",
            ]
        )
    lines += _table(
        "Every published result with its analysis, cell and input tables",
        ["Result", "Value", "Unit", "Computed in", "Input tables (SHA-256)"],
        rows,
    )
    return "\n".join(lines)
