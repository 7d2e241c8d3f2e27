"""Stage 5b, briefing: the members' briefing regenerated from results and data.

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
"""

from __future__ import annotations

import datetime as dt
import difflib
import html
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import yaml

from evidence.cite import check_keys, reference_list
from evidence.errors import EvidenceError
from evidence.render import Renderer, anchor, format_number, unit_suffix

TEMPLATE = Path("briefing") / "briefing.md"
FIDELITY = Path("briefing") / "fidelity.yaml"
PAGE = "briefing/index.md"
DOCX = "briefing/briefing.docx"
CHANGES_PAGE = "briefing/changes.md"
FIDELITY_PAGE = "briefing/fidelity.md"
STATE = "state.json"  # in build/: what the next build compares itself with
VERDICTS = ("supports", "qualifies", "contradicts", "unconfirmed", "procedural")
PARA_START = re.compile(r"^\{#([a-z][a-z0-9-]*)\}\s*(.*)$")


@dataclass
class Paragraph:
    key: str
    number: int | None  # None: unnumbered prose
    section: str
    markdown: str  # with results and citations as inline HTML
    line: int  # line in the template
    results: list[str] = field(default_factory=list)

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

    def __init__(self, renderer: Renderer, package, config: dict, commit_date: dt.date):
        self.r = renderer
        self.project = renderer.project
        self.package = package
        self.config = config or {}
        self.date = commit_date
        self.where = self.project.rel(template_path(self.project))
        self._arrangements = None
        self._authorities = None
        self.rows_page = (
            "comparison.md"  # where arrangement rows are shown (front matter: rows_page)
        )

    # ---- data helpers, as the template sees them ----

    def _table(self, name: str) -> list[dict]:
        if self.package is None or name not in self.package.table_names():
            raise EvidenceError(f"the briefing needs the {name!r} table, which the data lacks")
        frame = self.package.read(name)
        rows = []
        for record in frame.to_dict(orient="records"):
            rows.append({k: (None if _missing(v) else v) for k, v in record.items()})
        return rows

    def authority(self, code: str) -> str:
        if self._authorities is None:
            self._authorities = {a["ons_code"]: a["name"] for a in self._table("authorities")}
        if code not in self._authorities:
            raise EvidenceError(f"no authority with ONS code {code!r} in the authorities table")
        return self._authorities[code]

    def _rows(self) -> dict[str, dict]:
        if self._arrangements is None:
            comparison = self.r.link(PAGE, self.rows_page)
            self._arrangements = {}
            for row in self._table("arrangements"):
                row = dict(row)
                row["grade"] = row.get("evidence_grade")
                row["link"] = f"{comparison}#arrangement-{row['id']}"
                row["lead_name"] = (
                    self.authority(row["lead_authority"]) if row.get("lead_authority") else None
                )
                self._arrangements[row["id"]] = _Row(row)
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
        href = self.r.link(PAGE, self.rows_page)
        n = len(list(items))
        return f'<a class="result" href="{href}" title="count of rows in the comparison">{n}</a>'

    @staticmethod
    def names(items, key: str = "name") -> str:
        values = [i if isinstance(i, str) else i[key] for i in items]
        values = list(dict.fromkeys(str(v) for v in values if v))  # each name once, in order
        if len(values) <= 1:
            return "".join(values)
        return ", ".join(values[:-1]) + " and " + values[-1]

    # ---- rendering ----

    def render(self) -> tuple[dict, list[Paragraph]]:
        import jinja2

        path = template_path(self.project)
        meta, body, first = split_front_matter(path.read_text(encoding="utf-8"), self.where)
        self.rows_page = meta.get("rows_page", self.rows_page)
        # {#key} marks a paragraph, so Jinja comments are written {## ... ##} here
        env = jinja2.Environment(
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            comment_start_string="{##",
            comment_end_string="##}",
        )

        def result(name: str) -> str:
            return self.r.result_html(name, PAGE)

        env.globals.update(
            result=result,
            value=self.r._value,
            arrangement=self.arrangement,
            arrangements=self.arrangements,
            authority=self.authority,
            names=self.names,
            count=self.count,
        )
        try:
            text = env.from_string(body).render()
        except jinja2.TemplateSyntaxError as exc:
            raise EvidenceError(
                f"line {exc.lineno + first - 1}: {exc.message}", where=self.where
            ) from None
        except (EvidenceError, jinja2.UndefinedError) as exc:
            from evidence.render import _template_line

            line = _template_line(exc)
            at = f"line {line + first - 1}: " if line else ""
            raise EvidenceError(f"{at}{exc}", where=self.where) from None
        paragraphs = self._paragraphs(text, body, first)
        for key in meta.get("supporting", []) or []:
            if key not in self.r.bib:
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
            p.markdown, _ = self.r.cite(p.markdown, PAGE, self.where, p.line or 1)
            p.results = sorted(set(re.findall(r'data-result="([^"]+)"', p.markdown)))
        return out


