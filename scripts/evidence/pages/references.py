"""The References page: every source in Harvard style, what it supports, and every page that
cites it. Made after every other page, so "Cited on" is complete (briefing included)."""

from __future__ import annotations

import html

from evidence.context import BuildContext, Page

PAGE = "references.md"


def produce(ctx: BuildContext) -> Page:
    bib = ctx.bib
    formatted = bib.formatted()
    lines = [
        "# References and supporting documents",
        "",
        "Every source the evidence base uses, in Harvard (Cite Them Right) style, with what "
        "it supports and the pages that cite it.",
        "",
        '<ul class="references">',
    ]
    for key in sorted(bib.entries, key=bib.sort_key):
        note = html.escape(_plain_note(bib.entries[key].note))
        pages = sorted(ctx.ledger.cited_on.get(key, []))
        back = ", ".join(
            f'<a href="{ctx.link(PAGE, p)}">{html.escape(ctx.titles.get(p, p))}</a>' for p in pages
        )
        lines.append(
            f'<li id="ref-{key}">{formatted[key]}'
            + (f"<br><small>Supports: {note}</small>" if note else "")
            + (f"<br><small>Cited on: {back}</small>" if back else "")
            + "</li>"
        )
    lines.append("</ul>")
    return Page(PAGE, "\n".join(lines) + "\n", "References")


def _plain_note(note: str) -> str:
    return note.replace("{", "").replace("}", "").replace("\\&", "&")
