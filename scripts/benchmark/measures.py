"""The measures, each on a copy of the project in a temporary folder (see ``benchmark``)."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from evidence.errors import EvidenceError

from . import baseline
from .analyses import analysis_rows
from .projects import (
    NATIONAL_ANALYSIS,
    STRESS_FACTOR,
    copy_project,
    count_pages,
    free_text_field,
    git_commit,
    loaded_by,
    set_cell,
    stress_project,
    toggler,
    without_nav_entry,
)
from .report import TARGETS, format_table, verdict
from .timing import Command, machine_facts, measure, run_once, say

# The data change of the correctness row: one cell of one table that one published figure
# depends on (Herefordshire's spot price moves the block's break-even occupancy).
DATA_CHANGE = {
    "table": "assumptions.csv",
    "key_column": "name",
    "key": "spot_weekly_price",
    "column": "value",
    "factor": 0.97,  # inside its stated low-high range, so the row stays valid
    "analysis": "block_vs_spot",
    "result": "block_vs_spot.breakeven_occupancy",
}
OURS_CLEARED = (
    "removed the copy's .cache/ (analysis records, chart SVGs, the up-to-date stamp), build/ and "
    "site/, and built with --no-cache (the vega bundle, made once per environment, stays)"
)


@dataclass
class Bench:
    """What every measure needs: the copy, the tools, the baseline's environment."""

    work: Path
    logs: Path
    proj: Path
    evidence: Path
    mkdocs: Path
    venv: Path | None = None
    facts: dict | None = None

    def env(self, project: Path, extra: dict | None = None) -> dict:
        env = dict(os.environ)
        env["PYTHONPATH"] = str(project / "scripts")
        env.update(extra or {})
        return env

    def ours(self, project: Path, label: str, *extra: str, before=None) -> Command:
        cmd = [str(self.evidence), "--project", str(project), "build", *extra]
        return Command(label, cmd, self.env(project), project, before)

    def wipe(self, project: Path) -> Callable[[int], None]:
        def before(_index: int) -> None:
            for part in (".cache", "build", "site"):
                shutil.rmtree(project / part, ignore_errors=True)

        return before

    def base(self, project: Path, label: str, before=None) -> tuple[Command, Path]:
        """mkdocs-jupyter building the baseline twin of `project`; returns it and its folder."""
        twin = self.work / f"jupyter-{project.name}"
        if not twin.is_dir():
            baseline.make_project(project, twin)
        env = self.env(
            project,
            {
                "PATH": f"{self.venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
                "EVIDENCE_DATA_DIR": str(project / "analyses" / "data"),
                "MPLBACKEND": "Agg",
                "VIRTUAL_ENV": str(self.venv),
            },
        )
        cmd = [str(self.venv / "bin" / "mkdocs"), "build", "-q", "-f", str(twin / "mkdocs.yml")]
        return Command(label, cmd, env, twin, before), twin

    def base_cold(self, twin: Path, cleared: list) -> Callable[[int], None]:
        """Before each cold baseline run: remove its site/ and the plugin's cache, after checking
        that the previous run did fill that cache (so the wipe is known to hit the real one)."""
        cache = baseline.cache_dir(twin, self.facts)

        def before(index: int) -> None:
            entries = sorted(cache.glob("*.json")) if cache.is_dir() else []
            if index > 0 and not entries:
                raise EvidenceError(
                    f"the baseline's cache was expected in {cache} but its last build left "
                    "nothing there; the cold runs could not be shown to be cold"
                )
            cleared.append(len(entries))
            shutil.rmtree(cache, ignore_errors=True)
            shutil.rmtree(twin / "site", ignore_errors=True)

        return before

    def prime(self, command: Command, name: str) -> None:
        run = run_once(command.cmd, command.env, command.cwd, self.logs / f"{name}.log")
        if run.status != 0:
            raise EvidenceError(f"{command.label} failed (exit {run.status}); see {run.log}")


def _pair_summary(what: str, sa, sb, ratios: list[float], **extra) -> dict:
    # processor seconds (user + system, the whole process tree) pair by pair: on a shared
    # machine they move less than wall seconds, so they say how much work each side does
    cpu = [(a.user + a.sys) / (b.user + b.sys) for a, b in zip(sa.runs, sb.runs, strict=True)]
    return {
        "what": what,
        "ratio_median": statistics.median(ratios),
        "ratios": ratios,
        "cpu_ratio_median": statistics.median(cpu),
        "cpu_ratios": cpu,
        "ours": sa.summary(),
        "baseline": sb.summary(),
        "load_average_after": list(os.getloadavg()),
        **extra,
    }


