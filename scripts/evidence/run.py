"""Stage 2, run: execute each analysis as plain Python in a fresh process, cell by cell.

The parent (``run_analyses``) decides from content hashes which analyses must run, runs those in
parallel child processes (forked by ``launch``, else ``python -m evidence.run``), and caches
what they produced. A child
reads the cells with jupytext, executes them in one namespace, and writes a JSON record of every
cell's Markdown, printed output, tables, charts and published results (``record`` documents it).
Starting, watching and stopping the child processes is ``processes``.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import os
import signal
import sys
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from evidence import api
from evidence.capture import capture
from evidence.errors import EvidenceError
from evidence.processes import DEFAULT_TIMEOUT, PROGRESS_ENV, run_child, stop_children, stopping
from evidence.project import Project, read_text, sha256_bytes, sha256_file

PACKAGE = Path(__file__).resolve().parent


def package_modules() -> list[str]:
    """The package's source files loaded in this process (the runner, the API and whatever the
    analysis imported from the package, directly or not), relative to the package: the code
    part of the analysis's cache key."""
    files = {"run.py"}  # the runner itself runs as __main__
    for name, module in list(sys.modules.items()):
        if name == "__main__":  # run.py itself, or the launcher a forked child came from
            continue
        path = getattr(module, "__file__", None)
        if path and Path(path).resolve().is_relative_to(PACKAGE):
            files.add(Path(path).resolve().relative_to(PACKAGE).as_posix())
    return sorted(files)


def code_hash(modules: list[str]) -> str | None:
    """One hash of those files as they are now; None if one has gone."""
    try:
        return sha256_bytes(b"".join(m.encode() + (PACKAGE / m).read_bytes() for m in modules))
    except OSError:
        return None


# ---------------------------------------------------------------------------------------------
# child side


def read_cells(path: Path, where: str | None = None) -> list[dict]:
    """Cells of a percent-format script, with the file line each code cell starts on."""
    import jupytext

    text = read_text(path, where)
    notebook = jupytext.reads(text, fmt="py:percent")
    lines = text.splitlines()
    markers = [i for i, line in enumerate(lines) if line.startswith("# %%")]
    cells = []
    for index, cell in enumerate(notebook.cells):
        # jupytext drops the marker line; a cell's body starts on the line after its marker
        # (or at line 1 when a file opens without one).
        if len(markers) == len(notebook.cells):
            start = markers[index] + 2
        elif len(markers) == len(notebook.cells) - 1:
            start = 1 if index == 0 else markers[index - 1] + 2
        else:
            start = 1
        cells.append({"type": cell.cell_type, "source": cell.source, "line": start})
    return cells


def execute(path: Path, session: api.Session) -> dict:
    """Run every cell; return the record. Raises _CellError on the first exception."""
    cells = read_cells(path)
    namespace = {"__name__": "__main__", "__file__": str(path)}
    record = {"analysis": path.name, "cells": []}
    for number, cell in enumerate(cells, start=1):
        if cell["type"] == "markdown":
            record["cells"].append({"type": "markdown", "source": cell["source"]})
            continue
        if cell["type"] != "code":
            continue
        session.cell = number
        session.displays = []
        if os.environ.get(PROGRESS_ENV):  # the parent names this cell if the analysis hangs
            Path(os.environ[PROGRESS_ENV]).write_text(f"{number} {cell['line']}")
        out = io.StringIO()
        try:
            try:
                tree = ast.parse(cell["source"], filename=str(path))
            except SyntaxError as exc:  # report the file's line, not the cell's
                exc.lineno = (exc.lineno or 1) + cell["line"] - 1
                raise
            ast.increment_lineno(tree, cell["line"] - 1)
            last = None
            if tree.body and isinstance(tree.body[-1], ast.Expr):
                last = ast.Expression(tree.body.pop().value)
            with contextlib.redirect_stdout(out):
                exec(compile(tree, str(path), "exec"), namespace)
                value = eval(compile(last, str(path), "eval"), namespace) if last else None
        except BaseException as exc:  # noqa: BLE001 - any failure must stop the build
            raise _CellError(path, number, exc) from exc
        outputs = []
        if out.getvalue():
            outputs.append({"kind": "stream", "text": out.getvalue()})
        for shown in session.displays:
            if isinstance(shown["obj"], str):  # show("text"): Markdown on the page
                outputs.append({"kind": "markdown", "text": shown["obj"]})
                continue
            outputs.append(capture(shown["obj"], shown["caption"], shown["description"]))
        captured = capture(value) if value is not None else None
        if captured:
            outputs.append(captured)
        record["cells"].append(
            {"type": "code", "source": cell["source"], "line": cell["line"], "outputs": outputs}
        )
    record["results"] = session.results
    record["inputs"] = session.inputs
    if session.pages:
        lines = {number: cell["line"] for number, cell in enumerate(cells, start=1)}
        record["pages"] = _capture_pages(session.pages, lines)
    record["modules"] = package_modules()
    return record


