"""Part of stage 6, site: data blocks skip Markdown and the search index.

A page's tables (`<div class="evidence-table">…`), charts with their four tabs and chart
specifications are written by the render stage as finished HTML, each a block of its own with
its links already resolved. Python-Markdown would parse each again as raw HTML, and Material's
search plugin would parse it again to index table cells no one searches for. So, as a MkDocs
plugin added for our build only: before Markdown runs, each such block is swapped for a short
placeholder; after the page is rendered and indexed, the placeholder is swapped back. A
placeholder that does not come back intact stops the build: content is never dropped silently.
Prose, headings, captions outside the tabs and code stay in the search index. The files in
build/docs are left as they are (a bare `mkdocs build` of them gives the same pages)."""

from __future__ import annotations

from mkdocs.plugins import BasePlugin

from evidence.errors import EvidenceError

OPENINGS = (
    '<div class="evidence-table">',
    '<div class="tabbed-set tabbed-alternate evidence-tabs"',  # a chart with its four tabs
    '<script type="application/json" class="evidence-chart-spec">',
)


def placeholder(n: int) -> str:
    return f'<div class="evidence-stash" data-stash="{n}"></div>'


def stash(markdown: str) -> tuple[str, list[str]]:
    """The page with each data block replaced by a placeholder, and the blocks in order. A
    block runs from a line opening a table or chart specification to the next blank line (where
    Markdown ends a raw HTML block) and is taken only if every line of it is HTML. Blocks inside
    fenced code stay: there they are text."""
    lines = markdown.split("\n")
    out: list[str] = []
    held: list[str] = []
    fence = None
    i = 0
    while i < len(lines):
        line = lines[i]
        mark = line.lstrip()[:3]
        if mark in ("```", "~~~"):
            fence = None if fence == mark else fence or mark
        if fence is None and line.startswith(OPENINGS) and (i == 0 or not lines[i - 1].strip()):
            j = i
            while j < len(lines) and lines[j].strip():
                j += 1
            block = lines[i:j]
            if all(b.startswith("<") for b in block):
                held.append("\n".join(block))
                out.append(placeholder(len(held) - 1))
                i = j
                continue
        out.append(line)
        i += 1
    return "\n".join(out), held


def restore(html: str, held: list[str], page: str) -> str:
    for n, line in enumerate(held):
        mark = placeholder(n)
        if html.count(mark) != 1:
            raise EvidenceError(
                f"a table or chart of this page did not come through MkDocs intact "
                f"(placeholder {n} found {html.count(mark)} times)",
                where=page,
            )
        html = html.replace(mark, line)
    return html


class StashPlugin(BasePlugin):
    def __init__(self):
        super().__init__()
        self.held: dict[str, list[str]] = {}

    def on_page_markdown(self, markdown, /, *, page, config, files):
        text, held = stash(markdown)
        self.held[page.file.src_uri] = held
        return text

    def on_post_page(self, output, /, *, page, config):
        return restore(output, self.held.pop(page.file.src_uri, []), page.file.src_uri)
