"""`evidence ingest SOURCE PATH`: import one official release into the data directory."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from evidence.errors import EvidenceError


def _listing() -> str:
    from evidence.ingest import sources

    known = sources()
    width = max(len(s) for s in known)
    lines = ["sources (one importer per published format):"]
    for name in sorted(known):
        lines.append(f"  {name.ljust(width)}  {known[name].SUMMARY}")
    return "\n".join(lines)


def cmd_ingest(args) -> int:
    if args.list or not args.source:
        print(_listing())
        if not args.list:
            raise EvidenceError("name a SOURCE and the PATH of the release file (see the list)")
        return 0
    if not args.path:
        raise EvidenceError(f"give the PATH of the {args.source} release file to import")
    from evidence.cite import Bibliography
    from evidence.ingest import ingest
    from evidence.project import project_from_args

    project = project_from_args(args)
    bib = Bibliography(project.references_dir)
    summary = ingest(
        args.source,
        Path(args.path),
        project.data_dir,
        citation=args.cite,
        bib_keys=set(bib.entries) | set(bib.aliases),
    )
    rel = summary["release"]
    print(
        f"{args.source}: {rel.file_name} ({rel.title}; periods {', '.join(map(str, rel.periods))})"
        f" -> {project.rel(summary['table'])}: {summary['rows']} rows written, "
        f"{summary['replaced']} replaced, {summary['kept']} kept from other releases; "
        f"cited as {rel.citation}",
        file=sys.stderr,
    )
    return 0


def add_ingest(sub, common) -> None:
    """Register the `ingest` subcommand on the top-level parser's subparsers."""
    p = sub.add_parser(
        "ingest",
        help="import an official data release into analyses/data/",
        description="Check that a release file is the format its importer expects (encoding, "
        "preamble, columns, suppression markers, authority names) and merge its narrow tidy rows "
        "into analyses/data/, recording the release in releases.csv. Rows of the same source and "
        "period are replaced; others are kept.",
        epilog=_listing(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    common(p)
    p.add_argument("source", nargs="?", metavar="SOURCE", help="importer name (see --list)")
    p.add_argument("path", nargs="?", metavar="PATH", help="the release file as published")
    p.add_argument("--list", action="store_true", help="list the importers and exit")
    p.add_argument(
        "--cite",
        metavar="KEY",
        help="citation key(s) of the publication in references/*.bib (default: derived from the "
        "release, e.g. ofsted2024cscdata)",
    )
    p.set_defaults(func=cmd_ingest)
