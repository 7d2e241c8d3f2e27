"""The References page: every source in Harvard style, what it supports, and every page that
cites it. Made after every other page, so "Cited on" is complete (briefing included)."""

from __future__ import annotations

import html
from pathlib import Path

from evidence.context import BuildContext, Page

PAGE = "references.md"
GROUP_OVER = 5  # more citing pages than this in one folder are folded under one line
FOLDERS = {"authorities": "authority profiles", "arrangements": "arrangement pages"}
# Each .bib file's section on the page, in this order. The list is long (over 250 sources), so
# each section folds; the filter box searches them all and a link to #ref-KEY opens its section.
GROUPS = {
    "named-examples": "The councils named in the 2014 briefing",
    "east-midlands": "Nottinghamshire, Nottingham and the East Midlands",
    "arrangements-2015-2026": "Other councils' arrangements",
    "arrangements-2026-coops": "Other councils' arrangements",
    "arrangements-2026-partnerships": "Other councils' arrangements",
    "further-examples": "Other councils' arrangements",
    "policy-2026": "National policy and reform since 2014",
    "market": "The national market: places, prices and providers",
    "official-data": "Official statistics and methods",
    "methods": "Official statistics and methods",
}


def produce(ctx: BuildContext) -> Page:
    bib = ctx.bib
    formatted = bib.formatted()
    lines = [
        "# References and supporting documents",
        "",
        "Every source the evidence base uses, in Harvard (Cite Them Right) style, with what "
        "it supports and the pages that cite it, in sections by subject. Open a section, or "
        "type in the box to show, across every section, only the sources whose entry contains "
        "that text (an author, a year, a page); open an entry for what it supports and the "
        "pages that cite it.",
        "",
        '<div class="references" data-filter>',
    ]
    groups: dict[str, list[str]] = {}
    for key in sorted(bib.entries, key=bib.sort_key):
        groups.setdefault(_group(bib.entries[key].file), []).append(key)
    for title in sorted(groups, key=_group_order):
        keys = groups[title]
        lines.append(
            f'<details class="reference-group" open><summary>{html.escape(title)} '
            f"({len(keys)} source{'s' if len(keys) != 1 else ''})</summary>"
            '<ul class="references">'
        )
        lines += [_entry(ctx, key, formatted[key]) for key in keys]
        lines.append("</ul></details>")
    lines.append("</div>")
    return Page(PAGE, "\n".join(lines) + "\n", "References")


def _entry(ctx: BuildContext, key: str, formatted: str) -> str:
    note = html.escape(_plain_note(ctx.bib.entries[key].note))
    pages = sorted(ctx.ledger.cited_on.get(key, []))
    more = [f"<small>Supports: {note}</small>"] if note else []
    if pages:
        more.append(f"<small>Cited on: {_cited_on(ctx, pages)}</small>")
    count = f"cited on {len(pages)} page{'s' if len(pages) != 1 else ''}"
    summary = ("What it supports; " if note else "") + count
    folded = f"<details><summary>{summary}</summary>{'<br>'.join(more)}</details>"
    return f'<li id="ref-{key}">{formatted}{folded if more else ""}</li>'


def _group(path) -> str:
    """The section a .bib file's sources are listed under (a new file: its name, in words)."""
    stem = Path(path).stem
    return GROUPS.get(stem, stem.replace("-", " ").replace("_", " ").capitalize())


def _group_order(title: str) -> tuple[int, str]:
    order = list(dict.fromkeys(GROUPS.values()))
    return (order.index(title) if title in order else len(order), title)


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