def cold_pair(bench: Bench, project: Path, name: str, runs: int, warm: int) -> dict:
    """Ours cold against the baseline cold, both caches cleared before every run."""
    cleared: list[int] = []
    base, twin = bench.base(project, "mkdocs-jupyter", None)
    base.before = bench.base_cold(twin, cleared)
    cold = bench.ours(project, "ours", "--no-cache", before=bench.wipe(project))
    sa, sb, ratios = measure(name, cold, base, runs, warm, bench.logs)
    cache = baseline.cache_dir(twin, bench.facts)
    filled = len(list(cache.glob("*.json"))) if cache.is_dir() else 0
    if not filled:
        raise EvidenceError(f"the baseline's last cold build left no cache in {cache}")
    rel = cache.relative_to(twin)
    return _pair_summary(
        f"cold build, ours / mkdocs-jupyter ({project.name})",
        sa,
        sb,
        ratios,
        cleared={
            "ours": OURS_CLEARED,
            "baseline": f"removed the twin project's site/ and {rel}/ (the plugin's cache of "
            f"executed notebooks, its default cache_dir) before every run; notebooks removed "
            f"before each run: {cleared}; left by the last run: {filled}",
        },
    )


def no_change(bench: Bench, runs: int, warm: int) -> dict:
    """A rebuild with nothing changed: ours against the baseline's rebuild from its cache."""
    proj = bench.proj
    base, twin = bench.base(proj, "mkdocs-jupyter cached")
    bench.prime(bench.ours(proj, "ours (prime)"), "n-prime-ours")
    bench.prime(base, "n-prime-baseline")
    cache = baseline.cache_dir(twin, bench.facts)
    entries = len(list(cache.glob("*.json")))
    if not entries:
        raise EvidenceError(f"the baseline left no cache in {cache}; its rebuild would be cold")
    sa, sb, ratios = measure("n", bench.ours(proj, "ours"), base, runs, warm, bench.logs)
    return _pair_summary(
        "rebuild with nothing changed, ours / mkdocs-jupyter rebuilding from its cache",
        sa,
        sb,
        ratios,
        baseline_cache_entries=entries,
    )


def _our_figure(site: Path, page: str, result: str) -> tuple[object, str | None]:
    """(value in results.json, text the page shows for it)."""
    results = json.loads((site / "results.json").read_text(encoding="utf-8"))
    text = (site / page / "index.html").read_text(encoding="utf-8")
    shown = re.search(r'data-result="' + re.escape(result) + r'"[^>]*>([^<]*)<', text)
    return results.get(result, {}).get("value"), shown.group(1) if shown else None


def correctness(bench: Bench) -> dict:
    """Change one data file, rebuild each side as a user would (caches on), and see whether each
    page shows the figure a fresh run of the analysis computes from the new data."""
    spec, proj = DATA_CHANGE, bench.proj
    table = proj / "analyses" / "data" / spec["table"]
    base, twin = bench.base(proj, "mkdocs-jupyter")
    ours = bench.ours(proj, "ours")
    bench.prime(ours, "k-ours-before")
    bench.prime(base, "k-baseline-before")
    before_value, before_text = _our_figure(proj / "site", spec["analysis"], spec["result"])
    saved = table.read_bytes()
    try:
        old, new = set_cell(
            table,
            spec["key_column"],
            spec["key"],
            spec["column"],
            lambda v: str(round(float(v) * spec["factor"])),
        )
        truth = _standalone_value(bench, proj, spec)
        bench.prime(ours, "k-ours-after")
        bench.prime(base, "k-baseline-after")
        after_value, after_text = _our_figure(proj / "site", spec["analysis"], spec["result"])
        page = (twin / "site" / spec["analysis"] / "index.html").read_text(encoding="utf-8")
        page = html.unescape(page)
        line = f"{spec['result']} = "
        base_shows = re.findall(re.escape(line) + r"(\S+)", page)
    finally:
        table.write_bytes(saved)
        bench.prime(ours, "k-ours-restored")  # later measures start from the shipped data
    ours_ok = after_value == truth and after_text is not None and after_text != before_text
    base_value = base_shows[0] if base_shows else None
    if base_value == str(truth):
        base_says = "shows the new figure"
    elif base_value == str(before_value):
        base_says = f"stale: still shows {base_value} (its cache key ignores the data files)"
    else:
        base_says = f"shows {base_value!r}"
    return {
        "what": f"one cell changed ({spec['table']}, {spec['key']}.{spec['column']}: {old} -> "
        f"{new}); does each side's page show {spec['result']} as a fresh run computes it?",
        "fresh_run_value": truth,
        "ours": {
            "before": before_value,
            "after": after_value,
            "page_before": before_text,
            "page_after": after_text,
        },
        "baseline": {"shows": base_value, "before": before_value, "says": base_says},
        "verdict": "pass" if ours_ok else "FAIL",
    }


