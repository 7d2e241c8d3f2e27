"""The briefing's producer: the members' briefing regenerated from results and data.

The template (``docs/briefing/briefing.md``) is Markdown with a YAML front matter and two small
additions, so it reads like the briefing it produces:

* ``## Heading`` starts a section;
* a line starting ``{#key}`` starts a numbered paragraph (numbers follow the order of the
  template; the key is a stable name for the paragraph, used by the fidelity map and by the
  what-changed page); it runs to the next blank line;
* ``{{ result("name") }}`` inserts a published result, linked to its provenance;
  ``{{ arrangement("id") }}`` is one row of the arrangements table (``.name``, ``.start_year``,
  … and ``.link``); ``{{ arrangements(model="block", grade="primary", since=2015) }}`` a list
  of rows;
  ``{{ authority("E10000024") }}`` an authority's name; ``{{ names(items) }}`` joins names as
  "A, B and C"; ``{{ count(items) }}`` is a count linked to the comparison table;
* ``[@key]`` cites a source from references/*.bib, as on every page; Jinja statements work as
  usual, and a comment is written ``{## … ##}`` (``{#`` starts a paragraph here).

From it come: the briefing page (``briefing/``), a Word document (``briefing/briefing.docx``, the
same bytes for the same inputs), the fidelity map against the 2014 paragraphs
(``docs/briefing/fidelity.yaml`` → ``briefing/fidelity/``), and the what-changed page
(``briefing/changes/``) comparing this build with the previous one.

Beside the paragraphs, ``docs/briefing/decision.yaml`` holds the key figures, the options
appraisal and the risk register (``tables``), placed with ``{{ block("options") }}``; charts
come from ``figures``, the authority's own figures from ``local``. ``briefing_for(ctx, code)``
renders the same template for any authority (``evidence build --briefing-for``).

Modules: ``template`` (reading and rendering the template), ``local`` (one authority's figures),
``tables`` (key figures, options, risks), ``figures`` (charts), ``pages`` (briefing and fidelity
pages), ``changes`` (what changed), ``word`` (the Word document), ``text`` (plain text).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from evidence.briefing.changes import build_state, changes_page, summarise_changes
from evidence.briefing.figures import homes_chart, saving_chart
from evidence.briefing.local import resolve_authority
from evidence.briefing.pages import briefing_page, fidelity_page
from evidence.briefing.tables import has_tables, render_tables
from evidence.briefing.template import (
    DOCX,
    STATE,
    Briefing,
    has_briefing,
    split_front_matter,
    template_path,
)
from evidence.briefing.text import plain_text, sentences
from evidence.briefing.word import docx_bytes
from evidence.cite import check_keys
from evidence.context import BuildContext, Page

__all__ = [
    "Briefed",
    "briefing_for",
    "check_template",
    "resolve_authority",
    "has_briefing",
    "plain_text",
    "produce",
    "sentences",
]


@dataclass
class Briefed:
    """What the briefing stage gives the writer: its pages (the Word document travels with the
    briefing page), the state the next build compares itself with, and a one-line summary."""

    pages: list[Page] = field(default_factory=list)
    state: bytes = b""
    summary: str | None = None


def blocks_for(b: Briefing) -> dict:
    """The tables and charts the template places with {{ block("name") }}."""
    out: dict = dict(render_tables(b, b.render_cell)) if has_tables(b.project) else {}
    out["chart-homes"] = homes_chart(b.local) if b.has_authorities else None
    out["chart-saving"] = saving_chart(b.ctx.results)
    return out


def briefing_for(ctx: BuildContext, code: str) -> Page:
    """The briefing page and Word document for one authority, by ONS code."""
    b = Briefing(ctx, code)
    meta, paragraphs = b.render()
    blocks = blocks_for(b)
    page = briefing_page(b, meta, paragraphs, blocks)
    page.files[b.docx] = docx_bytes(b, meta, paragraphs, blocks)
    return page


def produce(ctx: BuildContext, previous_build: Path) -> Briefed:
    """The briefing, fidelity and what-changed pages and the Word document."""
    b = Briefing(ctx)
    meta, paragraphs = b.render()
    blocks = blocks_for(b)
    page = briefing_page(b, meta, paragraphs, blocks)
    page.files[DOCX] = docx_bytes(b, meta, paragraphs, blocks)
    fidelity = fidelity_page(b, paragraphs)

    state = build_state(b, paragraphs)
    old_state_path = previous_build / STATE
    old = (
        json.loads(old_state_path.read_text(encoding="utf-8")) if old_state_path.is_file() else None
    )
    # A rebuild that changes nothing keeps the comparison it had, as a release note would.
    if old is not None and old.get("current") == state:
        baseline, label = old.get("baseline"), old.get("baseline_label", "the previous build")
    elif old is not None:
        baseline, label = old.get("current"), "the previous build of this project folder"
    else:
        baseline, label = None, ""
    changes = changes_page(b, baseline, state, label)
    saved = json.dumps(
        {"current": state, "baseline": baseline, "baseline_label": label},
        sort_keys=True,
        indent=1,
    )
    summary = summarise_changes(baseline, state) if baseline is not None else None
    pages = [ctx.add(p) for p in (page, fidelity, changes)]
    return Briefed(pages, (saved + "\n").encode("utf-8"), summary)


def check_template(project, bib) -> None:
    """`evidence check`: the template's front matter and citations, without rendering."""
    path = template_path(project)
    where = project.rel(path)
    meta, body, first = split_front_matter(path.read_text(encoding="utf-8"), where)
    check_keys(body, bib, where, first)
