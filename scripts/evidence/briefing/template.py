"""The briefing template read and rendered: front matter, sections, numbered paragraphs (with
results and citations filled in), and the data helpers the template calls (``arrangement``,
``arrangements``, ``authority``, ``names``, ``count``, ``market``, ``event``, ``local``, and
``block`` for a table or chart). One template serves any authority: ``Briefing(ctx, code)``
renders it for that authority, under ``briefing/<code>/`` unless it is the template's own."""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from evidence.briefing.rows import Lazy, Row, market_shown, missing
from evidence.briefing.text import plain_text
from evidence.context import BuildContext, template_line
from evidence.errors import EvidenceError

TEMPLATE = Path("briefing") / "briefing.md"
FIDELITY = Path("briefing") / "fidelity.yaml"
PAGE = "briefing/index.md"
DOCX = "briefing/briefing.docx"
CHANGES_PAGE = "briefing/changes.md"
FIDELITY_PAGE = "briefing/fidelity.md"
STATE = "state.json"  # in build/: what the next build compares itself with
VERDICTS = ("supports", "qualifies", "contradicts", "unconfirmed", "procedural")
PARA_START = re.compile(r"^\{#([a-z][a-z0-9-]*)\}\s*(.*)$")
BLOCK = re.compile(r"^<!--block:([a-z-]+)-->$")
HOME = "E10000024"  # the authority whose 2014 briefing the template regenerates, unless set


@dataclass
class Paragraph:
    key: str
    number: int | None  # None: unnumbered prose
    section: str
    markdown: str  # with results and citations as inline HTML
    line: int  # line in the template
    results: list[str] = field(default_factory=list)
    block: str | None = None  # a table or chart (tables.BLOCKS, figures) in place of text

    @property
    def text(self) -> str:
        return plain_text(self.markdown)


# ---- template ---------------------------------------------------------------------------------


def template_path(project) -> Path:
    return project.docs_dir / TEMPLATE


def has_briefing(project) -> bool:
    return template_path(project).is_file()


def split_front_matter(text: str, where: str) -> tuple[dict, str, int]:
    """(front matter, body, line number of the body's first line)."""
    if not text.startswith("---\n"):
        return {}, text, 1
    end = text.find("\n---\n", 4)
    if end < 0:
        raise EvidenceError("line 1: front matter opened with '---' is never closed", where=where)
    try:
        meta = yaml.safe_load(text[4:end]) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        raise EvidenceError(f"line {line}: front matter is not valid YAML", where=where) from None
    if not isinstance(meta, dict):
        raise EvidenceError("line 2: front matter must be a mapping (key: value)", where=where)
    body = text[end + len("\n---\n") :]
    return meta, body, text[: end + len("\n---\n")].count("\n") + 1


