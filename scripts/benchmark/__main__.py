"""``python -m benchmark`` (run by ``scripts/bench``): the command line of the benchmark."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from evidence.errors import EvidenceError

MEASURES = "ankbcmd"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="scripts/bench",
        description="Time builds against mkdocs-jupyter (from its own locked environment, "
        "scripts/benchmark/baseline.lock, installed in .cache/bench/venv) and bare MkDocs; print "
        "a table and write bench-report.json. About 25 minutes (--quick: about 10).",
    )
    p.add_argument("--quick", action="store_true", help="one run of each slow measure")
    p.add_argument(
        "--only",
        default=MEASURES,
        help=f"measures to run, any of {MEASURES} (default: all): a cold against mkdocs-jupyter, "
        "n no-change rebuild against its cached rebuild, k data-change correctness, b no-change "
        "against bare mkdocs, c one table changed, m each model analysis on its own (time and "
        "draws), d national edition and stress project",
    )
    p.add_argument("--report", type=Path, help="JSON report (default: bench-report.json)")
    p.add_argument("--keep", action="store_true", help="keep the temporary copies and logs")
    p.add_argument("--project", type=Path, default=Path.cwd(), help="project root (default: .)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    unknown = set(args.only) - set(MEASURES)
    if unknown:
        print(
            f"error: --only takes letters of {MEASURES}, not {''.join(sorted(unknown))}",
            file=sys.stderr,
        )
        return 2
    from benchmark.measures import run_bench

    try:
        run_bench(
            args.project,
            quick=args.quick,
            only=set(args.only),
            report_path=args.report,
            keep=args.keep,
        )
    except EvidenceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
