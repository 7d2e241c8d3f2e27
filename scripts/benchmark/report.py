"""The benchmark's targets, verdicts and printed table."""

from __future__ import annotations

from .analyses import analysis_table_rows

GIB = 1024**3
TARGETS = {
    "a_cold_ratio": ("≤", 0.5),
    "b_warm_ratio": ("≤", 1.3),
    "national_cold_s": ("≤", 60.0),
    "national_warm_s": ("≤", 5.0),
    "stress_cold_s": ("≤", 120.0),
    "peak_memory_bytes": ("≤", 2 * GIB),
}


def verdict(key: str, value) -> str:
    if value is None:
        return "pending"
    _op, limit = TARGETS[key]
    return "pass" if value <= limit else "FAIL"


def _bytes(n: float) -> str:
    return f"{n / GIB:.2f} GiB" if n >= GIB / 2 else f"{n / 1024**2:.0f} MiB"


def _pair(m: dict, digits: int = 1) -> str:
    cpu = f"; processor time {m['cpu_ratio_median']:.2f}" if "cpu_ratio_median" in m else ""
    return (
        f"{m['ratio_median']:.2f}  ({m['ours']['wall']['median']:.{digits}f} s vs "
        f"{m['baseline']['wall']['median']:.{digits}f} s{cpu})"
    )


def format_table(report: dict) -> str:
    """The figures and targets as a plain-text table, then the baseline, caches and machine."""
    rows = [("measure", "figure", "target", "verdict")]
    m = report["measures"]
    if "a" in m:
        rows.append(
            (
                "(a) cold, like for like / mkdocs-jupyter cold",
                _pair(m["a"]),
                "≤ 0.5",
                m["a"]["verdict"],
            )
        )
    if "a_national" in m:
        rows.append(
            ("(a) cold, national edition / same", _pair(m["a_national"]), "(information)", "-")
        )
    if "n" in m:
        rows.append(
            (
                "(n) no-change rebuild / mkdocs-jupyter cached",
                _pair(m["n"], 2),
                "(information)",
                "-",
            )
        )
    if "k" in m:
        k = m["k"]
        rows.append(
            (
                "(k) data changed: our page",
                f"{k['ours']['page_before']} -> {k['ours']['page_after']} "
                f"(fresh run: {k['fresh_run_value']})",
                "the new figure",
                k["verdict"],
            )
        )
        rows.append(
            ("(k) data changed: mkdocs-jupyter page", k["baseline"]["says"], "(information)", "-")
        )
    if "b" in m:
        rows.append(
            ("(b) no-change rebuild / bare mkdocs", _pair(m["b"], 2), "≤ 1.3", m["b"]["verdict"])
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
    rows.extend(analysis_table_rows(m))
    for key, title in (("national", "national edition"), ("stress", "stress project")):
        d = m.get("d", {}).get(key)
        if not d:
            continue
        v = d["verdicts"]
        pages = f", {d['pages']} pages" if d.get("pages") else ""
        cold_target = "≤ 60 s" if key == "national" else "≤ 120 s"
        rows.append((f"(d) {title} cold", f"{d['cold_s']:.1f} s{pages}", cold_target, v["cold"]))
        warm_target = "≤ 5 s" if key == "national" else "(none)"
        rows.append((f"(d) {title} warm", f"{d['warm_s']:.2f} s", warm_target, v.get("warm", "-")))
        rows.append(
            (
                f"(d) {title} peak memory",
                f"{_bytes(d['peak_tree_bytes'])} tree ({_bytes(d['peak_process_bytes'])} "
                "largest process)",
                "≤ 2 GiB",
                v["memory"],
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    base = report.get("baseline")
    if base:
        lines.append(
            f"baseline (pinned in scripts/benchmark/{base['lock']}): "
            + ", ".join(f"{k} {v}" for k, v in sorted(base["versions"].items()))
        )
    for key in ("a", "a_national"):
        cleared = m.get(key, {}).get("cleared")
        if cleared:
            lines.append(f"cold runs ({key}): ours: {cleared['ours']}")
            lines.append(f"cold runs ({key}): mkdocs-jupyter: {cleared['baseline']}")
    mach = report["machine"]
    lines.append(
        f"machine: {mach['nproc']} cores, {mach['memory_gib']} GiB, {mach['cpu_model']}, "
        f"Python {mach['python']}; medians of {report['settings']['slow_runs']} (slow) / "
        f"{report['settings']['fast_runs']} (fast) runs"
    )
    start, end = mach.get("load_average_at_start"), mach.get("load_average_at_end")
    if start and end:
        lines.append(
            f"load average (1, 5, 15 min) at start {', '.join(f'{x:.1f}' for x in start)}; at end "
            f"{', '.join(f'{x:.1f}' for x in end)} (above {mach['nproc']} the machine was shared: "
            "read the ratios, not the seconds)"
        )
    return "\n".join(lines)
