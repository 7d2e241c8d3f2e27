"""Row (m): each model analysis run on its own, against its own time limit and draw count.

The cost models must answer in ≤ 3 s with at least 10,000 Monte Carlo draws, and the outcomes
study in ≤ 10 s with at least 2,000 placebo draws (issues 15 and 16). Each is timed as a user
runs it, ``evidence run analyses/NAME.py`` (a fresh process, no cache), and the draw count is
read from the results that run printed, so a cut in draws cannot pass unnoticed."""

from __future__ import annotations

import json
from pathlib import Path

from .timing import Command, measure, say

# analysis -> (result holding its draw count, fewest draws, most seconds)
LIMITS = {
    "block_vs_spot": ("block_vs_spot.draws", 10_000, 3.0),
    "contract_length": ("contract_length.draws", 10_000, 3.0),
    "block_contract_outcomes": ("block_contract_outcomes.placebo_draws", 2_000, 10.0),
}


def _draws(log: str, result: str):
    """The draw count in the JSON `evidence run` printed (stdout precedes the stderr lines)."""
    text = Path(log).read_text(errors="replace")
    start, end = text.find("{"), text.rfind("}")
    try:
        results = json.loads(text[start : end + 1])
    except ValueError:
        return None
    return results.get(result, {}).get("value")


def row_verdict(seconds: float, draws, fewest: int, limit: float) -> str:
    """Pass only in time and with the draws the figure was promised with."""
    enough = isinstance(draws, int | float) and not isinstance(draws, bool) and draws >= fewest
    return "pass" if seconds <= limit and enough else "FAIL"


def analysis_rows(bench, runs: int, warm: int) -> dict:
    out = {}
    for name, (result, fewest, limit) in LIMITS.items():
        script = bench.proj / "analyses" / f"{name}.py"
        if not script.is_file():
            continue
        say(f"(m) {name} run on its own (evidence run, no cache) …")
        cmd = [str(bench.evidence), "--project", str(bench.proj), "run", str(script)]
        series, _, _ = measure(
            f"m-{name}",
            Command(name, cmd, bench.env(bench.proj), bench.proj),
            None,
            runs,
            warm,
            bench.logs,
        )
        draws = _draws(series.runs[-1].log, result)
        wall = series.median()
        cpu = series.median("user") + series.median("sys")
        out[name] = {
            "seconds_median": wall,
            "cpu_seconds_median": cpu,
            "limit_s": limit,
            "draws": draws,
            "fewest_draws": fewest,
            "ours": series.summary(),
            "verdict": row_verdict(wall, draws, fewest, limit),
        }
    return out


def analysis_table_rows(m: dict) -> list[tuple[str, str, str, str]]:
    rows = []
    for name, r in m.get("m", {}).items():
        rows.append(
            (
                f"(m) {name} on its own",
                f"{r['seconds_median']:.1f} s (processor {r['cpu_seconds_median']:.1f} s), "
                f"{r['draws']:,} draws",
                f"≤ {r['limit_s']:g} s, ≥ {r['fewest_draws']:,} draws",
                r["verdict"],
            )
        )
    return rows
