"""The Results page (every named figure with the analysis, cell and input hashes it came from)
and results.json (the same, for machines), from the complete set of results."""

from __future__ import annotations

import html
import json

from evidence.context import BuildContext, Page, notebook_path
from evidence.formatting import anchor, format_number

PAGE = "results.md"
JSON_NAME = "results.json"


def as_json(ctx: BuildContext) -> dict:
    return {name: r.as_json() for name, r in ctx.results.items()}


def produce(ctx: BuildContext) -> Page:
    lines = [
        "# Results and their provenance",
        "",
        "Every named figure the analyses publish: its value, where it was computed, and the "
        "exact inputs it came from (SHA-256 of each table). The same data is in "
        "[results.json](results.json).",
        "",
    ]
    for name in sorted(ctx.results):
        r = ctx.results[name]
        analysis = r.analysis[len("analyses/") : -len(".py")]
        inputs = (
            "; ".join(f"`{t}` {v['sha256'][:12]}" for t, v in sorted(r.inputs.items())) or "none"
        )
        shown = format_number(r.value, r.unit)
        lines += [
            f'<h2 id="{anchor(name)}"><code>{html.escape(name)}</code></h2>',
            "",
            f"- **Value:** {html.escape(shown)} ({html.escape(r.unit)})",
            f"- **Meaning:** {html.escape(r.description)}",
            f"- **Computed in:** [{r.analysis}]({analysis}.md), cell {r.cell} "
            f"(source: {ctx.source_link(r.analysis)}; "
            f"[executed notebook]({notebook_path(analysis)}))",
            f"- **Inputs:** {inputs}",
            "",
        ]
    data = json.dumps(as_json(ctx), sort_keys=True, indent=1) + "\n"
    return Page(PAGE, "\n".join(lines), "Results", {JSON_NAME: data.encode("utf-8")})