class _Row(dict):
    """An arrangement row whose fields read as attributes in the template (row.name); a number
    reads as a link to the row in the comparison table, so every figure leads to its source."""

    def __getattr__(self, name):
        try:
            value = self[name]
        except KeyError:
            raise EvidenceError(f"arrangements have no column {name!r}") from None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return _Figure(value, self["link"], f"{self['id']}: {name}")
        return value


class _Figure:
    """A number from a data table, shown as a link to the row it came from."""

    def __init__(self, value, href: str, title: str):
        self.value, self.href, self.title = value, href, title

    def __str__(self) -> str:
        v = self.value
        shown = str(int(v)) if float(v).is_integer() else f"{v:g}"
        title = html.escape(self.title, quote=True)
        return f'<a class="result" href="{self.href}" title="{title}">{shown}</a>'


def _missing(value) -> bool:
    try:
        return value is None or value != value  # NaN and pandas NA
    except TypeError:
        return False


# ---- plain text (for the Word document and for comparing sentences) -------------------------


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def plain_text(markdown: str) -> str:
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", markdown)  # [text](url) -> text
    text = re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda m: m.group(1) or m.group(2), text)
    parser = _Text()
    parser.feed(text)
    parser.close()
    return " ".join("".join(parser.parts).split())


def sentences(text: str) -> list[str]:
    # Split after a full stop, question or exclamation mark followed by a capital or a digit;
    # abbreviations such as "p. 4" stay whole because a digit after "p." is not a new sentence.
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z\"'(])", text)
    return [p.strip() for p in parts if p.strip()]


# ---- the site pages -----------------------------------------------------------------------------


def briefing_page(b: Briefing, meta: dict, paragraphs: list[Paragraph]) -> tuple[str, list[str]]:
    r = b.r
    title = meta.get("title", "Members' briefing")
    lines = [
        "---",
        f"title: {json.dumps(title)}",
        "---",
        "",
        f"# {html.escape(title)}",
        "",
        '<p class="briefing-meta">'
        f"{html.escape(meta.get('kind', 'Members’ briefing'))} · "
        f"{b.date.strftime('%B %Y')}"
        '<span class="briefing-links"> · '
        f'<a href="{r.link(PAGE, DOCX)}" download>Download as a Word document</a> · '
        f'<a href="{r.link(PAGE, FIDELITY_PAGE)}">How it maps to the 2014 briefing</a> · '
        f'<a href="{r.link(PAGE, CHANGES_PAGE)}">What changed</a></span></p>',
        "",
    ]
    cited: list[str] = []
    section = None
    for p in paragraphs:
        if p.section != section:
            section = p.section
            if section:
                lines += [f"## {section}", ""]
        cited += re.findall(r'href="#ref-([^"]+)"', p.markdown)
        if p.number is None:
            lines += [p.markdown, ""]
            continue
        lines += [
            f'<div class="briefing-para" id="para-{p.key}" markdown>',
            f'<span class="para-number">{p.number}.</span> {p.markdown}',
            "</div>",
            "",
        ]
    supporting = meta.get("supporting") or []
    if supporting:
        formatted = r.bib.formatted()
        refs = r.link(PAGE, "references.md")
        lines += ["## Supporting documents", "", '<ul class="references">']
        for key in supporting:
            lines.append(f'<li>{formatted[key]} <a href="{refs}#ref-{key}">(details)</a></li>')
            r.cited_on.setdefault(key, set()).add(PAGE)
        lines += ["</ul>", ""]
    lines += contact_block_html(b.config.get("contact") or {})
    if cited:
        lines += [
            "## References",
            "",
            reference_list(cited, r.bib, r.link(PAGE, "references.md")),
        ]
    r.page_titles[PAGE] = title
    return "\n".join(lines) + "\n", cited


