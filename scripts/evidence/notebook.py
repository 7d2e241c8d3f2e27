"""An analysis as an executed Jupyter notebook (.ipynb with its outputs), for analysts who want to
open it in Jupyter: written with nbformat from the build's record, with fixed cell ids and sorted
keys, so the same record always gives the same bytes."""

from __future__ import annotations

import html
import re

import nbformat
from nbformat import v4

from evidence.formatting import format_number, shown_with_unit
from evidence.record import AnalysisRecord, Cell, Chart, Table, Text

RESULT = re.compile(r"""\{\{\s*result\(\s*["']([^"']+)["']\s*\)\s*\}\}""")


def _with_results(text: str, results: dict) -> str:
    """Markdown with each {{ result("name") }} replaced by its value, as on the page."""

    def value(match):
        r = results.get(match.group(1))
        return match.group(0) if r is None else shown_with_unit(r.value, r.unit)

    return RESULT.sub(value, text)


def _table_html(output: Table) -> str:
    units = output.units
    head = "".join(f"<th>{html.escape(c)}</th>" for c in output.columns)
    rows = []
    for row in output.rows:
        cells = []
        for column, value in zip(output.columns, row, strict=True):
            shown = "" if value is None else format_number(value, units.get(column, ""))
            cells.append(f"<td>{html.escape(str(shown))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    caption = output.caption
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _outputs(cell: Cell, count: int, svg_for) -> list:
    outputs = []
    for output in cell.outputs:
        if isinstance(output, Text) and output.stream:
            outputs.append(v4.new_output("stream", name="stdout", text=output.text))
        elif isinstance(output, Table):
            text = (output.caption or "table") + f" ({len(output.rows)} rows)"
            outputs.append(
                v4.new_output(
                    "display_data", data={"text/html": _table_html(output), "text/plain": text}
                )
            )
        elif isinstance(output, Chart):
            spec = output.spec
            schema = str(spec.get("$schema", ""))
            major = schema.rsplit("/v", 1)[-1].split(".")[0] if "/v" in schema else "5"
            data = {
                f"application/vnd.vegalite.v{major}+json": spec,
                "text/plain": output.description or "chart",
            }
            svg = svg_for(spec)
            if svg:
                data["image/svg+xml"] = svg
            outputs.append(v4.new_output("display_data", data=data))
        else:
            outputs.append(
                v4.new_output(
                    "execute_result", data={"text/plain": output.text}, execution_count=count
                )
            )
    return outputs


def notebook_bytes(record: AnalysisRecord, svg_for=None, results: dict | None = None) -> bytes:
    """The executed notebook for one analysis record; `svg_for(spec)` gives a chart's SVG and
    `results` (name -> record.Result) the figures that replace {{ result("name") }} in text."""
    svg_for = svg_for or (lambda spec: None)
    nb = v4.new_notebook()
    nb.nbformat, nb.nbformat_minor = 4, 5
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "jupytext": {"formats": "ipynb,py:percent", "source": record.where},
    }
    count = 0
    for index, cell in enumerate(record.cells, start=1):
        if cell.kind == "markdown":
            text = _with_results(cell.source, results or {})
            nb.cells.append(v4.new_markdown_cell(text, id=f"cell-{index}"))
            continue
        count += 1
        code = v4.new_code_cell(cell.source, id=f"cell-{index}", execution_count=count)
        code.outputs = _outputs(cell, count, svg_for)
        nb.cells.append(code)
    nbformat.validate(nb)
    return (nbformat.writes(nb) + "\n").encode("utf-8")
