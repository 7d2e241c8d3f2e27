"""A page per commissioning arrangement (one per row of the ``arrangements`` table), at
``arrangements/<id>/``: what the council bought, from whom, for how long, at what value and what
happened after, each fact with the source it comes from and the row's evidence grade. The
comparison table links each arrangement's name here; profiles can link the same address."""

from __future__ import annotations

import csv
import html
import io

from evidence.context import BuildContext, Page
from evidence.data import parse_field_map, parse_key_list
from evidence.formatting import format_number

TABLE = "arrangements"
FOLDER = "arrangements"
COMPARISON = "comparison.md"
GRADES = {
    "primary": "primary: a council decision, tender or award notice, or official statistics",
    "secondary": "secondary: press, trade journals, summaries or aggregator copies of notices",
    "briefing-only": "briefing only: nothing but the 2014 briefing says it (unconfirmed; the "
    "briefing has no public copy)",
}
# (heading, [(column, label)]) in the order a reader asks
SECTIONS = [
    (
        "What was bought",
        [
            ("model", "How places are bought"),
            ("beds", "Beds or places"),
            ("provider_count", "Providers contracted"),
            ("status", "Status"),
        ],
    ),
    (
        "Who bought it, from whom",
        [
            ("lead_authority", "Lead authority"),
            ("authorities", "Authorities taking part"),
            ("partners", "Other partners"),
            ("provider_names", "Providers"),
        ],
    ),
    (
        "For how long",
        [
            ("start_year", "Start year"),
            ("end_year", "End year (initial term)"),
            ("term_years", "Initial term"),
            ("extension_years", "Extensions in total"),
            ("termination_terms", "Termination or break clauses"),
        ],
    ),
    (
        "At what price",
        [
            ("weekly_price_gbp", "Weekly price per bed"),
            ("price_year", "Price year"),
            ("contract_value_gbp", "Contract value (as published)"),
            ("value_period", "What the value covers"),
        ],
    ),
    ("What happened after", [("outcome_evidence", "Reported outcomes")]),
]
UNITS = {"term_years": "years", "extension_years": "years", "beds": "", "provider_count": ""}


def page_path(arrangement_id: str) -> str:
    """The build path of an arrangement's page; published at arrangements/<id>/."""
    return f"{FOLDER}/{arrangement_id}.md"


def produce(ctx: BuildContext) -> list[Page]:
    package = ctx.package
    if package is None or TABLE not in package.table_names():
        return []
    where = ctx.project.rel(package.path(TABLE))  # relative: the same bytes in any folder
    fields = {f["name"]: f for f in package.fields(TABLE)}
    rows = list(csv.DictReader(io.StringIO(package.read_bytes(TABLE).decode("utf-8-sig"))))
    names = _authority_names(ctx)
    return [ctx.add(_page(ctx, row, fields, names, where, len(rows))) for row in rows]


def _authority_names(ctx: BuildContext) -> dict[str, str]:
    if "authorities" not in ctx.package.table_names():
        return {}
    text = ctx.package.read_bytes("authorities").decode("utf-8-sig")
    return {r["ons_code"]: r["name"] for r in csv.DictReader(io.StringIO(text))}


def _page(ctx, row, fields, names, where, count) -> Page:
    page = page_path(row["id"])
    cited: list[str] = []

    def cite(keys: list[str]) -> str:
        text, found = ctx.cite("[" + "; ".join("@" + k for k in keys) + "]", page, where)
        cited.extend(found)
        return text

    row_keys = parse_key_list(row.get("sources") or "")
    own = dict(parse_field_map(row.get("field_sources") or ""))
    grade = row.get("evidence_grade") or ""
    back = ctx.link(page, COMPARISON) + f"#arrangement-{row['id']}"
    parts = [
        f"<!-- Generated from {where}, row id {row['id']}; edit that table, not this page. -->",
        f"# {html.escape(row['name'])}",
        f'<p class="evidence-source">One of the {count} arrangements in the '
        f'<a href="{back}">comparison of arrangements</a> · '
        f'<a href="{ctx.link(page, "data.md")}#table-{TABLE}">the data table and its columns</a>'
        "</p>",
        f"**Evidence grade:** {html.escape(GRADES.get(grade, grade))}. Each fact below gives "
        "its source: the row's sources, or the one document a field comes from. An empty fact "
        "is one no source we found states.",
    ]
    for heading, columns in SECTIONS:
        body = []
        for column, label in columns:
            raw = (row.get(column) or "").strip()
            shown = _value(ctx, page, column, raw, fields.get(column, {}), names)
            if not shown:
                shown, source = "<em>not stated in any source we found</em>", ""
            else:
                source = cite([own[column]] if column in own else row_keys)
            body.append(
                f'<tr><th scope="row">{html.escape(label)}</th><td>{shown}</td>'
                f"<td>{source}</td><td>{html.escape(grade)}</td></tr>"
            )
        parts += [
            f"## {heading}",
            '<div class="evidence-table"><table><caption>'
            f"{html.escape(heading)}: {html.escape(row['name'])}</caption><thead><tr>"
            '<th scope="col">Fact</th><th scope="col">Value</th><th scope="col">Source</th>'
            '<th scope="col">Grade</th></tr></thead><tbody>'
            + "".join(body)
            + "</tbody></table></div>",
        ]
    if (row.get("notes") or "").strip():
        parts += ["## Notes and caveats", html.escape(row["notes"].strip())]
    if row_keys:
        parts += ["## Sources of this row", cite(row_keys)]
    text = ctx.finish(page, "\n\n".join(parts) + "\n", cited)
    return Page(page, text, row["name"])


def _value(ctx, page, column, raw, field, names) -> str:
    """A cell as a reader sees it: authorities named and linked to their profiles, years as
    years, money as published (these are quoted sums, so exact), units stated."""
    if not raw:
        return ""
    if column in ("lead_authority", "authorities"):
        shown = []
        for code in (c.strip() for c in raw.split(";") if c.strip()):
            name = html.escape(names.get(code, code))
            profile = f"authorities/{code}.md"
            if profile in ctx.titles:
                name = f'<a href="{ctx.link(page, profile)}">{name}</a>'
            shown.append(name)
        return "; ".join(shown)
    kind = field.get("type", "string")
    if kind in ("integer", "number"):
        value = float(raw)
        if field.get("unit") == "year":
            return str(int(value))
        unit = field.get("unit", "")
        text = format_number(value, "GBP" if unit.startswith("GBP") else "")
        suffix = UNITS.get(column, unit[3:].strip() if unit.startswith("GBP") else unit)
        return html.escape(f"{text} {suffix}".strip())
    return html.escape(raw)
