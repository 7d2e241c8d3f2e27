"""The build, stage by stage: check inputs, run analyses, render, build the site, swap it in."""

from __future__ import annotations

import contextlib
import fcntl
import json
import math
import re
import shutil
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from evidence import charts, launch, render, uptodate
from evidence.briefing import check_template, has_briefing
from evidence.cite import Bibliography, check_keys
from evidence.config import BuildFacts, SiteConfig
from evidence.context import BuildContext
from evidence.data import DataPackage
from evidence.descriptor import resource_lines
from evidence.errors import EvidenceError
from evidence.processes import DEFAULT_TIMEOUT, child_env
from evidence.project import Project, read_text
from evidence.record import AnalysisRecord, Chart, Table, Text
from evidence.run import read_cells, run_analyses
from evidence.site import mkdocs_build, swap_into_place

SNAPSHOT = "analyses/results.snapshot.json"
LOAD_CALL = re.compile(r"""\bload\(\s*["']([^"']+)["']""")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def build_lock(project: Project):
    """One build at a time per project: a second one stops with a clear message."""
    project.cache_dir.mkdir(parents=True, exist_ok=True)
    path = project.cache_dir / "build.lock"
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise EvidenceError(
                "another build of this project is running; wait for it to finish and try again"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def check(project: Project) -> tuple[DataPackage, Bibliography]:
    """Validate every table, the bibliography and every citation, executing nothing."""
    package = DataPackage(project.data_dir)
    package.loaded_by = tables_loaded(project)
    for name in package.table_names():
        package.validate(name)
    bib = Bibliography(project.references_dir)
    desc_where = project.rel(package.descriptor_path)
    desc_lines = read_text(package.descriptor_path).splitlines()
    starts = resource_lines("\n".join(desc_lines))
    for index, res in enumerate(package.descriptor["resources"]):
        for holder in [res, *res.get("schema", {}).get("fields", [])]:
            if holder.get("citations"):
                cited = str(holder["citations"])
                # the line that says it, from the table's entry on (or the entry's first line)
                start = starts[index] if index < len(starts) else 1
                line = next(
                    (n for n in range(start, len(desc_lines) + 1) if cited in desc_lines[n - 1]),
                    start,
                )
                check_keys(cited, bib, desc_where, line)
    for name in package.table_names():
        for row, column, key in package.citation_cells(name):
            if key not in bib:
                raise EvidenceError(
                    f"row {row}, column {column!r}: unknown citation key {key!r} "
                    "(not in references/*.bib)",
                    where=package.display(name),
                )
    for path in sorted(project.docs_dir.rglob("*.md")):
        if path.relative_to(project.docs_dir).parts[0] == "briefing":
            continue  # the briefing template, checked above
        text = read_text(path, project.rel(path))
        if not text.strip():
            raise EvidenceError(
                "file is empty; expected the page's Markdown (delete the file and its nav entry "
                "in mkdocs.yml if the page is not wanted)",
                where=project.rel(path),
            )
        check_keys(text, bib, project.rel(path))
    if has_briefing(project):
        check_template(project, bib)
    for script in project.analyses():
        if not read_text(script, project.rel(script)).strip():
            raise EvidenceError(
                "file is empty; expected an analysis in Jupytext percent format (# %% cells)",
                where=project.rel(script),
            )
        for cell in read_cells(script, project.rel(script)):
            if cell["type"] == "markdown":
                check_keys(cell["source"], bib, project.rel(script), cell["line"])
    return package, bib


def tables_loaded(project: Project) -> dict[str, list[str]]:
    """Which analyses load each table (``load("name")`` in their source), so a table that fails
    validation can say who needs it before any analysis runs."""
    users: dict[str, list[str]] = {}
    for script in project.analyses():
        try:
            text = script.read_bytes().decode("utf-8", "replace")
        except OSError:
            continue  # reading the analysis itself reports the problem, with its file
        for name in sorted(set(LOAD_CALL.findall(text))):
            users.setdefault(name, []).append(project.rel(script))
    return users


def _quietly(work) -> None:
    """Work done ahead of time: if it fails, the stage that needs it runs it again and reports
    the error there, once, as a message rather than a thread's traceback."""
    with contextlib.suppress(Exception):
        work()


def build(
    project: Project,
    *,
    use_cache: bool = True,
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> dict:
    started = time.perf_counter()
    with build_lock(project):
        facts = BuildFacts.find(project.root)  # the one `git log` of the build
        inputs = uptodate.fingerprint(project, facts.epoch)
        stamp = uptodate.up_to_date(project, inputs) if use_cache else None
        if stamp is not None:
            return _unchanged(project, stamp, started)
        config = SiteConfig.load(project.root / "mkdocs.yml")
        launch.start(child_env())  # its imports run while the data are checked
        stages: dict[str, float] = {}
        mark = time.perf_counter()

        def lap(stage: str) -> None:
            nonlocal mark
            now = time.perf_counter()
            stages[stage] = now - mark
            mark = now

        try:
            log(f"checking data ({project.rel(project.data_dir)}) and references …")
            package, bib = check(project)
            lap("check")
            scripts = project.analyses()
            log(f"running {len(scripts)} analyses …")
            # the references need no result: format them while the analyses run (the main
            # process only waits then); the render stage reads what this thread made
            references = threading.Thread(target=_quietly, args=(bib.formatted,), daemon=True)
            references.start()
            outcomes = run_analyses(
                project, package, scripts, use_cache=use_cache, jobs=jobs, timeout=timeout, log=log
            )
            references.join()
            lap("analyses")
        finally:
            launch.stop()
        records = {o.name: AnalysisRecord.from_json(o.name, o.record) for o in outcomes}

        # Everything new goes into temporary folders beside the targets (same filesystem, so the
        # final moves are atomic renames); nothing existing is touched until all steps succeed.
        project.build_dir.parent.mkdir(parents=True, exist_ok=True)
        project.site_dir.parent.mkdir(parents=True, exist_ok=True)
        new_build = Path(tempfile.mkdtemp(prefix=".build-", dir=project.build_dir.parent))
        new_site = Path(tempfile.mkdtemp(prefix=".site-", dir=project.site_dir.parent))
        try:
            log("rendering pages, the briefing and its Word document …")
            ctx = BuildContext.create(project, config, facts, bib, package, records)
            changes = render.render(ctx, project.build_dir, new_build).changes
            lap("render")
            log("building the site with MkDocs …")
            shutil.rmtree(new_site)
            warnings = mkdocs_build(
                project.root / "mkdocs.yml", new_build / "docs", new_site, facts.epoch
            )
            lap("MkDocs")
            for w in warnings:
                log(f"  mkdocs: {w}")
            swap_into_place(new_build, project.build_dir)
            swap_into_place(new_site, project.site_dir)
            uptodate.record(project, inputs, [s.stem for s in scripts])
        finally:
            shutil.rmtree(new_build, ignore_errors=True)
            shutil.rmtree(new_site, ignore_errors=True)
    ran = sum(not o.reused for o in outcomes)
    if changes:
        log(f"what changed: {changes} (see briefing/changes/)")
    results = {name: r.as_json() for name, r in ctx.results.items()}
    stale = snapshot_differences(project, results)
    if stale and not (project.root / SNAPSHOT).is_file():
        log(f"no results snapshot yet: `evidence snapshot` records one in {SNAPSHOT}")
    elif stale:
        log(
            f"results differ from {SNAPSHOT}: {stale}; if intended, run `evidence snapshot` "
            "and commit it"
        )
    log(
        f"built {project.rel(project.site_dir)}/ in {time.perf_counter() - started:.1f} s "
        f"({ran} analyses run, {len(outcomes) - ran} reused; "
        + ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in stages.items())
        + ")"
    )
    return {"ran": [o.name for o in outcomes if not o.reused], "results": results}


def build_briefing_for(
    project: Project,
    query: str,
    *,
    use_cache: bool = True,
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Path:
    """The briefing for one authority (ONS code or name), written to site/briefing/<code>/ and
    nothing else: the site is built in a temporary folder and only that folder is moved in. An
    unknown authority fails before anything runs, naming the nearest matches."""
    from evidence.briefing import briefing_for, resolve_authority

    started = time.perf_counter()
    with build_lock(project):
        package = DataPackage(project.data_dir)
        code, name = resolve_authority(package, query)
        facts = BuildFacts.find(project.root)
        inputs = uptodate.fingerprint(project, facts.epoch)
        site_was_current = uptodate.up_to_date(project, inputs) is not None
        config = SiteConfig.load(project.root / "mkdocs.yml")
        log(f"briefing for {name} ({code}): checking data and references …")
        package, bib = check(project)
        scripts = project.analyses()
        outcomes = run_analyses(
            project, package, scripts, use_cache=use_cache, jobs=jobs, timeout=timeout, log=log
        )
        records = {o.name: AnalysisRecord.from_json(o.name, o.record) for o in outcomes}
        project.site_dir.parent.mkdir(parents=True, exist_ok=True)
        new_build = Path(tempfile.mkdtemp(prefix=".build-", dir=project.site_dir.parent))
        new_site = Path(tempfile.mkdtemp(prefix=".site-", dir=project.site_dir.parent))
        folder = f"briefing/{code}"
        try:
            ctx = BuildContext.create(project, config, facts, bib, package, records)
            charts.use_cache(project.cache_dir)
            rendered = render.gather(ctx, project.build_dir)
            rendered.pages.append(ctx.add(briefing_for(ctx, code)))
            render.write(rendered, new_build, project.cache_dir)
            log("building the page with MkDocs (only its folder is kept) …")
            shutil.rmtree(new_site)
            mkdocs_build(project.root / "mkdocs.yml", new_build / "docs", new_site, facts.epoch)
            if (project.site_dir / "index.html").is_file():
                (project.site_dir / folder).parent.mkdir(parents=True, exist_ok=True)
                swap_into_place(new_site / folder, project.site_dir / folder)
            else:  # no site yet: the whole new one, which holds the default build too
                swap_into_place(new_site, project.site_dir)
            if site_was_current:  # so the next build with the same inputs still has nothing to do
                uptodate.record(project, inputs, [s.stem for s in scripts])
        finally:
            shutil.rmtree(new_build, ignore_errors=True)
            shutil.rmtree(new_site, ignore_errors=True)
    where = project.site_dir / folder
    log(
        f"wrote {project.rel(where)}/ (index.html and briefing.docx) for {name} in "
        f"{time.perf_counter() - started:.1f} s; the rest of {project.rel(project.site_dir)}/ "
        "is as it was"
    )
    return where


def _unchanged(project: Project, stamp: dict, started: float) -> dict:
    """The build when nothing it reads changed and site/ is as it left it: nothing to do."""
    log("nothing changed since the last build: inputs, code, build/ and site/ are as they were")
    names = stamp.get("analyses", [])
    for name in names:
        log(f"  reuse analyses/{name}.py (inputs unchanged)")
    log(f"analyses: 0 run, {len(names)} reused from cache — nothing to execute")
    results = json.loads((project.build_dir / "results.json").read_text(encoding="utf-8"))
    log(
        f"built {project.rel(project.site_dir)}/ in {time.perf_counter() - started:.1f} s "
        f"(0 analyses run, {len(names)} reused; site/ was up to date)"
    )
    return {"ran": [], "results": results}


def run_one(project: Project, script: Path, timeout: float = DEFAULT_TIMEOUT) -> AnalysisRecord:
    """Execute one analysis (no cache) and return its record."""
    package = DataPackage(project.data_dir)
    outcome = run_analyses(project, package, [script], use_cache=False, timeout=timeout, log=log)
    return AnalysisRecord.from_json(script.stem, outcome[0].record)


def print_record(record: AnalysisRecord) -> None:
    for cell in record.cells:
        for output in cell.outputs:
            if isinstance(output, Text) and output.stream:
                print(output.text, end="")
            elif isinstance(output, Table):
                print(output.caption or "table", f"({len(output.rows)} rows)")
            elif isinstance(output, Chart):
                print("chart:", output.description or "(no description)")
            else:
                print(output.text)
    print(json.dumps(record.results, indent=1, sort_keys=True))


# ---- the committed snapshot of results ------------------------------------------------------


# Monte Carlo sums come out a unit in the last place apart on different CPUs and BLAS builds, so
# the snapshot keeps 12 significant figures and compares to a relative 1e-9; results.json keeps
# every digit.
SNAPSHOT_DIGITS = 12


def _snapshot_value(value):
    return float(f"{value:.{SNAPSHOT_DIGITS}g}") if isinstance(value, float) else value


def snapshot_of(results: dict) -> dict:
    """What reviewers diff in git: each result's value and unit, sorted by name."""
    return {
        name: {"unit": r["unit"], "value": _snapshot_value(r["value"])}
        for name, r in sorted(results.items())
    }


def same_snapshot_entry(old, new) -> bool:
    """Whether two snapshot entries agree: the same unit, and values equal or floats within 1e-9."""
    if not (isinstance(old, dict) and isinstance(new, dict)) or old.get("unit") != new.get("unit"):
        return old == new
    a, b = old.get("value"), new.get("value")
    if isinstance(a, float) or isinstance(b, float):
        if isinstance(a, int | float) and isinstance(b, int | float):
            return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def snapshot_text(results: dict) -> str:
    return json.dumps(snapshot_of(results), sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def snapshot_differences(project: Project, results: dict) -> str | None:
    """A short account of how `results` differ from the committed snapshot, or None."""
    path = project.root / SNAPSHOT
    if not path.is_file():
        return f"{SNAPSHOT} does not exist yet"
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        return f"it is not valid JSON (line {exc.lineno})"
    new = snapshot_of(results)
    added = sorted(set(new) - set(old))
    removed = sorted(set(old) - set(new))
    changed = sorted(k for k in set(old) & set(new) if not same_snapshot_entry(old[k], new[k]))
    if not (added or removed or changed):
        return None
    parts = []
    for label, names in (("changed", changed), ("added", added), ("removed", removed)):
        if names:
            shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
            parts.append(f"{len(names)} {label} ({shown})")
    return "; ".join(parts)


def write_snapshot(project: Project, results: dict) -> Path:
    path = project.root / SNAPSHOT
    path.write_text(snapshot_text(results), encoding="utf-8")
    return path