def _standalone_value(bench: Bench, project: Path, spec: dict):
    """The figure as the analysis run alone (plain Python, no cache) computes it."""
    script = project / "analyses" / f"{spec['analysis']}.py"
    env = bench.env(project)
    env.pop("EVIDENCE_DATA_DIR", None)
    out = subprocess.run(
        [sys.executable, str(script)], cwd=project, env=env, capture_output=True, text=True
    )
    match = re.search(r"^" + re.escape(spec["result"]) + r" = (\S+)", out.stdout, re.M)
    if out.returncode != 0 or not match:
        raise EvidenceError(f"{script} run alone did not print {spec['result']}: {out.stderr}")
    value = match.group(1)
    return json.loads(value) if re.fullmatch(r"-?[\d.eE+-]+", value) else value


def one_table(bench: Bench, runs: int, warm: int) -> dict:
    proj = bench.proj
    users = loaded_by(proj)
    table = min(users, key=lambda t: (len(users[t]), t))
    expected = sorted(users[table])
    data_dir = proj / "analyses" / "data"
    path_name, column = free_text_field(data_dir, table)
    saved = (data_dir / path_name).read_bytes()
    say(f"(c) rebuild after editing one cell ({column}) of {table!r}, loaded by {expected} …")
    try:
        cmd = bench.ours(proj, "ours", before=toggler(data_dir, table))
        sa, _, _ = measure("c", cmd, None, runs, warm, bench.logs)
    finally:
        (data_dir / path_name).write_bytes(saved)
    ran_sets = []
    for run in sa.runs:
        text = Path(run.log).read_text(errors="replace")
        ran_sets.append(sorted(set(re.findall(r"^\s+run\s+analyses/(\S+)\.py", text, re.M))))
    bench.prime(bench.ours(proj, "restore"), "c-restore")  # the cache matches the shipped data
    return {
        "what": f"rebuild after one cell of table {table!r} changed",
        "table": table,
        "expected": expected,
        "ran": ran_sets[0] if ran_sets else [],
        "ran_each_run": ran_sets,
        "seconds_median": sa.median(),
        "ours": sa.summary(),
        "verdict": "pass" if all(r == expected for r in ran_sets) else "FAIL",
    }


def bare_mkdocs(bench: Bench, runs: int, warm: int) -> dict:
    proj = bench.proj
    bare_site = bench.work / "bare-site"
    cmd = [str(bench.mkdocs), "build", "-q", "-f", str(proj / "mkdocs.yml"), "-d", str(bare_site)]
    bare = Command(
        "bare mkdocs",
        cmd,
        bench.env(proj),
        proj,
        lambda _i: shutil.rmtree(bare_site, ignore_errors=True),
    )
    sa, sb, ratios = measure("b", bench.ours(proj, "ours"), bare, runs, warm, bench.logs)
    out = _pair_summary("rebuild with nothing changed, ours / bare mkdocs build", sa, sb, ratios)
    out["verdict"] = verdict("b_warm_ratio", out["ratio_median"])
    return out


def scale(bench: Bench, project: Path, name: str, slow: tuple, fast: int) -> dict:
    cold, _, _ = measure(
        f"{name}-cold",
        bench.ours(project, "cold", "--no-cache", before=bench.wipe(project)),
        None,
        *slow,
        bench.logs,
    )
    warm, _, _ = measure(f"{name}-warm", bench.ours(project, "warm"), None, fast, 1, bench.logs)
    return {
        "cold_s": cold.median(),
        "warm_s": warm.median(),
        "peak_tree_bytes": max(r.peak_tree for r in cold.runs + warm.runs),
        "peak_process_bytes": max(r.peak_process for r in cold.runs + warm.runs),
        "pages": count_pages(project),
        "cold": cold.summary(),
        "warm": warm.summary(),
    }


