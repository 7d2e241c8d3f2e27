"""The hand-written pages of docs/ (results through Jinja2, citations resolved) and the other
files there (images, downloads), copied as they are. docs/briefing/ holds the briefing's
template and fidelity map, which ``evidence.briefing`` reads."""

from __future__ import annotations

from evidence.context import BuildContext, Page


def produce(ctx: BuildContext) -> tuple[list[Page], dict[str, bytes]]:
    """(pages, other files) from docs/, by path under build/docs."""
    docs = ctx.project.docs_dir
    pages, files = [], {}
    for path in sorted(docs.rglob("*")):
        if path.is_dir():
            continue
        rel = path.relative_to(docs).as_posix()
        if rel.startswith("briefing/"):
            continue  # the briefing template and fidelity map: the briefing stage's inputs
        if path.suffix != ".md":
            files[rel] = path.read_bytes()
            continue
        where = ctx.project.rel(path)
        text = ctx.jinja(path.read_text(encoding="utf-8"), rel, where)
        text, keys = ctx.cite(text, rel, where)
        pages.append(ctx.add(Page(rel, ctx.finish(rel, text, keys), _title(text, rel))))
    return pages, files


def _title(text: str, fallback: str) -> str:
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return fallback
