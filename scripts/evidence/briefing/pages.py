"""The briefing's site pages: the briefing itself and its fidelity map to the 2014 original."""

from __future__ import annotations

import html
import json
import posixpath
import re

from evidence.briefing.template import (
    CHANGES_PAGE,
    FIDELITY,
    FIDELITY_PAGE,
    PAGE,
    VERDICTS,
    Briefing,
    Paragraph,
)
from evidence.cite import reference_list
from evidence.context import Page
from evidence.errors import EvidenceError
from evidence.project import load_yaml, read_text


def briefing_page(b: Briefing, meta: dict, paragraphs: list[Paragraph], blocks: dict) -> Page:
    ctx = b.ctx
    title = briefing_title(b, meta)
    here = b.page
    area = b.area_name() + " · " if b.area_name() else ""
    links = [f'<a href="{ctx.link(here, b.docx)}" download>Download as a Word document</a>']
    links.append(f'<a href="{ctx.link(here, FIDELITY_PAGE)}">How it maps to the 2014 briefing</a>')
    if b.is_home:
        links.append(f'<a href="{ctx.link(here, CHANGES_PAGE)}">What changed</a>')
    else:
        links.append(f'<a href="{ctx.link(here, PAGE)}">The {b.authority(b.home)} edition</a>')
    lines = [
        "---",
        f"title: {json.dumps(title)}",
        "---",
        "",
        f"# {html.escape(title)}",
        "",
        '<p class="briefing-meta">'
        f"{html.escape(meta.get('kind', 'Members’ briefing'))} · "
        f"{html.escape(area)}{b.date.strftime('%B %Y')}"
        f'<span class="briefing-links"> · {" · ".join(links)}</span></p>',
        "",
    ]
    cited: list[str] = []
    files: dict[str, bytes] = {}
    section = None
    for p in paragraphs:
        if p.section != section:
            section = p.section
            if section:
                lines += [f"## {section}", ""]
        if p.block is not None:
            block = blocks.get(p.block)
            if block is None:
                continue  # a chart with no data for this authority
            if hasattr(block, "spec"):
                lines += chart_html(b, block, files)
            else:
                lines += [block.html(), ""]
                for row in block.rows:
                    cited += re.findall(r'href="#ref-([^"]+)"', " ".join(row))
                cited += re.findall(r'href="#ref-([^"]+)"', block.note)
            continue
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
        formatted = ctx.bib.formatted()
        refs = ctx.link(here, "references.md")
        lines += ["## Supporting documents", "", '<ul class="references">']
        for key in supporting:
            lines.append(f'<li>{formatted[key]} <a href="{refs}#ref-{key}">(details)</a></li>')
            ctx.ledger.note(key, here)
        lines += ["</ul>", ""]
    lines += contact_block_html(b.config.get("contact") or {})
    if cited:
        lines += [
            "## References",
            "",
            reference_list(list(dict.fromkeys(cited)), ctx.bib, ctx.link(here, "references.md")),
        ]
    return Page(here, "\n".join(lines) + "\n", title, files)


def briefing_title(b: Briefing, meta: dict) -> str:
    title = meta.get("title", "Members' briefing")
    return title if b.is_home else f"{title}: {b.area_name()}"


def chart_html(b: Briefing, chart, files: dict) -> list[str]:
    """A chart as an image with its description, and its figures as a table beneath."""
    folder = posixpath.dirname(b.page)
    path = f"{folder}/chart-{chart.name}.svg"
    files[path] = chart.svg
    src = b.ctx.link(b.page, path)
    alt = html.escape(chart.description, quote=True)
    head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in chart.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in chart.rows
    )
    return [
        f'<figure class="briefing-chart"><img src="{src}" alt="{alt}">',
        f"<figcaption>{html.escape(chart.description)}</figcaption></figure>",
        "",
        "<details><summary>The figures in this chart</summary>"
        f'<div class="evidence-table"><table><caption>{html.escape(chart.description)}</caption>'
        f"<thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table></div></details>",
        "",
    ]


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


