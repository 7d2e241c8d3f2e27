"""The `evidence` command: build, check, run, serve."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from evidence.errors import EvidenceError

EXAMPLES = """examples:
  evidence build                        build site/ from analyses/, docs/ and references/
  evidence build --data ~/new-release   rebuild everything on another data directory
  evidence build --briefing-for Birmingham   that authority's briefing in site/briefing/E08000025/
  evidence check                        validate data and references without running anything
  evidence run analyses/comparison.py   run one analysis and print its results
  evidence ingest --list                list the importers of official data releases
  evidence verify                       re-run every analysis (no cache), compare with site/
  evidence snapshot                     build, then update analyses/results.snapshot.json
  evidence serve                        preview on http://127.0.0.1:8000, rebuilding on change
"""


def _project(args):
    from evidence.project import project_from_args

    return project_from_args(args)


def cmd_build(args) -> int:
    from evidence.pipeline import build, build_briefing_for

    if args.briefing_for is not None and not args.briefing_for.strip():
        raise EvidenceError("--briefing-for needs an authority's name or ONS code, e.g. Birmingham")
    if args.briefing_for:
        build_briefing_for(
            _project(args),
            args.briefing_for,
            use_cache=not args.no_cache,
            jobs=args.jobs,
            timeout=args.timeout,
        )
        return 0
    build(_project(args), use_cache=not args.no_cache, jobs=args.jobs, timeout=args.timeout)
    return 0


def cmd_check(args) -> int:
    from evidence.config import SiteConfig
    from evidence.pipeline import check

    project = _project(args)
    SiteConfig.load(project.root / "mkdocs.yml")  # a broken mkdocs.yml is found here too
    package, bib = check(project)
    print(
        f"ok: {len(package.table_names())} tables valid, {len(bib.entries)} references, "
        "every citation resolves",
        file=sys.stderr,
    )
    return 0


def cmd_run(args) -> int:
    from evidence.pipeline import print_record, run_one

    project = _project(args)
    script = Path(args.analysis).resolve()
    if not script.is_file():
        raise EvidenceError(f"no such analysis: {args.analysis}")
    print_record(run_one(project, script, timeout=args.timeout))
    return 0


def cmd_snapshot(args) -> int:
    from evidence.pipeline import SNAPSHOT, build, write_snapshot

    project = _project(args)
    outcome = build(project)
    write_snapshot(project, outcome["results"])
    print(f"wrote {SNAPSHOT} ({len(outcome['results'])} results); commit it", file=sys.stderr)
    return 0


def cmd_verify(args) -> int:
    from evidence.pipeline import log
    from evidence.verify import verify

    return verify(_project(args), jobs=args.jobs, timeout=args.timeout, log=log)


def cmd_serve(args) -> int:
    from evidence.serve import serve

    serve(_project(args), host=args.host, port=args.port)
    return 0


def parser() -> argparse.ArgumentParser:
    from evidence.processes import DEFAULT_TIMEOUT

    top = argparse.ArgumentParser(
        prog="evidence",
        description="Build the evidence site and briefing from analyses, data and references.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    top.add_argument("--project", help="project folder (default: the one holding mkdocs.yml)")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(p, data=True):
        p.add_argument(
            "--project",
            default=argparse.SUPPRESS,  # so `evidence --project X build` keeps X
            help="project folder (default: the one holding mkdocs.yml)",
        )
        if data:
            p.add_argument("--data", metavar="DIR", help="data directory (default: analyses/data)")

    b = sub.add_parser(
        "build",
        help="run what changed and build site/",
        description=(
            "Validate inputs, run the analyses whose inputs changed, render pages and build the "
            "site "
            "into a temporary folder that replaces site/ only when everything succeeded."
        ),
    )
    common(b)
    b.add_argument("--out", metavar="DIR", help="site folder (default: site/)")
    b.add_argument("--no-cache", action="store_true", help="run every analysis again")
    b.add_argument(
        "--briefing-for",
        metavar="AUTHORITY",
        help="write only the briefing for this authority (ONS code or name, e.g. E08000025 or "
        "Birmingham) to site/briefing/CODE/, leaving the rest of site/ as it was",
    )
    b.add_argument("--jobs", type=int, help="analyses run at once (default: one per core)")
    b.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help=f"seconds an analysis may run (default {DEFAULT_TIMEOUT})",
    )
    b.set_defaults(func=cmd_build)

    c = sub.add_parser(
        "check",
        help="validate data and references; run nothing",
        description="Validate every table against datapackage.yaml, read every "
        ".bib file and resolve every citation, without executing any analysis.",
    )
    common(c)
    c.set_defaults(func=cmd_check)

    r = sub.add_parser(
        "run",
        help="run one analysis and print its results",
        description="Run one analysis in a fresh process (no cache) and print its "
        "output and published results.",
    )
    common(r)
    r.add_argument("analysis", help="path to analyses/NAME.py")
    r.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT)
    r.set_defaults(func=cmd_run)

    sn = sub.add_parser(
        "snapshot",
        help="build, then record the results in analyses/results.snapshot.json",
        description="Build the site, then write every published result (value and unit, sorted "
        "by name) to analyses/results.snapshot.json, the copy reviewers diff in git. scripts/test "
        "fails while the committed snapshot differs from what the build publishes.",
    )
    common(sn, data=False)
    sn.set_defaults(func=cmd_snapshot)

    v = sub.add_parser(
        "verify",
        help="re-run every analysis without the cache and compare with the last build",
        description="Execute every analysis again in a fresh process, bypassing the cache, and "
        "compare each result with the last build's site/results.json. Prints each result as "
        "reproduced, differs (old → new), missing or new; exits 1 if any is not reproduced. "
        "Writes nothing to the cache or the site.",
    )
    common(v)
    v.add_argument(
        "--out", metavar="DIR", help="site folder of the build to check (default: site/)"
    )
    v.add_argument("--jobs", type=int, help="analyses run at once (default: one per core)")
    v.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help=f"seconds an analysis may run (default {DEFAULT_TIMEOUT})",
    )
    v.set_defaults(func=cmd_verify)

    s = sub.add_parser(
        "serve",
        help="preview the site, rebuilding when files change",
        description="Build, serve site/ locally and rebuild what changed.",
    )
    common(s)
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.set_defaults(func=cmd_serve)

    from evidence.ingest.cli import add_ingest

    add_ingest(sub, common)
    return top


class Terminated(KeyboardInterrupt):
    """SIGTERM (e.g. a CI timeout or `kill`), handled like Ctrl-C: clean up, change nothing."""


def _terminate(signum, frame):
    raise Terminated()


def main(argv=None) -> int:
    import signal
    import threading

    args = parser().parse_args(argv)
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return args.func(args)
    except EvidenceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:
        name = "terminated" if isinstance(exc, Terminated) else "interrupted"
        print(f"{name}: site/ and the cache are as they were", file=sys.stderr)
        return 143 if isinstance(exc, Terminated) else 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
