"""The References page: every source in Harvard style, what it supports, and every page that
cites it. Made after every other page, so "Cited on" is complete (briefing included)."""

from __future__ import annotations

import html

from evidence.context import BuildContext, Page

PAGE = "references.md"
GROUP_OVER = 5  # more citing pages than this in one folder are folded under one line
FOLDERS = {"authorities": "authority profiles", "arrangements": "arrangement pages"}


def produce(ctx: BuildContext) -> Page:
    bib = ctx.bib
    formatted = bib.formatted()
    lines = [
        "# References and supporting documents",
        "",
        "Every source the evidence base uses, in Harvard (Cite Them Right) style, with what "
        "it supports and the pages that cite it. Type in the box to show only the sources "
        "whose entry contains that text (an author, a year, a page); open an entry for what it "
        "supports and the pages that cite it.",
        "",
        '<ul class="references" data-filter>',
    ]
    for key in sorted(bib.entries, key=bib.sort_key):
        note = html.escape(_plain_note(bib.entries[key].note))
        pages = sorted(ctx.ledger.cited_on.get(key, []))
        more = [f"<small>Supports: {note}</small>"] if note else []
        if pages:
            more.append(f"<small>Cited on: {_cited_on(ctx, pages)}</small>")
        count = f"cited on {len(pages)} page{'s' if len(pages) != 1 else ''}"
        summary = ("What it supports; " if note else "") + count
        folded = f"<details><summary>{summary}</summary>{'<br>'.join(more)}</details>"
        lines.append(f'<li id="ref-{key}">{formatted[key]}{folded if more else ""}</li>')
    lines.append("</ul>")
    return Page(PAGE, "\n".join(lines) + "\n", "References")


def _cited_on(ctx: BuildContext, pages: list[str]) -> str:
    """Links to the citing pages; a folder's many generated pages are grouped and counted."""
    folders: dict[str, list[str]] = {}
    for page in pages:
        folder = page.rsplit("/", 1)[0] if "/" in page else ""
        folders.setdefault(folder, []).append(page)

    def links(group):
        return ", ".join(
            f'<a href="{ctx.link(PAGE, p)}">{html.escape(ctx.titles.get(p, p))}</a>' for p in group
        )

    parts, grouped = [], []
    for folder, group in folders.items():
        if folder and len(group) > GROUP_OVER:
            name = FOLDERS.get(folder, f"pages in {folder}/")
            grouped.append(f"{len(group)} {name}: {links(group)}")
        else:
            parts.append(links(group))
    return "; ".join([", ".join(p for p in parts if p)] + grouped).strip("; ")


def _plain_note(note: str) -> str:
    return note.replace("{", "").replace("}", "").replace("\\&", "&")