# What fidelity.yaml must hold; jsonschema names the entry and field that is wrong.
FIDELITY_SCHEMA = {
    "type": "object",
    "required": ["paragraphs_2014", "paragraphs"],
    "properties": {
        "paragraphs_2014": {"type": "integer", "minimum": 1},
        "introduction": {"type": "string"},
        "paragraphs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["number", "claim", "verdict"],
                "properties": {
                    "number": {"type": "integer", "minimum": 1},
                    "claim": {"type": "string"},
                    "carried_by": {"type": "array", "items": {"type": "string"}},
                    "verdict": {"type": "string"},
                    "evidence": {"type": "string"},
                },
            },
        },
    },
}


def read_fidelity_map(path, where: str) -> dict:
    """fidelity.yaml as data, or one EvidenceError naming the entry and field that is wrong."""
    import jsonschema

    data = load_yaml(read_text(path, where), where)
    if data is None:
        raise EvidenceError(
            "file is empty; expected paragraphs_2014 and a list of paragraphs", where=where
        )
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(FIDELITY_SCHEMA).iter_errors(data)
    )
    if error is not None:
        at = list(error.absolute_path)
        if len(at) >= 2 and at[0] == "paragraphs":
            place = f"paragraphs entry {at[1] + 1}" + "".join(f", {p}" for p in at[2:])
        else:
            place = ", ".join(str(p) for p in at) or "top level"
        message = error.message
        if error.validator == "type":
            words = {"object": "a mapping (key: value)", "array": "a list", "string": "text"}
            wanted = words.get(error.validator_value, "a whole number")
            message = f"expected {wanted}, found {error.instance!r}"
        raise EvidenceError(f"{place}: {message}", where=where)
    return data


def fidelity_page(b: Briefing, paragraphs: list[Paragraph]) -> Page:
    """Each 2014 paragraph, the regenerated paragraphs that carry it, and today's verdict."""
    path = b.project.docs_dir / FIDELITY
    where = b.project.rel(path)
    if not path.is_file():
        raise EvidenceError(f"the briefing needs its fidelity map {where}")
    data = read_fidelity_map(path, where)
    entries = data["paragraphs"]
    expected = data["paragraphs_2014"]
    numbers = [e["number"] for e in entries]
    missing = sorted(set(range(1, expected + 1)) - set(numbers))
    if not expected or missing or len(numbers) != len(set(numbers)):
        raise EvidenceError(
            f"the fidelity map must give each of the {expected} paragraphs of 2014 exactly once; "
            f"missing: {missing or 'none'}, repeated: "
            f"{sorted({n for n in numbers if numbers.count(n) > 1}) or 'none'}",
            where=where,
        )
    by_key = {p.key: p for p in paragraphs if p.number is not None}
    ctx = b.ctx
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
            href = ctx.link(FIDELITY_PAGE, PAGE) + f"#para-{key}"
            links.append(f'<a href="{href}">paragraph {by_key[key].number}</a>')
        evidence = ctx.jinja(e.get("evidence", ""), FIDELITY_PAGE, where)
        evidence, keys = ctx.cite(" ".join(evidence.split()), FIDELITY_PAGE, where)
        cited += keys
        lines.append(
            f'<tr id="p2014-{e["number"]}"><td>{e["number"]}</td>'
            f"<td>{html.escape(e.get('claim', ''))}</td><td>{', '.join(links) or '—'}</td>"
            f'<td><span class="verdict verdict-{verdict}">{verdict}</span></td>'
            f"<td>{evidence}</td></tr>"
        )
    lines += ["</tbody></table></div>", ""]
    body = ctx.finish(FIDELITY_PAGE, "\n".join(lines) + "\n", cited)
    return Page(FIDELITY_PAGE, body, "Fidelity to the 2014 briefing")
