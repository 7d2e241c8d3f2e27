"""The briefing's tables and boxes: the key figures, the options appraisal and the risk register,
written in ``docs/briefing/decision.yaml`` (cells may name results, data rows and citations, as
paragraphs do) and rendered once, as HTML for the page and as plain cells for the Word document.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import yaml

from evidence.briefing.text import plain_text
from evidence.errors import EvidenceError

DECISION = "briefing/decision.yaml"
BLOCKS = ("key-figures", "options", "risks")


@dataclass
class Table:
    """A rendered table: a caption, column headings and cells (HTML, and the same as text)."""

    name: str
    caption: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)  # HTML cells
    note: str = ""

    def text_rows(self) -> list[list[str]]:
        return [[plain_text(c) for c in row] for row in self.rows]

    def html(self) -> str:
        head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in self.columns)
        body = []
        for row in self.rows:
            first, *rest = row
            cells = f'<th scope="row">{first}</th>' + "".join(f"<td>{c}</td>" for c in rest)
            body.append(f"<tr>{cells}</tr>")
        css = "briefing-key-figures" if self.name == "key-figures" else "briefing-table"
        out = (
            f'<div class="evidence-table {css}"><table><caption>{html.escape(self.caption)}'
            f"</caption><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
        )
        if self.note:
            out += f'\n<p class="briefing-table-note">{self.note}</p>'
        return out


def has_tables(project) -> bool:
    return (project.docs_dir / DECISION).is_file()


def read_decision(project) -> dict:
    path = project.docs_dir / DECISION
    where = project.rel(path)
    if not path.is_file():
        raise EvidenceError(f"the briefing needs its tables file {where}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise EvidenceError(
            f"line {mark.line + 1 if mark else '?'}: not valid YAML", where=where
        ) from None
    for name in BLOCKS:
        spec = data.get(name)
        if not isinstance(spec, dict) or not spec.get("columns") or not spec.get("rows"):
            raise EvidenceError(
                f"{name!r} must be a mapping with 'caption', 'columns' and 'rows'", where=where
            )
        for i, row in enumerate(spec["rows"], 1):
            if not isinstance(row, list) or len(row) != len(spec["columns"]):
                raise EvidenceError(
                    f"{name} row {i}: expected {len(spec['columns'])} cells "
                    f"({', '.join(spec['columns'])})",
                    where=where,
                )
    return data


def render_tables(b, render_cell) -> dict[str, Table]:
    """Every table of decision.yaml, each cell rendered by `render_cell(text, where)` (Jinja,
    then citations); the key figures' rows may carry a condition ("when") that hides them."""
    data = read_decision(b.project)
    where = b.project.rel(b.project.docs_dir / DECISION)
    out = {}
    for name in BLOCKS:
        spec = data[name]
        table = Table(name, str(spec.get("caption", "")), [str(c) for c in spec["columns"]])
        for row in spec["rows"]:
            cells = [render_cell(str(c), where) for c in row]
            if all(plain_text(c) for c in cells):  # a row whose figure is unknown is left out
                table.rows.append(cells)
        table.note = render_cell(str(spec.get("note", "")), where) if spec.get("note") else ""
        out[name] = table
    return out
