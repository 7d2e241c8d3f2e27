"""`evidence bench`: how fast builds are, measured against what analysts would otherwise use.

Every figure is taken from whole processes, started and reaped here: wall seconds from a monotonic
clock around each run, user and system seconds and the largest single process's peak memory from
the kernel's own accounting (``wait4``), and the peak memory of the whole process tree by sampling
``/proc``. Two commands compared run in turn (A B A B …) and the ratio is taken pair by pair, so it
holds while a shared machine's speed drifts; every figure quoted is a median.

The project is copied into a temporary folder first (tracked and untracked files, not .venv, site,
build or .cache), and every command runs on that copy with its own ``scripts/`` first on the path,
so the benchmark neither waits for nor disturbs builds of the working tree.

Measures (issue 9):
  (a) cold build with our runner / the same analyses executed by mkdocs-jupyter (``execute: true``)
  (b) rebuild with nothing changed / a bare ``mkdocs build`` of the already-generated tree
  (c) rebuild after one table changed: which analyses ran (only those that load it) and how long
  (d) scale: the national edition (when ``analyses/authorities.py`` exists) and a generated stress
      project with ten times the analyses: cold and warm build time, peak memory

mkdocs-jupyter and ipykernel are installed only into the benchmark's own environment
(``.cache/bench/venv``), never into ``.venv`` or the lock.
"""

from __future__ import annotations

import csv
import io
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from evidence.errors import EvidenceError
from evidence.project import sha256_bytes

GIB = 1024**3
TARGETS = {
    "a_cold_ratio": ("≤", 0.5),
    "b_warm_ratio": ("≤", 1.3),
    "national_cold_s": ("≤", 60.0),
    "national_warm_s": ("≤", 5.0),
    "stress_cold_s": ("≤", 120.0),
    "peak_memory_bytes": ("≤", 2 * GIB),
}
# what the baseline environment gets on top of the project's own lock
BENCH_PACKAGES = ["mkdocs-jupyter>=0.24,<0.28", "ipykernel>=6", "pyinstrument>=4.6"]
SKIP_COPY = {".venv", "site", "build", ".cache", ".git", "bench-report.json"}
STRESS_FACTOR = 10
NATIONAL_ANALYSIS = "authorities.py"
PAGE_CALL = re.compile(r"^\s*(?:from evidence import .*\bpage\b|.*\bpage\()", re.M)


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


