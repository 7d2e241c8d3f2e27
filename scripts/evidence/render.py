"""Stage 5, render: gather every page, then write them (as MkDocs' own build does).

``gather`` hands the build context to each page producer in turn (docs, analyses and the pages
they generate, data guidance, a page per arrangement, briefing, methods) and, once every other
page exists, makes the References page (so "Cited on" names every citing page) and the Results
page from the complete set. ``write`` is the one place that puts pages, their files and the
site's assets into the build tree; MkDocs then renders it with no plugin.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from evidence import briefing, charts
from evidence.context import BuildContext, Page
from evidence.pages import (
    analysis,
    arrangements,
    data_guidance,
    docs,
    generated,
    methods,
    references,
    results,
)
from evidence.record import Chart

ASSETS = Path(__file__).parent / "assets"
SITE_ASSETS = ("charts.js", "tables.js", "evidence.css")


@dataclass
class Rendered:
    """Everything one build writes into build/: pages (with their files) under docs/, other
    files copied from docs/, and the briefing's state for the next build's comparison."""

    pages: list[Page] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    state: bytes | None = None
    changes: str | None = None  # the briefing's one-line account of what changed


def gather(ctx: BuildContext, previous_build: Path) -> Rendered:
    """Every page of the build, in memory; nothing is written."""
    pages, files = docs.produce(ctx)
    for name in sorted(ctx.records):
        pages.append(analysis.produce(ctx, name))
        pages += generated.produce(ctx, name)
    if ctx.package is not None:
        pages.append(data_guidance.produce(ctx))
        pages += arrangements.produce(ctx)  # after the profiles, which its pages link to
    out = Rendered(pages, files)
    if briefing.has_briefing(ctx.project):
        briefed = briefing.produce(ctx, previous_build)
        pages += briefed.pages
        out.state, out.changes = briefed.state, briefed.summary
    own = next((p for p in pages if p.path == methods.PAGE), None)
    pages[:] = [p for p in pages if p is not own]
    pages.append(methods.produce(ctx, results.as_json(ctx), own))
    # last, from the complete set: every citing page is known now
    pages += [references.produce(ctx), results.produce(ctx)]
    return out


def write(rendered: Rendered, build: Path, cache_dir: Path) -> None:
    """Put a gathered build into `build` (docs/ for MkDocs, state.json beside it)."""
    docs_dir = build / "docs"
    files = dict(rendered.files)
    for page in rendered.pages:
        files.update(page.files)
    for page in rendered.pages:
        files[page.path] = page.text.encode("utf-8")
    for asset in SITE_ASSETS:
        files[f"assets/{asset}"] = (ASSETS / asset).read_bytes()
    for rel, data in sorted(files.items()):
        data = data() if callable(data) else data  # a chart's SVG, drawn meanwhile
        target = docs_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    charts.write_bundle(docs_dir / "assets" / charts.BUNDLE_NAME, cache_dir)
    shutil.copyfile(docs_dir / results.JSON_NAME, build / results.JSON_NAME)
    if rendered.state is not None:
        (build / briefing.STATE).write_bytes(rendered.state)


def chart_specs(ctx: BuildContext) -> list[dict]:
    """Every chart the analyses showed: those on their own pages first (each page's notebook
    needs its charts' SVGs as it is made), then those on the pages they generated."""
    own, generated = [], []
    for _, record in sorted(ctx.records.items()):
        own += [o.spec for cell in record.cells for o in cell.outputs if isinstance(o, Chart)]
        outputs = [o for page in record.pages for o, _, _ in page.outputs]
        generated += [o.spec for o in outputs if isinstance(o, Chart)]
    return own + generated


def render(ctx: BuildContext, previous_build: Path, build: Path) -> Rendered:
    """Gather every page and write the build tree; return what was written."""
    charts.use_cache(ctx.project.cache_dir)
    ctx.svgs.start(chart_specs(ctx))  # drawn in the background while the pages are gathered
    try:
        rendered = gather(ctx, previous_build)
        write(rendered, build, ctx.project.cache_dir)
    finally:
        ctx.svgs.close()
    return rendered