def run_bench(
    root: Path,
    *,
    quick: bool = False,
    only: set[str] | None = None,
    report_path: Path | None = None,
    keep: bool = False,
) -> dict:
    root = root.resolve()
    only = only or set("ankbcmd")
    slow = (1, 0) if quick else (3, 1)  # (counted runs, warm-ups)
    fast = (3, 1) if quick else (5, 1)
    report: dict = {
        "machine": machine_facts(),
        "project": {"root": str(root), "commit": git_commit(root)},
        "settings": {"quick": quick, "slow_runs": slow[0], "fast_runs": fast[0]},
        "targets": {k: {"op": op, "value": v} for k, (op, v) in TARGETS.items()},
        "measures": {},
    }
    mach = report["machine"]
    say(
        f"benchmark on {mach['nproc']} cores, {mach['memory_gib']} GiB, {mach['cpu_model']}, "
        f"Python {mach['python']}; load average now {mach['load_average_at_start'][0]:.2f}"
    )
    work = Path(tempfile.mkdtemp(prefix="evidence-bench-"))
    (work / "logs").mkdir()
    say(f"copying the project to {work} …")
    bench = Bench(
        work=work,
        logs=work / "logs",
        proj=copy_project(root, work / "project"),
        evidence=Path(sys.executable).with_name("evidence"),
        mkdocs=Path(sys.executable).with_name("mkdocs"),
    )
    measures = report["measures"]
    try:
        if set("ank") & only:
            bench.venv = baseline.ensure_venv(root)
            bench.facts = baseline.facts(bench.venv)
            report["baseline"] = {"lock": baseline.LOCK.name, **bench.facts}
            say("baseline: " + ", ".join(f"{k} {v}" for k, v in bench.facts["versions"].items()))
        if "a" in only:
            # authorities.py makes one page per authority on our side but one notebook page on
            # the baseline's, so the target is like for like: both without it
            core = bench.proj
            if (bench.proj / "analyses" / NATIONAL_ANALYSIS).is_file():
                core = copy_project(bench.proj, work / "core")
                (core / "analyses" / NATIONAL_ANALYSIS).unlink()
                without_nav_entry(core / "mkdocs.yml", NATIONAL_ANALYSIS)
            say("(a) cold, like for like (without the per-authority analysis), both caches cleared")
            measures["a"] = cold_pair(bench, core, "a", *slow)
            measures["a"]["verdict"] = verdict("a_cold_ratio", measures["a"]["ratio_median"])
            if core is not bench.proj:
                say("(a) cold, the national edition against the same baseline, both caches cleared")
                measures["a_national"] = cold_pair(bench, bench.proj, "a-national", *slow)
        if "n" in only:
            say("(n) rebuild with nothing changed: ours against mkdocs-jupyter from its cache …")
            measures["n"] = no_change(bench, *fast)
        if "k" in only:
            say("(k) one data cell changed: does each side's page show the new figure? …")
            measures["k"] = correctness(bench)
        if {"b", "c"} & only and not (bench.proj / ".cache" / "evidence").is_dir():
            bench.prime(bench.ours(bench.proj, "prime"), "prime")
        if "b" in only:
            say("(b) rebuild with nothing changed against a bare mkdocs build of build/docs …")
            measures["b"] = bare_mkdocs(bench, *fast)
        if "c" in only:
            measures["c"] = one_table(bench, *fast)
        if "m" in only:
            measures["m"] = analysis_rows(bench, *fast)
        if "d" in only:
            measures["d"] = _scale_rows(bench, slow, fast[0])
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


def _scale_rows(bench: Bench, slow: tuple, fast: int) -> dict:
    out = {}
    if (bench.proj / "analyses" / NATIONAL_ANALYSIS).is_file():
        say("(d) national edition: cold and warm builds …")
        nat = scale(bench, bench.proj, "d-national", slow, fast)
        nat["verdicts"] = {
            "cold": verdict("national_cold_s", nat["cold_s"]),
            "warm": verdict("national_warm_s", nat["warm_s"]),
            "memory": verdict("peak_memory_bytes", nat["peak_tree_bytes"]),
        }
        out["national"] = nat
    say(f"(d) stress project: generating {STRESS_FACTOR}× the analyses …")
    stress = bench.work / "stress"
    shape = stress_project(bench.proj, stress)
    say(f"    {shape['analyses']} analyses; rows: {shape['table_rows']}")
    s = scale(bench, stress, "d-stress", slow, fast)
    s["shape"] = shape
    s["verdicts"] = {
        "cold": verdict("stress_cold_s", s["cold_s"]),
        "memory": verdict("peak_memory_bytes", s["peak_tree_bytes"]),
    }
    out["stress"] = s
    return out
