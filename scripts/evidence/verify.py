"""`evidence verify`: run every analysis again, bypassing the cache, and compare each result with
the last build's results.json.

The cache is trusted by every build; verify is how a reviewer checks that trust. It executes
each analysis in a fresh process exactly as a build would (same data, same checks), writes
nothing to the cache, the build or the site, and reports every result as reproduced, differs
(old -> new), missing (published by the last build, not now) or new (published now, not by the
last build). Anything but "reproduced" makes it exit non-zero.
"""

from __future__ import annotations

import json
from pathlib import Path

from evidence.errors import EvidenceError
from evidence.processes import DEFAULT_TIMEOUT
from evidence.project import Project
from evidence.run import run_analyses

RESULTS = "results.json"


def last_results(project: Project) -> tuple[Path, dict]:
    """The results.json of the last successful build (the site's copy, else build/'s)."""
    for path in (project.site_dir / RESULTS, project.build_dir / RESULTS):
        if path.is_file():
            try:
                return path, json.loads(path.read_text(encoding="utf-8"))
            except ValueError as exc:
                raise EvidenceError(f"not valid JSON ({exc})", where=project.rel(path)) from None
    raise EvidenceError(
        f"no {RESULTS} in {project.rel(project.site_dir)}/; run `evidence build` first, "
        "then verify what it published"
    )


def _show(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def compare(old: dict, new: dict) -> list[tuple[str, str, str]]:
    """(status, name, text) for every result in either; status is reproduced, differs, missing
    or new."""
    rows = []
    for name in sorted(set(old) | set(new)):
        if name not in new:
            rows.append(("missing", name, "in the last build, but no analysis publishes it now"))
            continue
        if name not in old:
            rows.append(("new", name, f"{_show(new[name]['value'])} {new[name]['unit']}"))
            continue
        a, b = old[name], new[name]
        same_value = a.get("value") == b["value"] and type(a.get("value")) is type(b["value"])
        if same_value and a.get("unit") == b["unit"]:
            rows.append(("reproduced", name, f"{_show(b['value'])} {b['unit']}"))
            continue
        text = f"{_show(a.get('value'))} {a.get('unit', '')} → {_show(b['value'])} {b['unit']}"
        changed = sorted(
            t
            for t in set(a.get("inputs", {})) | set(b["inputs"])
            if (a.get("inputs", {}).get(t) or {}).get("sha256")
            != (b["inputs"].get(t) or {}).get("sha256")
        )
        if changed:
            text += f" (input changed since that build: {', '.join(changed)})"
        rows.append(("differs", name, text))
    return rows


def verify(
    project: Project,
    *,
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    log=None,
    out=print,
) -> int:
    """Re-execute every analysis without the cache; print each result's status; return the
    exit status (0 only when every result is reproduced)."""
    from evidence.pipeline import build_lock, check
    from evidence.record import AnalysisRecord, collect_results

    with build_lock(project):  # a build running now would change results.json under us
        where, old = last_results(project)
        package, _ = check(project)
        outcomes = run_analyses(
            project,
            package,
            project.analyses(),
            use_cache=False,
            jobs=jobs,
            timeout=timeout,
            log=log,
            keep=False,
        )
    records = {o.name: AnalysisRecord.from_json(o.name, o.record) for o in outcomes}
    new = {name: r.as_json() for name, r in collect_results(records).items()}
    rows = compare(old, new)
    width = max((len(status) for status, _, _ in rows), default=0)
    for status, name, text in rows:
        out(f"{status:<{width}}  {name}: {text}")
    counts = {s: sum(r[0] == s for r in rows) for s in ("reproduced", "differs", "missing", "new")}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n or s == "reproduced")
    out(
        f"verify: {summary} — {len(outcomes)} analyses re-run without the cache, compared with "
        f"{project.rel(where)}"
    )
    return 0 if counts["reproduced"] == len(rows) else 1