class Briefing:
    """Renders the briefing template with the build's results, data and bibliography."""

    def __init__(self, ctx: BuildContext, code: str | None = None):
        self.ctx = ctx
        self.project = ctx.project
        self.package = ctx.package
        self.config = ctx.config.briefing
        self.date = ctx.facts.commit_day
        self.where = self.project.rel(template_path(self.project))
        self.meta, self._body, self._first = split_front_matter(
            template_path(self.project).read_text(encoding="utf-8"), self.where
        )
        self.home = str(self.meta.get("authority", HOME))
        self.code = code or self.home
        self.is_home = self.code == self.home
        # the default build keeps briefing/; one asked for by code goes beside it
        self.page = PAGE if code is None else f"briefing/{self.code}/index.md"
        self.docx = DOCX if code is None else f"briefing/{self.code}/briefing.docx"
        self._arrangements = None
        self._authorities = None
        self._tables: dict[str, list[dict]] = {}
        self._local = None
        self._env = None
        # where arrangement rows are shown (front matter: rows_page)
        self.rows_page = self.meta.get("rows_page", "comparison.md")

    # ---- data helpers, as the template sees them ----

    def table(self, name: str) -> list[dict]:
        if name in self._tables:
            return self._tables[name]
        if self.package is None or name not in self.package.table_names():
            raise EvidenceError(f"the briefing needs the {name!r} table, which the data lacks")
        frame = self.package.read(name)
        rows = []
        for record in frame.to_dict(orient="records"):
            rows.append({k: (None if missing(v) else v) for k, v in record.items()})
        self._tables[name] = rows
        return rows

    @property
    def local(self):
        from evidence.briefing.local import LocalPicture

        if self._local is None:
            self._local = LocalPicture(self, self.code)
        return self._local

    @property
    def has_authorities(self) -> bool:
        return self.package is not None and "authorities" in self.package.table_names()

    def area_name(self, code: str | None = None) -> str:
        """The authority's name, or "" in a project without an authorities table."""
        return self.authority(code or self.code) if self.has_authorities else ""

    def market(self, name: str) -> str:
        """A national figure from market_figures: shown as published, linked to the national
        market page, with its citation."""
        rows = {r["name"]: r for r in self.table("market_figures")}
        if name not in rows:
            near = difflib.get_close_matches(name, list(rows), n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise EvidenceError(f"no market figure named {name!r}{hint}")
        row = rows[name]
        href = self.ctx.link(self.page, "market_context.md")
        shown = market_shown(row["value"], str(row["unit"]))
        title = html.escape(f"{row['description']} ({row['period']})", quote=True)
        keys = "; ".join("@" + k.strip() for k in str(row["sources"]).split(";") if k.strip())
        return f'<a class="result" href="{href}" title="{title}">{html.escape(shown)}</a> [{keys}]'

    def event(self, ident: str):
        """A row of policy_events (``.title``, ``.date``, ``.summary``, ``.cite``)."""
        rows = {r["id"]: r for r in self.table("policy_events")}
        if ident not in rows:
            near = difflib.get_close_matches(ident, list(rows), n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise EvidenceError(f"no policy event with id {ident!r}{hint}")
        row = dict(rows[ident])
        keys = "; ".join("@" + k.strip() for k in str(row["sources"]).split(";") if k.strip())
        row["cite"] = f"[{keys}]"
        row["link"] = self.ctx.link(self.page, "policy_timeline.md")
        return Row(row)

    def authority(self, code: str) -> str:
        if self._authorities is None:
            self._authorities = {a["ons_code"]: a["name"] for a in self.table("authorities")}
        if code not in self._authorities:
            raise EvidenceError(f"no authority with ONS code {code!r} in the authorities table")
        return self._authorities[code]

    def _rows(self) -> dict[str, dict]:
        if self._arrangements is None:
            comparison = self.ctx.link(self.page, self.rows_page)
            self._arrangements = {}
            for row in self.table("arrangements"):
                row = dict(row)
                row["grade"] = row.get("evidence_grade")
                row["link"] = f"{comparison}#arrangement-{row['id']}"
                row["lead_name"] = (
                    self.authority(row["lead_authority"]) if row.get("lead_authority") else None
                )
                self._arrangements[row["id"]] = Row(row)
        return self._arrangements

    def arrangement(self, ident: str):
        rows = self._rows()
        if ident not in rows:
            near = difflib.get_close_matches(ident, list(rows), n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise EvidenceError(f"no arrangement with id {ident!r}{hint}")
        return rows[ident]

    def arrangements(self, since: int | None = None, **filters) -> list:
        """Rows matching every filter (a value or a list of values); `since` keeps rows that
        started in or after that year (rows with no known start are left out)."""
        rows = list(self._rows().values())
        if since is not None:
            rows = [r for r in rows if r["start_year"] is not None and r["start_year"] >= since]
        for name, wanted in filters.items():
            if rows and name not in rows[0]:
                raise EvidenceError(f"arrangements have no column {name!r} to filter on")
            allowed = wanted if isinstance(wanted, list | tuple | set) else [wanted]
            rows = [r for r in rows if r[name] in allowed]
        return rows

    def count(self, items) -> str:
        href = self.ctx.link(self.page, self.rows_page)
        n = len(list(items))
        return f'<a class="result" href="{href}" title="count of rows in the comparison">{n}</a>'

    @staticmethod
    def names(items, key: str = "name") -> str:
        values = [i if isinstance(i, str) else i[key] for i in items]
        values = list(dict.fromkeys(str(v) for v in values if v))  # each name once, in order
        if len(values) <= 1:
            return "".join(values)
        return ", ".join(values[:-1]) + " and " + values[-1]

    @staticmethod
    def linked(items) -> str:
        """Arrangement rows' names, each a link to its row in the comparison, joined."""
        return Briefing.names(
            [f'<a href="{r["link"]}">{html.escape(str(r["name"]))}</a>' for r in items]
        )

    @staticmethod
    def quoted(row, column: str) -> str:
        """A text field of an arrangement row, linked to the row it came from."""
        text = html.escape(str(row[column] or ""))
        return f'<a class="result" href="{row["link"]}" title="{row["id"]}: {column}">{text}</a>'

    # ---- rendering ----

    def environment(self):
        import jinja2

        if self._env is not None:
            return self._env
        # {#key} marks a paragraph, so Jinja comments are written {## ... ##} here
        env = jinja2.Environment(
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            comment_start_string="{##",
            comment_end_string="##}",
            finalize=lambda v: "" if v is None else v,  # a figure the data lacks reads as empty
        )

        def result(name: str) -> str:
            return self.ctx.result_html(name, self.page)

        env.globals.update(
            result=result,
            number=lambda name: self.ctx.result_html(name, self.page, with_unit=False),
            value=self.ctx.value,
            has_result=lambda name: name in self.ctx.results,
            link=lambda target: self.ctx.link(self.page, target),
            arrangement=self.arrangement,
            arrangements=self.arrangements,
            authority=self.authority,
            names=self.names,
            linked=self.linked,
            quoted=self.quoted,
            count=self.count,
            market=self.market,
            event=self.event,
            local=Lazy(lambda: self.local),
            home=self.is_home,
            home_name=self.area_name(self.home),
            block=lambda name: f"\n\n<!--block:{name}-->\n\n",
        )
        self._env = env
        return env

    def render_text(self, text: str, where: str, first: int = 1) -> str:
        """Template text (the body or one table cell) with its Jinja filled in."""
        import jinja2

        try:
            return self.environment().from_string(text).render()
        except jinja2.TemplateSyntaxError as exc:
            raise EvidenceError(
                f"line {exc.lineno + first - 1}: {exc.message}", where=where
            ) from None
        except (EvidenceError, jinja2.UndefinedError) as exc:
            line = template_line(exc)
            at = f"line {line + first - 1}: " if line else ""
            raise EvidenceError(f"{at}{exc}", where=where) from None

    def render_cell(self, text: str, where: str) -> str:
        """One cell of the briefing's tables: Jinja, then citations, on one line."""
        cell = " ".join(self.render_text(text, where).split())
        cell, _ = self.ctx.cite(cell, self.page, where)
        return cell

    def render(self) -> tuple[dict, list[Paragraph]]:
        meta, body, first = self.meta, self._body, self._first
        text = self.render_text(body, self.where, first)
        paragraphs = self._paragraphs(text, body, first)
        for key in meta.get("supporting", []) or []:
            if key not in self.ctx.bib:
                raise EvidenceError(
                    f"front matter: supporting document {key!r} is not in references/*.bib",
                    where=self.where,
                )
        return meta, paragraphs

    def _paragraphs(self, text: str, body: str, first: int) -> list[Paragraph]:
        source_lines = {}
        for n, line in enumerate(body.splitlines()):
            m = PARA_START.match(line)
            if m:
                source_lines.setdefault(m.group(1), n + first)
        out: list[Paragraph] = []
        section = ""
        current: list[str] = []
        key = None
        number = 0
        prose = 0

        def close():
            nonlocal current, key, prose
            if not current:
                return
            joined = " ".join(s.strip() for s in current)
            if key is None:
                prose += 1
                out.append(Paragraph(f"prose-{prose}", None, section, joined, 0))
            else:
                out.append(Paragraph(key, number, section, joined, source_lines.get(key, 0)))
            current, key = [], None

        seen: dict[str, int] = {}
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith("## "):
                close()
                section = stripped[3:].strip()
            elif stripped.startswith("# "):
                close()
            elif not stripped:
                close()
            elif b := BLOCK.match(stripped):
                close()
                out.append(Paragraph(f"block-{b.group(1)}", None, section, "", 0, block=b.group(1)))
            elif m := PARA_START.match(stripped):
                close()
                key = m.group(1)
                if key in seen:
                    raise EvidenceError(
                        f"line {source_lines.get(key, 0)}: paragraph key {{#{key}}} is used twice",
                        where=self.where,
                    )
                number += 1
                seen[key] = number
                current = [m.group(2)]
            else:
                current.append(line)
        close()
        for p in out:
            p.markdown, _ = self.ctx.cite(p.markdown, self.page, self.where, p.line or 1)
            p.results = sorted(set(re.findall(r'data-result="([^"]+)"', p.markdown)))
        return out