def contact_block_html(contact: dict) -> list[str]:
    if not contact:
        return [
            "## For more information",
            "",
            "No contact is configured (set `extra.briefing.contact` in mkdocs.yml).",
            "",
        ]
    lines = ["## For more information", "", '<address class="briefing-contact">']
    if contact.get("name"):
        lines.append(html.escape(contact["name"]) + "<br>")
    if contact.get("role"):
        lines.append(html.escape(contact["role"]) + "<br>")
    if contact.get("email"):
        e = html.escape(contact["email"], quote=True)
        lines.append(f'<a href="mailto:{e}">{e}</a><br>')
    if contact.get("url"):
        u = html.escape(contact["url"], quote=True)
        lines.append(f'<a href="{u}">{html.escape(contact.get("url_text", contact["url"]))}</a>')
    lines += ["</address>", ""]
    return lines


def fidelity_page(b: Briefing, paragraphs: list[Paragraph]) -> tuple[str, list[str]]:
    """Each 2014 paragraph, the regenerated paragraphs that carry it, and today's verdict."""
    path = b.project.docs_dir / FIDELITY
    where = b.project.rel(path)
    if not path.is_file():
        raise EvidenceError(f"the briefing needs its fidelity map {where}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise EvidenceError(
            f"line {mark.line + 1 if mark else '?'}: not valid YAML", where=where
        ) from None
    entries = data.get("paragraphs") or []
    expected = int(data.get("paragraphs_2014", 0))
    numbers = [e.get("number") for e in entries]
    missing = sorted(set(range(1, expected + 1)) - set(numbers))
    if not expected or missing or len(numbers) != len(set(numbers)):
        raise EvidenceError(
            f"the fidelity map must give each of the {expected} paragraphs of 2014 exactly once; "
            f"missing: {missing or 'none'}, repeated: "
            f"{sorted({n for n in numbers if numbers.count(n) > 1}) or 'none'}",
            where=where,
        )
    by_key = {p.key: p for p in paragraphs if p.number is not None}
    r = b.r
    lines = [
        "# How the briefing maps to the 2014 original",
        "",
        html.escape(data.get("introduction", "")),
        "",
        '<div class="evidence-table"><table><caption>Each paragraph of the 2014 briefing, where '
        "its claim is now carried and what today's evidence says</caption><thead><tr>"
        '<th scope="col">2014</th><th scope="col">What it claimed</th>'
        '<th scope="col">Now carried by</th><th scope="col">Verdict</th>'
        '<th scope="col">Evidence today</th></tr></thead><tbody>',
    ]
    cited: list[str] = []
    for e in sorted(entries, key=lambda e: e["number"]):
        verdict = e.get("verdict")
        if verdict not in VERDICTS:
            raise EvidenceError(
                f"paragraph {e['number']}: verdict {verdict!r} is not one of {', '.join(VERDICTS)}",
                where=where,
            )
        links = []
        for key in e.get("carried_by") or []:
            if key not in by_key:
                raise EvidenceError(
                    f"paragraph {e['number']}: carried_by names {{#{key}}}, which is not a "
                    "numbered paragraph of the briefing template",
                    where=where,
                )
            href = r.link(FIDELITY_PAGE, PAGE) + f"#para-{key}"
            links.append(f'<a href="{href}">paragraph {by_key[key].number}</a>')
        evidence = r.jinja(e.get("evidence", ""), FIDELITY_PAGE, where)
        evidence, keys = r.cite(" ".join(evidence.split()), FIDELITY_PAGE, where)
        cited += keys
        lines.append(
            f'<tr id="p2014-{e["number"]}"><td>{e["number"]}</td>'
            f"<td>{html.escape(e.get('claim', ''))}</td><td>{', '.join(links) or '—'}</td>"
            f'<td><span class="verdict verdict-{verdict}">{verdict}</span></td>'
            f"<td>{evidence}</td></tr>"
        )
    lines += ["</tbody></table></div>", ""]
    r.page_titles[FIDELITY_PAGE] = "Fidelity to the 2014 briefing"
    body = "\n".join(lines) + "\n"
    return r.finish(FIDELITY_PAGE, body, cited), cited


