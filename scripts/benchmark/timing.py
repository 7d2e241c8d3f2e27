"""Timing whole processes: wall seconds from a monotonic clock around each run, user and system
seconds and the largest single process's peak memory from the kernel's own accounting (``wait4``),
and the peak memory of the whole process tree by sampling ``/proc``. Two commands compared run in
turn (A B A B …) and the ratio is taken pair by pair, so it holds while a shared machine's speed
drifts; every figure quoted is a median."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from evidence.errors import EvidenceError

GIB = 1024**3


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---- timing whole processes ------------------------------------------------------------------


@dataclass
class Run:
    wall: float
    user: float
    sys: float
    peak_process: int  # bytes: the largest single process (kernel accounting)
    peak_tree: int  # bytes: the largest sum over the process tree (sampled every 0.1 s)
    status: int
    log: str


def _proc_table() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, resident bytes) for every process we can read."""
    page = os.sysconf("SC_PAGE_SIZE")
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        rest = stat.rsplit(b")", 1)[-1].split()
        try:
            table[int(entry)] = (int(rest[1]), int(rest[21]) * page)
        except (IndexError, ValueError):
            continue
    return table


def tree_rss(root: int) -> int:
    """Resident memory of `root` and all its descendants, in bytes."""
    table = _proc_table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        if pid in table:
            total += table[pid][1]
        pending.extend(children.get(pid, []))
    return total


def run_once(cmd: list[str], env: dict, cwd: Path, log: Path) -> Run:
    """Run one command to completion; its output goes to `log`."""
    peak = [0]
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT
        )
        done = threading.Event()

        def sample():
            while not done.is_set():
                try:
                    peak[0] = max(peak[0], tree_rss(proc.pid))
                except OSError:
                    pass
                done.wait(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(
        wall=wall,
        user=usage.ru_utime,
        sys=usage.ru_stime,
        peak_process=usage.ru_maxrss * 1024,
        peak_tree=max(peak[0], usage.ru_maxrss * 1024),
        status=proc.returncode,
        log=str(log),
    )


@dataclass
class Command:
    label: str
    cmd: list[str]
    env: dict
    cwd: Path
    before: Callable[[int], None] | None = None  # called (untimed) before each run with its index


@dataclass
class Series:
    label: str
    runs: list[Run] = field(default_factory=list)

    def median(self, attr: str = "wall") -> float:
        return statistics.median(getattr(r, attr) for r in self.runs)

    def spread(self, attr: str = "wall") -> tuple[float, float]:
        values = [getattr(r, attr) for r in self.runs]
        return min(values), max(values)

    def summary(self) -> dict:
        out = {"label": self.label, "runs": len(self.runs)}
        for attr in ("wall", "user", "sys", "peak_process", "peak_tree"):
            lo, hi = self.spread(attr)
            out[attr] = {"median": self.median(attr), "min": lo, "max": hi}
        out["per_run"] = [asdict(r) for r in self.runs]
        return out


def measure(
    name: str, a: Command, b: Command | None, runs: int, warmup: int, logs: Path
) -> tuple[Series, Series | None, list[float]]:
    """A (and B in turn) `warmup` times uncounted, then `runs` times; ratios A/B pair by pair."""
    sa, sb = Series(a.label), Series(b.label) if b else None
    ratios = []
    total = warmup + runs
    for i in range(total):
        tag = "warm-up" if i < warmup else f"run {i - warmup + 1}/{runs}"
        pair = []
        for command, series in ((a, sa), (b, sb)):
            if command is None:
                continue
            if command.before:
                command.before(i)
            log = logs / f"{name}-{command.label.replace(' ', '_')}-{i}.log"
            run = run_once(command.cmd, command.env, command.cwd, log)
            if run.status != 0:
                tail = Path(run.log).read_text(errors="replace").strip().splitlines()[-15:]
                raise EvidenceError(
                    f"benchmark {name}: {command.label!r} exited {run.status}:\n  "
                    + "\n  ".join(tail)
                )
            pair.append(run)
            if i >= warmup:
                series.runs.append(run)
        shown = " | ".join(
            f"{c.label} {r.wall:.1f} s" for c, r in zip((a, b) if b else (a,), pair, strict=True)
        )
        if b:
            shown += f" | ratio {pair[0].wall / pair[1].wall:.2f}"
        say(f"  {name} {tag}: {shown}")
        if b and i >= warmup:
            ratios.append(pair[0].wall / pair[1].wall)
    return sa, sb, ratios


# ---- the machine and the projects ------------------------------------------------------------


def machine_facts() -> dict:
    def cpu_model() -> str:
        try:
            for line in Path("/proc/cpuinfo").read_text().splitlines():
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return platform.processor() or "unknown"

    def memory() -> int:
        try:
            for line in Path("/proc/meminfo").read_text().splitlines():
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    return {
        "nproc": usable,
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu_model(),
        "memory_bytes": memory(),
        "memory_gib": round(memory() / GIB, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": list(os.getloadavg()),
    }
