"""The page of one analysis: its Markdown cells, its outputs (through ``outputs``), its code
folded under each cell, a line linking its source, notebook and results, and its notebook."""

from __future__ import annotations

from evidence.charts import spec_id
from evidence.context import BuildContext, Page, notebook_path
from evidence.notebook import notebook_bytes
from evidence.outputs import PageOutputs
from evidence.record import Origin


def produce(ctx: BuildContext, name: str) -> Page:
    record = ctx.records[name]
    page = f"{name}.md"
    where = record.where
    parts = [f"<!-- Generated from {where}; edit that file, not this page. -->"]
    shown = PageOutputs(ctx, page, name)
    title = name
    for number, cell in enumerate(record.cells, start=1):
        if cell.kind == "markdown":
            text = ctx.jinja(cell.source, page, where)
            text, keys = ctx.cite(text, page, where)
            shown.cited += keys
            parts.append(text)
            if title == name:
                title = _heading(cell.source) or name
            continue
        origin = Origin(where, number, cell.line)
        parts += [shown.render(output, origin) for output in cell.outputs]
        source = cell.source.strip()
        if source:
            parts.append(
                f'<details class="code"><summary>Code: cell {number}, from line '
                f"{cell.line} of {where}</summary>\n\n```python\n{source}\n```\n\n</details>"
            )
    # under the title: the analysis's source file, its executed notebook, its results
    first = 2 if record.cells and record.cells[0].kind == "markdown" else 1
    parts.insert(first, links(ctx, name, page))

    # the notebook's charts carry their SVGs: made when the build is written, so this page does
    # not wait for charts still drawing (see charts.Drawings)
    def notebook():
        return notebook_bytes(record, lambda spec: ctx.svgs.get(spec_id(spec)), ctx.results)

    files = {**shown.files, notebook_path(name): notebook}
    text = ctx.finish(page, "\n\n".join(parts) + "\n", shown.cited)
    if shown.compact_tables:  # a compact table takes the whole width: the contents list goes
        text = "---\nhide:\n  - toc\n---\n\n" + text
    return ctx.add(Page(page, text, title, files))


def links(ctx: BuildContext, name: str, page: str) -> str:
    """The line under an analysis page's title: its source, its notebook, its results."""
    return (
        '<p class="evidence-source">Made by '
        + ctx.source_link(f"analyses/{name}.py")
        + " (the analysis, in the repository) · "
        + f'<a href="{ctx.link(page, notebook_path(name))}" download>'
        "download it as an executed notebook (.ipynb)</a> · "
        + f'<a href="{ctx.link(page, "results.md")}">every result and its provenance</a>'
        + "</p>"
    )


def _heading(source: str) -> str | None:
    for line in source.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return None