# ---- what changed -------------------------------------------------------------------------------


def build_state(b: Briefing, paragraphs: list[Paragraph]) -> dict:
    results = {
        name: {"value": r["value"], "unit": r["unit"], "description": r["description"]}
        for name, r in sorted(b.r.results.items())
    }
    arrangements = {}
    if b.package is not None and "arrangements" in b.package.table_names():
        for row in b._table("arrangements"):
            arrangements[row["id"]] = {k: _jsonable(v) for k, v in row.items()}
    paras = {
        p.key: {"number": p.number, "text": p.text, "results": p.results}
        for p in paragraphs
        if p.number is not None
    }
    return {"results": results, "arrangements": arrangements, "paragraphs": paras}


def _jsonable(v):
    if v is None or isinstance(v, str | bool):
        return v
    if isinstance(v, int | float):
        return int(v) if float(v).is_integer() else float(v)
    return str(v)


def diff_states(old: dict, new: dict) -> dict:
    out = {"results": [], "arrangements": [], "paragraphs": []}
    for name in sorted(set(old["results"]) | set(new["results"])):
        a, b_ = old["results"].get(name), new["results"].get(name)
        if a is None:
            out["results"].append(("added", name, None, b_))
        elif b_ is None:
            out["results"].append(("removed", name, a, None))
        elif a["value"] != b_["value"] or a["unit"] != b_["unit"]:
            out["results"].append(("changed", name, a, b_))
    for ident in sorted(set(old["arrangements"]) | set(new["arrangements"])):
        a, b_ = old["arrangements"].get(ident), new["arrangements"].get(ident)
        if a is None:
            out["arrangements"].append(("added", ident, None, b_, []))
        elif b_ is None:
            out["arrangements"].append(("removed", ident, a, None, []))
        else:
            fields = [k for k in sorted(set(a) | set(b_)) if a.get(k) != b_.get(k)]
            if fields:
                out["arrangements"].append(("changed", ident, a, b_, fields))
    for key in sorted(
        set(old["paragraphs"]) | set(new["paragraphs"]),
        key=lambda k: (new["paragraphs"].get(k) or old["paragraphs"].get(k))["number"],
    ):
        a, b_ = old["paragraphs"].get(key), new["paragraphs"].get(key)
        if a is None:
            out["paragraphs"].append(("added", key, [], sentences(b_["text"]), b_["number"]))
        elif b_ is None:
            out["paragraphs"].append(("removed", key, sentences(a["text"]), [], a["number"]))
        elif a["text"] != b_["text"]:
            before, after = sentences(a["text"]), sentences(b_["text"])
            gone = [s for s in before if s not in after]
            came = [s for s in after if s not in before]
            out["paragraphs"].append(("changed", key, gone, came, b_["number"]))
    return out


def _show(entry: dict | None) -> str:
    if entry is None:
        return "—"
    value, unit = entry["value"], entry["unit"]
    suffix = "" if isinstance(value, str) else unit_suffix(unit)
    return html.escape(f"{format_number(value, unit)} {suffix}".strip())


