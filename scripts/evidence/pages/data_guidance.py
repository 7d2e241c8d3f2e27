"""The data guidance page, from datapackage.yaml: each table the analyses load, its columns,
units, allowed values, licence and sources, with the table itself as a CSV download."""

from __future__ import annotations

import csv
import html
import io

from evidence.context import BuildContext, Page
from evidence.formatting import csv_bytes

PAGE = "data.md"
COLUMN_HEADINGS = ("Column", "Type", "Unit", "Required", "Allowed values", "Meaning")


def produce(ctx: BuildContext) -> Page:
    package = ctx.package
    where = ctx.project.rel(package.descriptor_path)
    desc = package.descriptor
    lines = [
        "# Data guidance",
        "",
        html.escape(desc.get("title", "")),
        "",
        "Each table the analyses load, what its columns mean, their units and allowed values, "
        "its licence and sources. Empty cells mean the value is not known from any source we "
        "found; they are never zero.",
        "",
    ]
    licences = {lic["name"]: lic for lic in desc.get("licenses", [])}
    cited: list[str] = []
    files: dict[str, bytes] = {}
    for res in desc["resources"]:
        name = res["name"]
        data = package.read_bytes(name)
        rows = data.decode("utf-8-sig").count("\n") - 1
        target = f"data/{res['path']}"
        frame_rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        files[target] = csv_bytes(frame_rows[0], frame_rows[1:])
        lines += [
            f'<h2 id="table-{name}">{html.escape(res.get("title", name))} '
            f"(<code>{name}</code>)</h2>",
            "",
        ]
        if res.get("description"):
            lines += [html.escape(" ".join(res["description"].split())), ""]
        lic = [licences.get(x["name"], x) for x in res.get("licenses", [])]
        if lic:
            lines += [
                "**Licence:** " + "; ".join(html.escape(x.get("title", x["name"])) for x in lic),
                "",
            ]
        if res.get("citations"):
            text, keys = ctx.cite(str(res["citations"]), PAGE, where)
            cited += keys
            lines += [f"**Sources:** {text}", ""]
        if any(f.get("x-citation-keys") for f in res["schema"]["fields"]):
            lines += [
                "**Sources:** each row cites its own, in the columns marked as citation keys.",
                "",
            ]
        lines += [
            f'<p class="evidence-download"><a href="{ctx.link(PAGE, target)}" download>'
            f"Download {html.escape(res['path'])} (CSV, {rows} rows)</a></p>",
            "",
            '<div class="evidence-table"><table><caption>Columns of '
            f"{html.escape(name)}</caption><thead><tr>"
            + "".join(f'<th scope="col">{h}</th>' for h in COLUMN_HEADINGS)
            + "</tr></thead><tbody>",
        ]
        for f in res["schema"]["fields"]:
            cons = f.get("constraints", {})
            meaning = f.get("description", "")
            if f.get("x-citation-keys"):
                meaning += " (citation keys from references/*.bib)"
            cells = [
                f"<code>{html.escape(f['name'])}</code>",
                html.escape(f.get("type", "string")),
                html.escape(f.get("unit", "")),
                "yes" if cons.get("required") else "",
                html.escape(", ".join(map(str, cons.get("enum", [])))),
                html.escape(meaning),
            ]
            lines.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        lines += ["</tbody></table></div>", ""]
    text = ctx.finish(PAGE, "\n".join(lines) + "\n", cited)
    return ctx.add(Page(PAGE, text, "Data guidance", files))
