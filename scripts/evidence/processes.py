"""Stage 2's processes: each analysis runs in a child process (``python -m evidence.run``) that
the build starts, watches and stops. While one runs, a ``still running`` line goes to stderr at a
steady interval; past the time limit it is interrupted, and the message names the cell and line
it was on (or, if it could not say, the cell it last started, which the child writes to a small
file beside its record); on Ctrl-C or SIGTERM every child is stopped and none is started after."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from evidence import api, launch
from evidence.errors import EvidenceError
from evidence.project import Project

# Seconds an analysis may take. The slowest shipped analysis (authorities.py) took 13.4 s on the
# 2-core machine at a load average of 10.6 (`evidence run`, 2 December 2026); 120 s leaves about
# nine times that, so a hung analysis stops in two minutes rather than ten. --timeout raises it.
DEFAULT_TIMEOUT = 120
PROGRESS_EVERY = 10.0  # seconds between "still running" lines for one analysis
PROGRESS_ENV = "EVIDENCE_PROGRESS_FILE"  # where a child writes the cell it is running
GRACE = 5.0  # seconds a child stopped at the time limit has to record where it was

_children: set = set()  # analysis processes running now
_children_lock = threading.Lock()
stopping = threading.Event()  # set when the build is interrupted: start nothing new


def _watch(proc: subprocess.Popen, name: str, timeout: float, progress: Path, log) -> tuple:
    """Wait for `proc`, logging progress; (stdout, stderr), or TimeoutExpired past `timeout`."""
    start = time.monotonic()
    while True:
        left = timeout - (time.monotonic() - start)
        if left <= 0:
            raise subprocess.TimeoutExpired(proc.args, timeout)
        try:
            return proc.communicate(timeout=min(left, PROGRESS_EVERY))
        except subprocess.TimeoutExpired:
            elapsed = time.monotonic() - start
            if elapsed < timeout:
                cell = _cell(progress)
                where = f", cell {cell[0]}" if cell else ""
                log(f"  still running: {name} ({elapsed:.0f} s{where})")


def _cell(progress: Path) -> tuple[int, int] | None:
    """(cell number, its first line) the child last started, if it said."""
    try:
        number, line = progress.read_text().split()
        return int(number), int(line)
    except (OSError, ValueError):
        return None


def _run_tracked(cmd, *, cwd, env, timeout, name, progress, log) -> subprocess.CompletedProcess:
    """subprocess.run, but the process is registered so an interrupted build can stop it, and
    it may be a fork of the launcher (launch.ForkedProcess) rather than a new Python."""
    with _children_lock:
        if stopping.is_set():
            raise EvidenceError("the build was interrupted")
        proc = launch.popen(cmd, cwd=cwd, env=env)
        _children.add(proc)
    try:
        stdout, stderr = _watch(proc, name, timeout, progress, log)
    except subprocess.TimeoutExpired:
        # Ctrl-C first: a child stopped in Python code records the line it was on
        if proc.pid is not None:
            with contextlib.suppress(OSError):
                os.kill(proc.pid, signal.SIGINT)
        try:
            proc.communicate(timeout=GRACE)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
        raise
    finally:
        with _children_lock:
            _children.discard(proc)
    return subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)


def stop_children() -> None:
    """Kill every analysis process still running (the build was interrupted)."""
    with _children_lock:
        stopping.set()
        for proc in list(_children):
            with contextlib.suppress(OSError):
                proc.kill()


def child_env() -> dict:
    """The environment every analysis process starts from (and the launcher, see launch.py)."""
    return dict(os.environ) | {"PYTHONHASHSEED": "0", "MPLBACKEND": "Agg"}


def run_child(project: Project, package, script: Path, timeout: float, log=None) -> dict:
    """Run one analysis in a fresh process; its record, or an EvidenceError a person can read."""
    log = log or (lambda msg: print(msg, file=sys.stderr, flush=True))
    validated = {name: digest for name, digest in package._validated.items()}
    env = child_env()
    env[api.DATA_ENV] = str(package.dir)
    env[api.VALIDATED_ENV] = json.dumps(validated)
    name = project.rel(script)
    with tempfile.TemporaryDirectory(prefix="evidence-run-") as tmp:
        out = Path(tmp) / "record.json"
        progress = Path(tmp) / "cell"
        env[PROGRESS_ENV] = str(progress)
        cmd = [str(script), str(out)]  # launch.popen runs evidence.run with these
        try:
            proc = _run_tracked(
                cmd,
                cwd=project.root,
                env=env,
                timeout=timeout,
                name=name,
                progress=progress,
                log=log,
            )
        except subprocess.TimeoutExpired:
            stopped = json.loads(out.read_text(encoding="utf-8")) if out.is_file() else {}
            cell = _cell(progress)
            if stopped.get("cell") and stopped.get("line"):
                where = f"cell {stopped['cell']}, line {stopped['line']}: "
            else:
                where = f"cell {cell[0]} (from line {cell[1]}): " if cell else ""
            raise EvidenceError(
                f"{where}still running after {timeout:g} s, so it was stopped (the "
                "per-analysis time limit; raise it with --timeout)",
                where=name,
            ) from None
        if not out.is_file():
            detail = (proc.stderr or proc.stdout).strip().splitlines()[-1:]
            said = f": {detail[0]}" if detail else " and printed nothing"
            raise EvidenceError(
                "the analysis process failed before writing a record "
                f"(exit status {proc.returncode}){said}",
                where=name,
            )
        record = json.loads(out.read_text(encoding="utf-8"))
    if not record["ok"]:
        line = f", line {record['line']}" if record.get("line") else ""
        raise EvidenceError(
            f"cell {record['cell']}{line}: {record['error']}"
            + (f"\n\n{record['traceback']}" if record["traceback"] else ""),
            where=name,
        )
    return record
