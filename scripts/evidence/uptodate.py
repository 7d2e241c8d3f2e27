"""Nothing changed, nothing to do: skip a build whose inputs, code and outputs are as they were.

After a build succeeds we record one fingerprint of everything it read (every file of the project
outside build/, site/, tests/ and hidden folders, the data directory wherever it is, the pipeline's
own code, the commit date the site is stamped with, the Python version) and a content hash of
site/ and build/ as written. The next build that finds the same fingerprint and both trees intact
has nothing to execute, render or build; any difference, a missing or edited output, or
``--no-cache``, means a full build as before. Making this check costs a few hashes, so a rebuild
with nothing changed takes a fraction of a bare ``mkdocs build``.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from evidence.project import Project, content_hash

STAMP = "last-build.json"
SKIP_DIRS = {"tests", "node_modules", "__pycache__"}
SKIP_FILES = {"bench-report.json"}


def _files(top: Path, skip: set[Path]):
    for folder, dirs, files in os.walk(top):
        here = Path(folder)
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".") and d not in SKIP_DIRS and (here / d) not in skip
        )
        for name in sorted(files):
            if name not in SKIP_FILES and not name.endswith((".pyc", ".tmp")):
                yield here / name


def fingerprint(project: Project, epoch: str) -> str:
    """One hash of everything a build of `project` reads (`epoch`: the commit time it is
    stamped with, config.BuildFacts)."""
    import evidence

    code = Path(evidence.__file__).parent
    skip = {project.build_dir, project.site_dir}
    digest = hashlib.sha256()
    digest.update(
        json.dumps(
            {
                "root": str(project.root),
                "data": str(project.data_dir),
                "site": str(project.site_dir),
                "python": sys.version,
                "date": os.environ.get("SOURCE_DATE_EPOCH") or epoch,
            },
            sort_keys=True,
        ).encode()
    )
    tops = [project.root]
    for extra in (project.data_dir, code):
        if not extra.is_relative_to(project.root):
            tops.append(extra)
    for top in tops:
        for path in _files(top, skip):
            try:
                data = path.read_bytes()
            except OSError:
                continue
            digest.update(f"\0{path}\0{len(data)}\0".encode())
            digest.update(data)
    return digest.hexdigest()


def _stamp_path(project: Project) -> Path:
    return project.cache_dir / STAMP


def up_to_date(project: Project, inputs: str) -> dict | None:
    """The last build's stamp if `inputs` match it and site/ and build/ are as it left them."""
    path = _stamp_path(project)
    try:
        stamp = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if stamp.get("inputs") != inputs:
        return None
    for key, tree in (("site", project.site_dir), ("build", project.build_dir)):
        if not tree.is_dir() or content_hash(tree) != stamp.get(key):
            return None
    return stamp


def record(project: Project, inputs: str, analyses: list[str]) -> None:
    """Remember a successful build (written atomically, like the analysis cache)."""
    stamp = {
        "inputs": inputs,
        "site": content_hash(project.site_dir),
        "build": content_hash(project.build_dir),
        "analyses": analyses,
    }
    path = _stamp_path(project)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(json.dumps(stamp, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def forget(project: Project) -> None:
    _stamp_path(project).unlink(missing_ok=True)