def changes_page(b: Briefing, old: dict | None, new: dict, old_label: str) -> str:
    r = b.r
    lines = [
        "# What changed",
        "",
        "This build's results, arrangements and briefing paragraphs compared with the previous "
        "build's, in the manner of a statistics release note. Rebuilding with nothing changed "
        "keeps the last comparison.",
        "",
    ]
    if old is None:
        lines += [
            "There is no earlier build in this project folder to compare with, so nothing is "
            "listed. Change the data (or build with `evidence build --data DIR`) and rebuild to "
            "see what changes.",
            "",
        ]
        r.page_titles[CHANGES_PAGE] = "What changed"
        return "\n".join(lines)
    d = diff_states(old, new)
    total = sum(len(v) for v in d.values())
    lines += [f"Compared with: {html.escape(old_label)}.", ""]
    if not total:
        lines += ["Nothing changed: every result, arrangement and paragraph is as it was.", ""]
    lines += ["## Results", ""]
    if d["results"]:
        lines += [
            '<div class="evidence-table"><table><caption>Results added, removed or changed'
            '</caption><thead><tr><th scope="col">Result</th><th scope="col">Change</th>'
            '<th scope="col">Before</th><th scope="col">Now</th></tr></thead><tbody>'
        ]
        for kind, name, a, b_ in d["results"]:
            link = r.link(CHANGES_PAGE, "results.md") + f"#{anchor(name)}"
            ref = f'<a href="{link}"><code>{html.escape(name)}</code></a>' if b_ else name
            lines.append(
                f"<tr><td>{ref}</td><td>{kind}</td><td>{_show(a)}</td><td>{_show(b_)}</td></tr>"
            )
        lines += ["</tbody></table></div>", ""]
    else:
        lines += ["No result changed.", ""]
    lines += ["## Arrangements", ""]
    if d["arrangements"]:
        lines += ["<ul>"]
        for kind, ident, a, b_, fields in d["arrangements"]:
            name = html.escape((b_ or a).get("name") or ident)
            if kind == "changed":
                detail = "; ".join(
                    f"<code>{html.escape(f)}</code>: {html.escape(str(a.get(f)))} → "
                    f"{html.escape(str(b_.get(f)))}"
                    for f in fields
                )
                lines.append(f"<li><strong>changed</strong> {name} — {detail}</li>")
            else:
                lines.append(f"<li><strong>{kind}</strong> {name} (<code>{ident}</code>)</li>")
        lines += ["</ul>", ""]
    else:
        lines += ["No arrangement row changed.", ""]
    lines += ["## Briefing paragraphs affected", ""]
    if d["paragraphs"]:
        for kind, key, gone, came, number in d["paragraphs"]:
            href = r.link(CHANGES_PAGE, PAGE) + f"#para-{key}"
            lines += [f'### <a href="{href}">Paragraph {number}</a> ({kind})', ""]
            lines += ['<ul class="sentence-changes">']
            lines += [f'<li class="before"><del>{html.escape(s)}</del></li>' for s in gone]
            lines += [f'<li class="after"><ins>{html.escape(s)}</ins></li>' for s in came]
            lines += ["</ul>", ""]
    else:
        lines += ["No paragraph of the briefing changed.", ""]
    r.page_titles[CHANGES_PAGE] = "What changed"
    return "\n".join(lines)


def summarise_changes(old: dict | None, new: dict) -> str | None:
    if old is None:
        return None
    d = diff_states(old, new)
    return (
        f"{len(d['results'])} results, {len(d['arrangements'])} arrangements and "
        f"{len(d['paragraphs'])} briefing paragraphs changed since the previous build"
    )


# ---- the Word document ----------------------------------------------------------------------