def project_files(root: Path) -> list[Path]:
    """Tracked and untracked (not ignored) files of the working tree; every file without git."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root,
            capture_output=True,
            check=True,
        ).stdout
        names = [n for n in out.decode().split("\0") if n]
    except (OSError, subprocess.CalledProcessError):
        names = [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()]
    keep = []
    for name in names:
        if name.split("/", 1)[0] in SKIP_COPY or "__pycache__" in name:
            continue
        if (root / name).is_file():
            keep.append(Path(name))
    return keep


def copy_project(root: Path, target: Path) -> Path:
    for rel in project_files(root):
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / rel, dest)
    return target


def git_commit(root: Path) -> str:
    out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True)
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    commit = out.stdout.strip() or "unknown"
    return commit + ("+uncommitted" if dirty.stdout.strip() else "")


def ensure_bench_venv(root: Path) -> Path:
    """The benchmark's own environment: the project's lock plus mkdocs-jupyter and ipykernel."""
    venv = root / ".cache" / "bench" / "venv"
    lock = root / "requirements.lock"
    want = sha256_bytes(lock.read_bytes() + json.dumps(BENCH_PACKAGES).encode())
    stamp = venv / ".bench-hash"
    python = venv / "bin" / "python"
    if python.is_file() and stamp.is_file() and stamp.read_text().strip() == want:
        return venv
    say(f"setting up the benchmark's own environment in {venv} (first run: a few minutes) …")
    if not python.is_file():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)

    def pip(*args):
        proc = subprocess.run(
            [str(python), "-m", "pip", "--quiet", "--disable-pip-version-check", *args],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            noise = "is ignored: it is neither a file nor a directory"
            lines = [ln for ln in proc.stderr.splitlines() if noise not in ln]
            raise EvidenceError("pip failed in the benchmark environment:\n" + "\n".join(lines))

    pip("install", "--require-hashes", "-r", str(lock))
    pip("install", *BENCH_PACKAGES)
    stamp.write_text(want + "\n")
    return venv


def bench_versions(venv: Path) -> dict:
    code = (
        "import importlib.metadata as m, json\n"
        "names = ['mkdocs', 'mkdocs-material', 'mkdocs-jupyter', 'nbconvert', 'ipykernel', "
        "'jupytext', 'pandas', 'altair']\n"
        "out = {}\n"
        "for n in names:\n"
        "    try: out[n] = m.version(n)\n"
        "    except m.PackageNotFoundError: pass\n"
        "print(json.dumps(out))\n"
    )
    out = subprocess.run(
        [str(venv / "bin" / "python"), "-c", code], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def _load_mkdocs_yml(path: Path) -> dict:
    from evidence.config import read_config

    return read_config(path)


def jupyter_project(project: Path, target: Path) -> Path:
    """The same analyses and pages as a plain MkDocs project rendered by mkdocs-jupyter."""
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
    config = _load_mkdocs_yml(project / "mkdocs.yml")
    for key in ("nav", "extra_css", "extra_javascript", "hooks", "site_dir"):
        config.pop(key, None)
    config["docs_dir"] = "docs"
    custom = (config.get("theme") or {}).get("custom_dir")
    if custom and (project / custom).is_dir():  # the same theme overrides as ours
        shutil.copytree(project / custom, target / custom)
    config["plugins"] = [
        "search",
        {
            "mkdocs-jupyter": {
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


# ---- the stress project ----------------------------------------------------------------------


def _read_table(path: Path) -> tuple[list[str], list[dict]]:
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    return list(reader.fieldnames or []), list(reader)


def _write_table(path: Path, columns: list[str], rows: list[dict]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _scaled(value: str, fdef: dict, rng: random.Random) -> str:
    """A plausible neighbour of a number: within ±20 %, inside the field's constraints."""
    if not value:
        return value
    cons = fdef.get("constraints", {})
    try:
        number = float(value)
    except ValueError:
        return value
    new = number * rng.uniform(0.8, 1.25)
    if "minimum" in cons:
        new = max(new, cons["minimum"])
    if "maximum" in cons:
        new = min(new, cons["maximum"])
    if fdef.get("type") == "integer":
        return str(int(round(new)))
    return f"{new:.2f}".rstrip("0").rstrip(".") if "." in value else str(int(round(new)))


def synthesize_tables(data_dir: Path, factor: int, seed: int) -> dict:
    """Grow each table keyed by `id` (and referenced by no other) `factor` times with plausible
    neighbours of its rows (numbers within ±20 %, year ranges shifted together); tables of named
    parameters and reference lists keep their rows, which analyses look up by name."""
    rng = random.Random(seed)
    desc = yaml.safe_load((data_dir / "datapackage.yaml").read_text(encoding="utf-8"))
    referenced = {
        fk["reference"]["resource"]
        for res in desc["resources"]
        for fk in res.get("schema", {}).get("foreignKeys", [])
    }
    sizes = {}
    for res in desc["resources"]:
        path = data_dir / res["path"]
        columns, rows = _read_table(path)
        schema = res.get("schema", {})
        if schema.get("primaryKey") == ["id"] and res["name"] not in referenced:
            fields = {f["name"]: f for f in schema.get("fields", [])}
            ordered = [tuple(p) for p in res.get("x-ordered", [])]
            in_pairs = {c for pair in ordered for c in pair}
            grown = list(rows)
            for copy in range(1, factor):
                for row in rows:
                    new = dict(row)
                    new["id"] = f"{row['id']}-s{copy:02d}"
                    for name, fdef in fields.items():
                        is_year = fdef.get("unit") == "year" or name in in_pairs
                        if fdef.get("type") in ("number", "integer") and not is_year:
                            new[name] = _scaled(row.get(name, ""), fdef, rng)
                    shift = rng.randint(-3, 3)
                    for pair in ordered:
                        vals = [new.get(c, "") for c in pair]
                        if all(v.isdigit() for v in vals if v):
                            moved = [str(int(v) + shift) if v else v for v in vals]
                            ok = all(
                                not m
                                or fields.get(c, {}).get("constraints", {}).get("minimum", 0)
                                <= int(m)
                                <= fields.get(c, {}).get("constraints", {}).get("maximum", 9999)
                                for c, m in zip(pair, moved, strict=True)
                            )
                            if ok:
                                new.update(zip(pair, moved, strict=True))
                    grown.append(new)
            _write_table(path, columns, grown)
            rows = grown
        sizes[res["name"]] = len(rows)
    return sizes


