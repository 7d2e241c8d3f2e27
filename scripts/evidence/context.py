"""The build context: everything a page producer may read, gathered once per build.

Producers (``evidence.pages.*``, ``evidence.briefing``) take a ``BuildContext`` and return
``Page`` records; none writes a file or changes another's state. What they share is here:
the configuration and build facts (read once), the results, how one page links to another, the
page titles, and the citation ledger (which pages cite which sources), from which the References
page is made after every other page.
"""

from __future__ import annotations

import html
import posixpath
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from evidence.charts import Drawings
from evidence.cite import Bibliography, reference_list, render_citations
from evidence.config import BuildFacts, SiteConfig, site_facts
from evidence.errors import EvidenceError
from evidence.formatting import anchor, shown_with_unit
from evidence.project import Project
from evidence.record import AnalysisRecord, Result


@dataclass
class Page:
    """One page of the build tree (``path`` under build/docs, e.g. ``comparison.md``), with the
    files it brings (CSV downloads, chart images, notebooks), by path in the same tree."""

    path: str
    text: str
    title: str
    files: dict[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True)
class Links:
    """Where MkDocs publishes a build file, and relative links between them."""

    directory_urls: bool = True

    def url(self, page: str) -> str:
        """'x.md' -> 'x/', 'index.md' -> '' (or 'x.html' without directory URLs)."""
        if not page.endswith(".md"):
            return page
        stem = page[: -len(".md")]
        if not self.directory_urls:
            return stem + ".html"
        if stem == "index" or stem.endswith("/index"):
            return stem[: -len("index")]
        return stem + "/"

    def link(self, page: str, target: str) -> str:
        """A relative URL from one page to another page or file, valid in raw HTML too."""
        here = self.url(page)
        base = here if here.endswith("/") or not here else posixpath.dirname(here)
        goal = self.url(target)
        rel = posixpath.relpath(goal or ".", base.rstrip("/") or ".")
        if goal.endswith("/") or not goal:
            rel = rel.rstrip("/") + "/"
            rel = "./" if rel == "./" or rel == "./." else rel
        return rel


@dataclass
class CitationLedger:
    """Which pages cite each source: every citation goes through ``cite``."""

    bib: Bibliography
    cited_on: dict[str, set[str]] = field(default_factory=dict)

    def cite(self, text: str, page: str, where: str, first_line: int = 1) -> tuple[str, list]:
        text, keys = render_citations(text, self.bib, where, first_line)
        for key in keys:
            self.note(key, page)
        return text, keys

    def note(self, key: str, page: str) -> None:
        """Record that `page` cites `key` without a citation in its text (a listed document)."""
        self.cited_on.setdefault(key, set()).add(page)


@dataclass
class BuildContext:
    project: Project
    config: SiteConfig
    facts: BuildFacts
    bib: Bibliography
    package: object  # evidence.data.DataPackage, or None
    records: dict[str, AnalysisRecord]
    results: dict[str, Result]
    links: Links
    ledger: CitationLedger
    titles: dict[str, str] = field(default_factory=dict)  # page -> title, filled as pages come
    svgs: Drawings = field(default_factory=Drawings)  # chart id -> SVG, drawn once per build

    @classmethod
    def create(cls, project, config, facts, bib, package, records) -> BuildContext:
        from evidence.record import collect_results

        return cls(
            project,
            config,
            facts,
            bib,
            package,
            records,
            collect_results(records),
            Links(config.use_directory_urls),
            CitationLedger(bib),
        )

    # ---- what producers share ----

    def link(self, page: str, target: str) -> str:
        return self.links.link(page, target)

    def cite(self, text: str, page: str, where: str, first_line: int = 1) -> tuple[str, list]:
        return self.ledger.cite(text, page, where, first_line)

    def add(self, page: Page) -> Page:
        """Note a finished page's title (the References page names citing pages by it)."""
        self.titles[page.path] = page.title
        return page

    def value(self, name: str):
        if name not in self.results:
            raise EvidenceError(f"no result named {name!r}")
        return self.results[name].value

    def result_html(self, name: str, page: str, with_unit: bool = True) -> str:
        """A result as a reader sees it, linked to its provenance on the Results page;
        `number("x")` in a page is the same without the unit, for the first end of a range."""
        if name not in self.results:
            raise EvidenceError(f"no result named {name!r} (published results: see results.md)")
        r = self.results[name]
        href = self.link(page, "results.md") + f"#{anchor(name)}"
        title = html.escape(r.description, quote=True)
        return (
            f'<a class="result" data-result="{html.escape(name, quote=True)}" href="{href}" '
            f'title="{title}">{html.escape(shown_with_unit(r.value, r.unit, with_unit))}</a>'
        )

    def source_link(self, where: str, line: int | None = None) -> str:
        """A project file (an analysis) linked to its page in the repository, where known."""
        url = self.config.repository_file_url(where, line)
        label = f"<code>{html.escape(where)}</code>"
        return f'<a href="{html.escape(url, quote=True)}">{label}</a>' if url else label

    def jinja(self, text: str, page: str, where: str) -> str:
        """A page's text with {{ result("x") }}, {{ value("x") }} and {{ site.x }} filled in."""
        import jinja2

        env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
        env.globals["result"] = lambda name: self.result_html(name, page)
        env.globals["number"] = lambda name: self.result_html(name, page, with_unit=False)
        env.globals["value"] = self.value
        env.globals["site"] = site_facts(self.config, self.facts)
        try:
            return env.from_string(text).render()
        except jinja2.TemplateSyntaxError as exc:
            raise EvidenceError(f"line {exc.lineno}: {exc.message}", where=where) from None
        except (EvidenceError, jinja2.UndefinedError) as exc:
            line = template_line(exc)
            at = f"line {line}: " if line else ""
            raise EvidenceError(f"{at}{exc}", where=where) from None

    def finish(self, page: str, body: str, keys: list[str]) -> str:
        """A page's body with its own reference list when it cites anything."""
        if keys:
            refs = self.link(page, "references.md")
            body += "\n\n## References\n\n" + reference_list(keys, self.bib, refs)
        return body


def template_line(exc: BaseException) -> int | None:
    """The line of a Jinja template an error was raised on, if it was raised in one."""
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        if frame.f_code.co_filename == "<template>":
            return lineno
    return None


def notebook_path(name: str) -> str:
    return f"downloads/{name}.ipynb"


def page_stem(page: str) -> str:
    """'authorities/E1.md' -> 'authorities-E1', the prefix of a page's download names."""
    return Path(page).with_suffix("").as_posix().replace("/", "-")
