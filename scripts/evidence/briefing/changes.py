"""The what-changed page: this build's results, arrangement rows and briefing sentences
compared with the previous build's, as a statistics release note would list them."""

from __future__ import annotations

import html

from evidence.briefing.template import CHANGES_PAGE, PAGE, Briefing, Paragraph
from evidence.briefing.text import sentences
from evidence.context import Page
from evidence.formatting import anchor, shown_with_unit

TITLE = "What changed"


def build_state(b: Briefing, paragraphs: list[Paragraph]) -> dict:
    results = {
        name: {"value": r.value, "unit": r.unit, "description": r.description}
        for name, r in sorted(b.ctx.results.items())
    }
    arrangements = {}
    if b.package is not None and "arrangements" in b.package.table_names():
        for row in b.table("arrangements"):
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
    return html.escape(shown_with_unit(value, unit))


def changes_page(b: Briefing, old: dict | None, new: dict, old_label: str) -> Page:
    ctx = b.ctx
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
        return Page(CHANGES_PAGE, "\n".join(lines), TITLE)
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
            link = ctx.link(CHANGES_PAGE, "results.md") + f"#{anchor(name)}"
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
            href = ctx.link(CHANGES_PAGE, PAGE) + f"#para-{key}"
            lines += [f'### <a href="{href}">Paragraph {number}</a> ({kind})', ""]
            lines += ['<ul class="sentence-changes">']
            lines += [f'<li class="before"><del>{html.escape(s)}</del></li>' for s in gone]
            lines += [f'<li class="after"><ins>{html.escape(s)}</ins></li>' for s in came]
            lines += ["</ul>", ""]
    else:
        lines += ["No paragraph of the briefing changed.", ""]
    return Page(CHANGES_PAGE, "\n".join(lines), TITLE)


def summarise_changes(old: dict | None, new: dict) -> str | None:
    if old is None:
        return None
    d = diff_states(old, new)
    return (
        f"{len(d['results'])} results, {len(d['arrangements'])} arrangements and "
        f"{len(d['paragraphs'])} briefing paragraphs changed since the previous build"
    )