def docx_bytes(b: Briefing, meta: dict, paragraphs: list[Paragraph]) -> bytes:
    """The briefing as a Word document, laid out as a members' briefing; deterministic bytes."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)
    for section in doc.sections:
        section.left_margin = section.right_margin = Cm(2.2)
        section.top_margin = section.bottom_margin = Cm(2)
    org = b.config.get("organisation") or ""
    kind = meta.get("kind", "Members’ briefing")
    head = doc.add_paragraph()
    run = head.add_run(kind)
    run.bold = True
    run.font.size = Pt(13)
    run.font.color.rgb = RGBColor(0x33, 0x33, 0x33)
    if org:
        head.add_run("\n" + org).font.size = Pt(10)
    date = doc.add_paragraph(b.date.strftime("%B %Y"))
    date.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_heading(meta.get("title", "Members' briefing"), level=1)
    section = None
    for p in paragraphs:
        if p.section != section:
            section = p.section
            if section:
                doc.add_heading(section, level=2)
        para = doc.add_paragraph()
        fmt = para.paragraph_format
        fmt.space_after = Pt(8)
        if p.number is not None:
            fmt.left_indent = Cm(1)
            fmt.first_line_indent = Cm(-1)
            fmt.tab_stops.add_tab_stop(Cm(1))
            para.add_run(f"{p.number}.\t")
        para.add_run(p.text)
    supporting = meta.get("supporting") or []
    if supporting:
        doc.add_heading("Supporting documents", level=2)
        formatted = b.r.bib.formatted()
        for key in supporting:
            item = doc.add_paragraph(plain_text(formatted[key]), style="List Bullet")
            item.paragraph_format.space_after = Pt(4)
    contact = b.config.get("contact") or {}
    doc.add_heading("For more information", level=2)
    if contact:
        for field_name in ("name", "role", "email", "url"):
            if contact.get(field_name):
                doc.add_paragraph(str(contact[field_name])).paragraph_format.space_after = Pt(0)
    else:
        doc.add_paragraph("No contact is configured.")
    note = doc.add_paragraph()
    note.paragraph_format.space_before = Pt(12)
    small = note.add_run(
        "Regenerated from the evidence base's data and analyses. Each figure is listed, with the "
        "analysis and inputs it came from, on the website's Results page."
    )
    small.font.size = Pt(9)
    small.italic = True
    props = doc.core_properties
    moment = dt.datetime(b.date.year, b.date.month, b.date.day)
    props.created = props.modified = moment
    props.last_printed = moment
    props.revision = 1
    props.author = props.last_modified_by = org or "evidence"
    props.title = meta.get("title", "")
    buf = io.BytesIO()
    doc.save(buf)
    return normalise_zip(buf.getvalue())


def normalise_zip(data: bytes) -> bytes:
    """Same members, same order, fixed timestamps: equal inputs give equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist()
        # [Content_Types].xml must stay first for some readers; the rest in a stable order.
        ordered = [n for n in names if n == "[Content_Types].xml"] + sorted(
            n for n in names if n != "[Content_Types].xml"
        )
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name))
    return out.getvalue()


# ---- the stage as the pipeline calls it -------------------------------------------------------


def render_briefing(
    renderer: Renderer,
    package,
    config: dict,
    commit_date: dt.date,
    previous_build: Path,
    new_build: Path,
) -> str | None:
    """Write the briefing pages and DOCX into the new build; return a one-line change summary."""
    b = Briefing(renderer, package, config, commit_date)
    meta, paragraphs = b.render()
    page, _ = briefing_page(b, meta, paragraphs)
    renderer.write(PAGE, page)
    fidelity, _ = fidelity_page(b, paragraphs)
    renderer.write(FIDELITY_PAGE, fidelity)
    (renderer.out / DOCX).write_bytes(docx_bytes(b, meta, paragraphs))

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
    renderer.write(CHANGES_PAGE, changes_page(b, baseline, state, label))
    (new_build / STATE).write_text(
        json.dumps(
            {"current": state, "baseline": baseline, "baseline_label": label},
            sort_keys=True,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    return summarise_changes(baseline, state) if baseline is not None else None


def check_template(project, bib) -> None:
    """`evidence check`: the template's front matter and citations, without rendering."""
    path = template_path(project)
    where = project.rel(path)
    meta, body, first = split_front_matter(path.read_text(encoding="utf-8"), where)
    check_keys(body, bib, where, first)