def _capture_pages(pages: dict, lines: dict[int, int]) -> dict:
    """Generated pages (``with page(...)``) as plain JSON: Markdown text, tables and charts,
    each with the cell and line of the ``show(...)`` that made it (for errors and Sources)."""
    out = {}
    for path, spec in pages.items():
        outputs = []
        for item in spec["items"]:
            if isinstance(item["obj"], str):
                captured = {"kind": "markdown", "text": item["obj"]}
            else:
                captured = capture(item["obj"], item["caption"], item["description"])
            if captured:
                outputs.append({**captured, "cell": item["cell"], "line": lines.get(item["cell"])})
        out[path] = {"title": spec["title"], "outputs": outputs}
    return out


class _CellError(Exception):
    def __init__(self, path: Path, cell: int, exc: BaseException):
        tb = traceback.extract_tb(exc.__traceback__)
        own = [f for f in tb if f.filename == str(path)]
        self.line = own[-1].lineno if own else None
        self.cell = cell
        frames = [f for f in tb if "evidence/run.py" not in f.filename]
        text = "".join(traceback.format_list(frames))
        text += "".join(traceback.format_exception_only(type(exc), exc))
        self.traceback = text
        if isinstance(exc, SyntaxError):
            self.line = exc.lineno
            self.summary = f"SyntaxError: {exc.msg}"
        elif isinstance(exc, EvidenceError):  # a user's mistake: the message says it all
            self.summary = str(exc)
            self.traceback = ""
        else:
            self.summary = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        super().__init__(self.summary)


def _guard_data_reads(session: api.Session) -> None:
    """Stop an analysis that opens a data file itself: the cache could not see that input."""
    data_dir = str(session.data_dir.resolve())

    def hook(event, args):
        if event == "open" and not session.reading and args and isinstance(args[0], str | Path):
            target = os.path.abspath(args[0])
            if target.startswith(data_dir + os.sep) and target.endswith((".csv", ".json")):
                name = Path(target).stem
                raise EvidenceError(
                    f"opened {target} directly; load tables by name with load({name!r}) "
                    "so the build knows what the analysis read"
                )

    sys.addaudithook(hook)


def child_main(analysis: str, out_path: str) -> int:
    # Ctrl-C even if the parent's shell ignored it: at the time limit it says where we were
    signal.signal(signal.SIGINT, signal.default_int_handler)
    path = Path(analysis).resolve()
    session = api.Session(data_dir=Path(os.environ[api.DATA_ENV]), standalone=False)
    api._session = session
    _guard_data_reads(session)
    try:
        record = execute(path, session)
        record["ok"] = True
    except _CellError as err:
        record = {
            "ok": False,
            "cell": err.cell,
            "line": err.line,
            "error": err.summary,
            "traceback": err.traceback,
        }
    Path(out_path).write_text(json.dumps(record, sort_keys=True), encoding="utf-8")
    return 0 if record["ok"] else 1


