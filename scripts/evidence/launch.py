"""Part of stage 2, run: start analysis processes without paying for their imports each time.

Every analysis runs in a process of its own. Started with ``python -m evidence.run``, each one
spends about a second importing numpy, pandas and altair before its first cell. So a build
starts one *launcher* process that imports them once (while the main process checks the data on
the other core) and then forks a fresh child for each analysis. A fork shares nothing writable
with its siblings: each analysis still has its own interpreter state, its own environment and
working directory, and what it imports from our package is recorded by the child exactly as
before (the launcher imports only the runner, which every child loads anyway), so the cache key
is unchanged. Where fork is missing, or ``EVIDENCE_FORK=0``, analyses start the old way.

The launcher itself is ``evidence.launcher``. It speaks one JSON object per line: requests on
its stdin ``{"id", "argv", "cwd", "env", "stdout", "stderr"}``, answers on its stdout
``{"id", "pid"}`` when a child starts and ``{"id", "exit"}`` when it ends."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

# ---- the build's side -----------------------------------------------------------------------


class ForkedProcess:
    """The part of subprocess.Popen that the runner uses, for a child of the launcher."""

    def __init__(self, launcher: Launcher, ident: int, argv: list[str], tmp: Path):
        self.launcher, self.id, self.args, self.tmp = launcher, ident, argv, tmp
        self.pid: int | None = None
        self.kill_requested = False
        self.returncode: int | None = None
        self.started, self.ended = threading.Event(), threading.Event()

    def communicate(self, timeout: float | None = None) -> tuple[str, str]:
        if not self.ended.wait(timeout):
            raise subprocess.TimeoutExpired(self.args, timeout)
        # a child killed before it opened its files leaves none
        out, err = (
            (self.tmp / name).read_text(encoding="utf-8", errors="replace")
            if (self.tmp / name).is_file()
            else ""
            for name in ("stdout", "stderr")
        )
        with contextlib.suppress(OSError):
            for name in ("stdout", "stderr"):
                (self.tmp / name).unlink()
            self.tmp.rmdir()
        return out, err

    def kill(self) -> None:
        self.kill_requested = True  # if the fork has not happened yet, it is killed on arrival
        if self.pid is not None and not self.ended.is_set():
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)


class Launcher:
    def __init__(self, env: dict):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "evidence.launcher"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            start_new_session=True,  # Ctrl-C reaches the build, which then stops the launcher
        )
        self.lock = threading.Lock()
        self.waiting: dict[int, ForkedProcess] = {}
        self.next_id = 0
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            message = json.loads(line)
            child = self.waiting.get(message["id"])
            if child is None:
                continue
            if "pid" in message:
                child.pid = message["pid"]
                child.started.set()
                if child.kill_requested:
                    child.kill()
            else:
                child.returncode = message["exit"]
                self.waiting.pop(message["id"], None)
                child.ended.set()
        for child in list(self.waiting.values()):  # the launcher died: its children are lost
            child.returncode = child.returncode if child.returncode is not None else -9
            child.started.set()
            child.ended.set()

    def popen(self, argv: list[str], cwd: Path, env: dict) -> ForkedProcess:
        tmp = Path(tempfile.mkdtemp(prefix="evidence-child-"))
        with self.lock:
            self.next_id += 1
            child = ForkedProcess(self, self.next_id, argv, tmp)
            self.waiting[child.id] = child
            request = {
                "id": child.id,
                "argv": argv,
                "cwd": str(cwd),
                "env": env,
                "stdout": str(tmp / "stdout"),
                "stderr": str(tmp / "stderr"),
            }
            self.proc.stdin.write((json.dumps(request) + "\n").encode())
            self.proc.stdin.flush()
        return child

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.proc.stdin.close()  # the launcher kills any child still running, then exits
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


_launcher: Launcher | None = None


def enabled() -> bool:
    return hasattr(os, "fork") and os.environ.get("EVIDENCE_FORK", "1") != "0"


def start(env: dict) -> None:
    """Start the launcher for this build (its imports overlap with the data checks)."""
    global _launcher
    if enabled() and _launcher is None:
        _launcher = Launcher(env)


def stop() -> None:
    global _launcher
    if _launcher is not None:
        _launcher.stop()
        _launcher = None


def popen(argv: list[str], *, cwd: Path, env: dict):
    """An analysis process: forked by the launcher when one is running, else a new Python."""
    if _launcher is not None and _launcher.alive():
        return _launcher.popen(argv, cwd, env)
    return subprocess.Popen(
        [sys.executable, "-m", "evidence.run", *argv],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
