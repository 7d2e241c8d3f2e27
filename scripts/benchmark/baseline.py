"""The baseline: the same analyses and pages put on a site the way an analyst otherwise would, by
MkDocs with mkdocs-jupyter executing each script as a notebook through a Jupyter kernel.

Its environment (``.cache/bench/venv``) is installed from its own lock, ``baseline.lock`` beside
this file (exact versions with hashes, made by pip-compile from ``baseline.in``), never into
``.venv`` or the project's lock, so every run compares against the same versions.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from evidence.errors import EvidenceError
from evidence.project import sha256_bytes

from .projects import load_mkdocs_yml
from .timing import say

LOCK = Path(__file__).with_name("baseline.lock")
VERSIONS = [
    "mkdocs",
    "mkdocs-material",
    "mkdocs-jupyter",
    "nbconvert",
    "nbclient",
    "jupyter-client",
    "ipykernel",
    "ipython",
    "jupytext",
    "pandas",
    "altair",
]
PLUGIN = "mkdocs-jupyter"


def ensure_venv(root: Path) -> Path:
    """The baseline's environment, (re)installed from baseline.lock when the lock changed."""
    venv = root / ".cache" / "bench" / "venv"
    want = sha256_bytes(LOCK.read_bytes())
    stamp = venv / ".bench-hash"
    python = venv / "bin" / "python"
    if python.is_file() and stamp.is_file() and stamp.read_text().strip() == want:
        return venv
    say(f"setting up the baseline's environment in {venv} from {LOCK.name} (a few minutes) …")
    if venv.exists():  # installed from another lock: start again, so nothing extra stays behind
        shutil.rmtree(venv)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    proc = subprocess.run(
        [str(python), "-m", "pip", "--quiet", "--disable-pip-version-check", "install"]
        + ["--require-hashes", "-r", str(LOCK)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        noise = "is ignored: it is neither a file nor a directory"
        lines = [ln for ln in proc.stderr.splitlines() if noise not in ln]
        raise EvidenceError("pip failed in the baseline's environment:\n" + "\n".join(lines))
    stamp.write_text(want + "\n")
    return venv


_FACTS = """
import importlib.metadata as m, json, sys
from mkdocs_jupyter.plugin import Plugin
out = {}
for n in json.loads(sys.argv[1]):
    try:
        out[n] = m.version(n)
    except m.PackageNotFoundError:
        pass
options = dict(Plugin.config_scheme)
print(json.dumps({"versions": out, "cache": options["cache"].default,
                  "cache_dir": options["cache_dir"].default}))
"""


def facts(venv: Path) -> dict:
    """The installed versions, and where the installed plugin keeps its cache by default (asked of
    the plugin itself, so a new pin cannot move the cache out from under the cold runs)."""
    out = subprocess.run(
        [str(venv / "bin" / "python"), "-c", _FACTS, json.dumps(VERSIONS)],
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise EvidenceError(f"could not read the baseline's environment: {out.stderr.strip()}")
    return json.loads(out.stdout)


def make_project(project: Path, target: Path) -> Path:
    """The same analyses and pages as a plain MkDocs project rendered by mkdocs-jupyter, with the
    plugin's defaults (its cache on, as a user would have it). Returns its mkdocs.yml."""
    docs = target / "docs"
    docs.mkdir(parents=True)
    for path in sorted((project / "docs").rglob("*")):
        if path.is_file():
            dest = docs / path.relative_to(project / "docs")
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
    for script in sorted((project / "analyses").glob("*.py")):
        if not script.name.startswith("_"):
            shutil.copyfile(script, docs / script.name)
    config = load_mkdocs_yml(project / "mkdocs.yml")
    for key in ("nav", "extra_css", "extra_javascript", "hooks", "site_dir"):
        config.pop(key, None)
    config["docs_dir"] = "docs"
    custom = (config.get("theme") or {}).get("custom_dir")
    if custom and (project / custom).is_dir():  # the same theme overrides as ours
        shutil.copytree(project / custom, target / custom)
    config["plugins"] = [
        "search",
        {
            PLUGIN: {
                "execute": True,
                "allow_errors": False,  # a failing analysis must fail the baseline too
                "include": ["*.py"],
                "kernel_name": "python3",
            }
        },
    ]
    path = target / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def cache_dir(project: Path, plugin_facts: dict) -> Path:
    """The plugin's cache folder for a build run in `project` (its default is relative to the
    working directory, which is where the benchmark runs mkdocs)."""
    return project / plugin_facts["cache_dir"]