# ---------------------------------------------------------------------------------------------
# parent side


@dataclass
class Outcome:
    name: str
    record: dict
    reused: bool
    seconds: float


def cache_key(project: Project, script: Path, inputs: dict, modules: list[str]) -> str | None:
    """The script's bytes, the lock file, the input tables' hashes and the package code it ran
    with (run.package_modules); None when a module it ran with no longer exists."""
    code = code_hash(modules)
    if code is None:
        return None
    parts = {
        "script": sha256_file(script),
        "lock": project.lock_hash,
        "code": code,
        "inputs": inputs,
    }
    return sha256_bytes(json.dumps(parts, sort_keys=True).encode())


def current_inputs(package, recorded: dict) -> dict | None:
    """The recorded inputs' hashes as they are now, or None if a table has gone."""
    now = {}
    for name in recorded:
        try:
            now[name] = {
                "sha256": sha256_bytes(package.read_bytes(name)),
                "schema": package.descriptor_hash(name),
            }
        except EvidenceError:
            return None
    return now


def _cache_path(project: Project, script: Path) -> Path:
    return project.cache_dir / "analyses" / f"{script.stem}.json"


def cached(project: Project, package, script: Path) -> dict | None:
    path = _cache_path(project, script)
    if not path.is_file():
        return None
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return None
    record = entry.get("record") or {}
    inputs = current_inputs(package, record.get("inputs", {}))
    modules = record.get("modules")
    if inputs is None or not modules:
        return None
    key = cache_key(project, script, inputs, modules)
    return record if key is not None and key == entry.get("key") else None


def store(project: Project, script: Path, record: dict) -> None:
    path = _cache_path(project, script)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = cache_key(project, script, record["inputs"], record["modules"])
    entry = {"key": key, "record": record}
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(json.dumps(entry, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)  # a killed build never leaves a half-written cache entry


def run_analyses(
    project: Project,
    package,
    scripts: list[Path],
    *,
    use_cache: bool = True,
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    log=None,
    keep: bool = True,
) -> list[Outcome]:
    """Run (or reuse) every analysis; raise EvidenceError on the first failure. With
    keep=False (``evidence verify``) fresh records are not written to the cache."""
    log = log or (lambda msg: print(msg, file=sys.stderr, flush=True))
    outcomes: dict[str, Outcome] = {}
    todo = []
    for script in scripts:
        record = cached(project, package, script) if use_cache else None
        if record is not None:
            outcomes[script.stem] = Outcome(script.stem, record, True, 0.0)
            log(f"  reuse {project.rel(script)} (inputs unchanged)")
        else:
            todo.append(script)

    def work(script: Path) -> Outcome:
        log(f"  run   {project.rel(script)} …")
        start = time.perf_counter()
        record = run_child(project, package, script, timeout, log)
        seconds = time.perf_counter() - start
        log(f"  done  {project.rel(script)} in {seconds:.1f} s")
        if keep:
            store(project, script, record)  # a correct result is kept even if another one fails
        return Outcome(script.stem, record, False, seconds)

    errors = []
    if todo:
        workers = max(1, min(jobs or os.cpu_count() or 2, len(todo)))
        stopping.clear()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(work, s) for s in todo]
            try:
                for future in futures:
                    try:
                        outcome = future.result()
                    except EvidenceError as exc:
                        errors.append(exc)
                        continue
                    outcomes[outcome.name] = outcome
            except BaseException:
                # interrupted (Ctrl-C, SIGTERM): stop the analyses running now, start no more;
                # a killed analysis writes no record, so nothing half-done reaches the cache
                for future in futures:
                    future.cancel()
                stop_children()
                raise
    if errors:
        raise errors[0]
    ran = sum(not o.reused for o in outcomes.values())
    log(
        f"analyses: {ran} run, {len(outcomes) - ran} reused from cache"
        + (" — nothing to execute" if ran == 0 else "")
    )
    return [outcomes[s.stem] for s in scripts]


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1], sys.argv[2]))