def stress_project(project: Path, target: Path, factor: int = STRESS_FACTOR, seed: int = 9) -> dict:
    """A copy of `project` with `factor` times its analyses (each shipped analysis and factor-1
    renamed replicas publishing under their own names) on synthetic tables of the same schemas."""
    shutil.copytree(project, target, ignore=shutil.ignore_patterns(*SKIP_COPY, "__pycache__"))
    analyses = sorted(p for p in (target / "analyses").glob("*.py") if not p.name.startswith("_"))
    replicas, single = [], []
    for script in analyses:
        text = script.read_text(encoding="utf-8")
        stem = script.stem
        if PAGE_CALL.search(text):
            # an analysis that writes a page per authority stays single: ten of it would measure
            # ten national editions, not ten times the questions
            single.append(stem)
            continue
        pattern = re.compile(r"(?<=[\"'])" + re.escape(stem) + r"\.")
        for copy in range(1, factor):
            name = f"{stem}_s{copy:02d}"
            (target / "analyses" / f"{name}.py").write_text(
                pattern.sub(name + ".", text), encoding="utf-8"
            )
            replicas.append(name)
    sizes = synthesize_tables(target / "analyses" / "data", factor, seed)
    config_path = target / "mkdocs.yml"
    config = _load_mkdocs_yml(config_path)
    if isinstance(config.get("nav"), list):
        config["nav"].append({"Stress replicas": [{n: f"{n}.md"} for n in replicas]})
        config_path.write_text(
            yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
    return {
        "analyses": len(analyses) + len(replicas),
        "not_replicated": single,
        "table_rows": sizes,
        "seed": seed,
    }


# ---- touching one table ----------------------------------------------------------------------


def loaded_by(project: Path) -> dict[str, list[str]]:
    """table -> analyses that loaded it in the last build (from the cache records)."""
    out: dict[str, list[str]] = {}
    for entry in sorted((project / ".cache" / "evidence" / "analyses").glob("*.json")):
        record = json.loads(entry.read_text(encoding="utf-8"))["record"]
        for table in record.get("inputs", {}):
            out.setdefault(table, []).append(entry.stem)
    return out


def free_text_field(data_dir: Path, table: str) -> tuple[str, str]:
    """(csv file, column) of a free-text column of `table` safe to edit."""
    desc = yaml.safe_load((data_dir / "datapackage.yaml").read_text(encoding="utf-8"))
    for res in desc["resources"]:
        if res["name"] != table:
            continue
        keys = set(res.get("schema", {}).get("primaryKey", []))
        for f in res["schema"]["fields"]:
            cons = f.get("constraints", {})
            if (
                f.get("type", "string") == "string"
                and f["name"] not in keys
                and not f.get("x-citation-keys")
                and not {"pattern", "enum", "unique", "maxLength"} & set(cons)
                and f["name"] in ("notes", "rationale", "description", "name", "title")
            ):
                return res["path"], f["name"]
    raise EvidenceError(f"table {table!r} has no free-text column the benchmark can edit")


def toggler(data_dir: Path, table: str) -> Callable[[int], None]:
    """Edit one cell of `table` before each run, alternating two texts, so every run sees a change
    in that table alone (the values stay valid; the file is restored by the caller)."""
    path_name, column = free_text_field(data_dir, table)
    path = data_dir / path_name
    columns, rows = _read_table(path)
    original = rows[0][column]

    def before(index: int) -> None:
        rows[0][column] = f"{original} (benchmark edit {index % 2})".strip()
        _write_table(path, columns, rows)

    return before


# ---- the run ---------------------------------------------------------------------------------


def _verdict(key: str, value) -> str:
    if value is None:
        return "pending"
    op, limit = TARGETS[key]
    return "pass" if value <= limit else "FAIL"


def _fmt_bytes(n: float) -> str:
    return f"{n / GIB:.2f} GiB" if n >= GIB / 2 else f"{n / 1024**2:.0f} MiB"


def run_bench(
    root: Path,
    *,
    quick: bool = False,
    only: set[str] | None = None,
    report_path: Path | None = None,
    keep: bool = False,
) -> dict:
    root = root.resolve()
    only = only or {"a", "b", "c", "d"}
    slow_runs, slow_warm = (1, 0) if quick else (3, 1)
    fast_runs, fast_warm = (3, 1) if quick else (5, 1)
    report: dict = {
        "machine": machine_facts(),
        "project": {"root": str(root), "commit": git_commit(root)},
        "settings": {"quick": quick, "slow_runs": slow_runs, "fast_runs": fast_runs},
        "targets": {k: {"op": op, "value": v} for k, (op, v) in TARGETS.items()},
        "measures": {},
    }
    say(
        f"benchmark on {report['machine']['nproc']} cores, {report['machine']['memory_gib']} GiB, "
        f"{report['machine']['cpu_model']}, Python {report['machine']['python']}"
    )
    evidence = Path(sys.executable).with_name("evidence")
    mkdocs = Path(sys.executable).with_name("mkdocs")
    work = Path(tempfile.mkdtemp(prefix="evidence-bench-"))
    logs = work / "logs"
    logs.mkdir()
    say(f"copying the project to {work} …")
    proj = copy_project(root, work / "project")

    def env_for(project: Path, extra: dict | None = None) -> dict:
        env = dict(os.environ)
        env["PYTHONPATH"] = str(project / "scripts")
        env.update(extra or {})
        return env

    def ours(project: Path, label: str, *extra: str, before=None) -> Command:
        return Command(
            label,
            [str(evidence), "--project", str(project), "build", *extra],
            env_for(project),
            project,
            before,
        )

    def wipe(project: Path) -> Callable[[int], None]:
        def before(_index: int) -> None:
            for part in (".cache", "build", "site"):
                shutil.rmtree(project / part, ignore_errors=True)

        return before

    measures = report["measures"]
    try:
        # (a) cold: ours against mkdocs-jupyter executing the same analyses
        if "a" in only:
            venv = ensure_bench_venv(root)
            report["bench_environment"] = bench_versions(venv)
            jup = work / "jupyter"
            config = jupyter_project(proj, jup)
            jup_env = env_for(
                proj,
                {
                    "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
                    "EVIDENCE_DATA_DIR": str(proj / "analyses" / "data"),
                    "MPLBACKEND": "Agg",
                    "VIRTUAL_ENV": str(venv),
                },
            )
            say(
                "(a) cold build: ours (evidence build --no-cache, from nothing) against "
                "mkdocs-jupyter execute: true …"
            )
            baseline = Command(
                "mkdocs-jupyter",
                [str(venv / "bin" / "mkdocs"), "build", "-q", "-f", str(config)],
                jup_env,
                jup,
                lambda _i: shutil.rmtree(jup / "site", ignore_errors=True),
            )
            cold = ours(proj, "ours", "--no-cache", before=wipe(proj))
            try:
                sa, sb, ratios = measure("a", cold, baseline, slow_runs, slow_warm, logs)
            except EvidenceError as exc:
                say(f"(a) could not be measured: {exc}")
                measures["a"] = {"error": str(exc), "verdict": "error"}
                sa = None
        if "a" in only and sa is not None:
            value = statistics.median(ratios)
            measures["a"] = {
                "what": "cold build, ours / mkdocs-jupyter (execute: true)",
                "ratio_median": value,
                "ratios": ratios,
                "ours": sa.summary(),
                "baseline": sb.summary(),
                "target": "≤ 0.5",
                "verdict": _verdict("a_cold_ratio", value),
            }
        # The national analysis makes one page per authority on our side but one notebook page
        # on mkdocs-jupyter's, so (a) also runs like for like: both without it.
        if "a" in only and sa is not None and (proj / "analyses" / NATIONAL_ANALYSIS).is_file():
            core = copy_project(proj, work / "core")
            (core / "analyses" / NATIONAL_ANALYSIS).unlink()
            jup_core = work / "jupyter-core"
            core_config = jupyter_project(core, jup_core)
            say("(a) again, like for like: both sides without the per-authority analysis …")
            core_base = Command(
                "mkdocs-jupyter (core)",
                [str(venv / "bin" / "mkdocs"), "build", "-q", "-f", str(core_config)],
                {**jup_env, "EVIDENCE_DATA_DIR": str(core / "analyses" / "data")},
                jup_core,
                lambda _i: shutil.rmtree(jup_core / "site", ignore_errors=True),
            )
            core_cold = ours(core, "ours (core)", "--no-cache", before=wipe(core))
            ca, cb, core_ratios = measure(
                "a-core", core_cold, core_base, slow_runs, slow_warm, logs
            )
            measures["a_core"] = {
                "what": "cold build without the per-authority analysis, ours / mkdocs-jupyter",
                "ratio_median": statistics.median(core_ratios),
                "ratios": core_ratios,
                "ours": ca.summary(),
                "baseline": cb.summary(),
            }

        # (b) warm: nothing changed, against a bare mkdocs build of the generated tree
        if {"b", "c"} & only:
            if not (proj / ".cache" / "evidence" / "analyses").is_dir():
                say("building the copy once (cold) so the cache is warm …")
                r = run_once(ours(proj, "prime").cmd, env_for(proj), proj, logs / "prime.log")
                if r.status != 0:
                    raise EvidenceError(f"the first build failed; see {r.log}")
        if "b" in only:
            say("(b) rebuild with nothing changed against a bare mkdocs build of build/docs …")
            bare_site = work / "bare-site"
            bare = Command(
                "bare mkdocs",
                [
                    str(mkdocs),
                    "build",
                    "-q",
                    "-f",
                    str(proj / "mkdocs.yml"),
                    "-d",
                    str(bare_site),
                ],
                env_for(proj),
                proj,
                lambda _i: shutil.rmtree(bare_site, ignore_errors=True),
            )
            sa, sb, ratios = measure("b", ours(proj, "ours"), bare, fast_runs, fast_warm, logs)
            value = statistics.median(ratios)
            measures["b"] = {
                "what": "rebuild with nothing changed, ours / bare mkdocs build",
                "ratio_median": value,
                "ratios": ratios,
                "ours": sa.summary(),
                "baseline": sb.summary(),
                "target": "≤ 1.3",
                "verdict": _verdict("b_warm_ratio", value),
            }

        # (c) one table changed: only the analyses that load it run
        if "c" in only:
            users = loaded_by(proj)
            table = min(users, key=lambda t: (len(users[t]), t))
            expected = sorted(users[table])
            data_dir = proj / "analyses" / "data"
            path_name, column = free_text_field(data_dir, table)
            saved = (data_dir / path_name).read_bytes()
            say(
                f"(c) rebuild after editing one cell ({column}) of table {table!r}, "
                f"loaded by {', '.join(expected)} …"
            )
            try:
                sa, _, _ = measure(
                    "c",
                    ours(proj, "ours", before=toggler(data_dir, table)),
                    None,
                    fast_runs,
                    fast_warm,
                    logs,
                )
            finally:
                (data_dir / path_name).write_bytes(saved)
            ran_sets = []
            for run in sa.runs:
                text = Path(run.log).read_text(errors="replace")
                ran_sets.append(
                    sorted(set(re.findall(r"^\s+run\s+analyses/(\S+)\.py", text, re.M)))
                )
            ok = all(r == expected for r in ran_sets)
            measures["c"] = {
                "what": f"rebuild after one cell of table {table!r} changed",
                "table": table,
                "expected": expected,
                "ran": ran_sets[0] if ran_sets else [],
                "ran_each_run": ran_sets,
                "seconds_median": sa.median(),
                "ours": sa.summary(),
                "target": "only the analyses that load the table run",
                "verdict": "pass" if ok else "FAIL",
            }
            # leave the copy's cache matching the restored table
            run_once(ours(proj, "restore").cmd, env_for(proj), proj, logs / "restore.log")

        # (d) scale: the national edition and the stress project
        if "d" in only:
            scale = measures.setdefault("d", {})
            if (proj / "analyses" / NATIONAL_ANALYSIS).is_file():
                say("(d) national edition: cold and warm builds …")
                scale["national"] = _scale_figures(
                    "d-national", proj, ours, wipe, slow_runs, slow_warm, fast_runs, logs
                )
                scale["national"]["profile_pages"] = _count_pages(proj)
                nat = scale["national"]
                nat["verdicts"] = {
                    "cold": _verdict("national_cold_s", nat["cold_s"]),
                    "warm": _verdict("national_warm_s", nat["warm_s"]),
                    "memory": _verdict("peak_memory_bytes", nat["peak_tree_bytes"]),
                }
            else:
                scale["national"] = {
                    "status": "pending",
                    "why": f"analyses/{NATIONAL_ANALYSIS} (the authority profile pages) is not in "
                    "the project yet",
                }
            say(f"(d) stress project: generating {STRESS_FACTOR}× the analyses …")
            stress = work / "stress"
            shape = stress_project(proj, stress)
            say(
                f"    {shape['analyses']} analyses; rows: "
                + ", ".join(f"{k} {v}" for k, v in shape["table_rows"].items())
            )
            s = _scale_figures(
                "d-stress", stress, ours, wipe, slow_runs, slow_warm, fast_runs, logs
            )
            s["shape"] = shape
            s["verdicts"] = {
                "cold": _verdict("stress_cold_s", s["cold_s"]),
                "memory": _verdict("peak_memory_bytes", s["peak_tree_bytes"]),
            }
            scale["stress"] = s
    finally:
        report["workdir"] = str(work) if keep else None
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    report["machine"]["load_average_at_end"] = list(os.getloadavg())
    report_path = report_path or root / "bench-report.json"
    report_path.write_text(json.dumps(report, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(format_table(report))
    say(f"report: {report_path}")
    return report


def _count_pages(project: Path) -> int:
    site = project / "site"
    return sum(1 for _ in site.rglob("index.html")) if site.is_dir() else 0


def _scale_figures(name, project, ours, wipe, slow_runs, slow_warm, fast_runs, logs) -> dict:
    cold, _, _ = measure(
        f"{name}-cold",
        ours(project, "cold", "--no-cache", before=wipe(project)),
        None,
        slow_runs,
        slow_warm,
        logs,
    )
    warm, _, _ = measure(f"{name}-warm", ours(project, "warm"), None, fast_runs, 1, logs)
    return {
        "cold_s": cold.median(),
        "warm_s": warm.median(),
        "peak_tree_bytes": max(r.peak_tree for r in cold.runs + warm.runs),
        "peak_process_bytes": max(r.peak_process for r in cold.runs + warm.runs),
        "pages": _count_pages(project),
        "cold": cold.summary(),
        "warm": warm.summary(),
    }


def format_table(report: dict) -> str:
    """The figures and targets as a plain-text table."""
    rows = [("measure", "figure", "target", "verdict")]
    m = report["measures"]
    if "a" in m and "error" in m["a"]:
        rows.append(
            ("(a) cold build / mkdocs-jupyter", "not measured: see report", "≤ 0.5", "error")
        )
    elif "a" in m:
        a = m["a"]
        rows.append(
            (
                "(a) cold build / mkdocs-jupyter",
                f"{a['ratio_median']:.2f}  ({a['ours']['wall']['median']:.1f} s vs "
                f"{a['baseline']['wall']['median']:.1f} s)",
                "≤ 0.5",
                a["verdict"],
            )
        )
    if "a_core" in m:
        a = m["a_core"]
        rows.append(
            (
                "(a) same, like for like (no profiles)",
                f"{a['ratio_median']:.2f}  ({a['ours']['wall']['median']:.1f} s vs "
                f"{a['baseline']['wall']['median']:.1f} s)",
                "(information)",
                "-",
            )
        )
    if "b" in m:
        b = m["b"]
        rows.append(
            (
                "(b) no-change rebuild / bare mkdocs",
                f"{b['ratio_median']:.2f}  ({b['ours']['wall']['median']:.2f} s vs "
                f"{b['baseline']['wall']['median']:.2f} s)",
                "≤ 1.3",
                b["verdict"],
            )
        )
    if "c" in m:
        c = m["c"]
        rows.append(
            (
                f"(c) one table changed ({c['table']})",
                f"{c['seconds_median']:.2f} s; ran: {', '.join(c['ran']) or 'none'}",
                f"only {', '.join(c['expected'])}",
                c["verdict"],
            )
        )
    if "d" in m:
        for key, title in (("national", "national edition"), ("stress", "stress project")):
            d = m["d"].get(key)
            if not d:
                continue
            if d.get("status") == "pending":
                rows.append((f"(d) {title}", d["why"], "cold ≤ 60 s, warm ≤ 5 s", "pending"))
                continue
            v = d["verdicts"]
            pages = f", {d['pages']} pages" if d.get("pages") else ""
            rows.append(
                (
                    f"(d) {title} cold",
                    f"{d['cold_s']:.1f} s{pages}",
                    "≤ 60 s" if key == "national" else "≤ 120 s",
                    v["cold"],
                )
            )
            rows.append(
                (
                    f"(d) {title} warm",
                    f"{d['warm_s']:.2f} s",
                    "≤ 5 s" if key == "national" else "(none)",
                    v.get("warm", "-"),
                )
            )
            rows.append(
                (
                    f"(d) {title} peak memory",
                    f"{_fmt_bytes(d['peak_tree_bytes'])} tree "
                    f"({_fmt_bytes(d['peak_process_bytes'])} largest process)",
                    "≤ 2 GiB",
                    v["memory"],
                )
            )
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    mach = report["machine"]
    lines.append("")
    lines.append(
        f"machine: {mach['nproc']} cores, {mach['memory_gib']} GiB, {mach['cpu_model']}, "
        f"Python {mach['python']}; medians of {report['settings']['slow_runs']} (slow) / "
        f"{report['settings']['fast_runs']} (fast) runs"
    )
    loads = [mach.get("load_average_at_start"), mach.get("load_average_at_end")]
    if all(loads):
        lines.append(
            f"load average (1 min) at start {loads[0][0]:.1f}, at end {loads[1][0]:.1f}: "
            "above the core count the machine was shared, so read the ratios"
        )
    return "\n".join(lines)
