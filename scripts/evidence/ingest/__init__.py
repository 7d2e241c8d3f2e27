"""Importers of official releases, one module per published format.

``evidence ingest SOURCE PATH`` reads one release, checks it is the format the importer knows,
and merges narrow tidy rows into a table of analyses/data/ (rows of the same source and period
are replaced), recording the release in analyses/data/releases.csv. A later release of the same
format imports with no code change; years come from the data (or, where the file does not state
them, from the publisher's file name).
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from evidence.errors import EvidenceError

# Modules of this package that are not importers: shared helpers and the command.
_NOT_IMPORTERS = {"cli", "common"}


def sources() -> dict:
    """SOURCE name -> importer module. An importer registers itself by being a module of this
    package that defines SOURCE, TABLE, SUMMARY and run(); no list to edit."""
    found = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_") or info.name in _NOT_IMPORTERS:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if not hasattr(module, "SOURCE"):
            continue
        if module.SOURCE in found:
            raise EvidenceError(
                f"importers {found[module.SOURCE].__name__} and {module.__name__} both call "
                f"themselves {module.SOURCE!r}"
            )
        found[module.SOURCE] = module
    return found


def importer(source: str):
    import difflib

    known = sources()
    if source not in known:
        hint = difflib.get_close_matches(source, list(known), n=1)
        did = f" Did you mean {hint[0]!r}?" if hint else ""
        raise EvidenceError(
            f"no importer called {source!r}; known: {', '.join(sorted(known))}.{did}"
        )
    return known[source]


def ingest(
    source: str, path: Path, data_dir: Path, *, citation: str | None = None, bib_keys=None
) -> dict:
    """Import one release into data_dir; return a summary (table, rows, replaced, release)."""
    from evidence.ingest._writing import write
    from evidence.ingest.common import Authorities

    module = importer(source)
    authorities = None if source == "dfe-authorities" else Authorities(data_dir)
    result = module.run(Path(path), authorities, citation=citation)
    if bib_keys is not None:
        for key in [k.strip() for k in result.release.citation.split(";") if k.strip()]:
            if key not in bib_keys:
                raise EvidenceError(
                    f"{path}: no reference {key!r} in references/*.bib for this release; add an "
                    "entry for the publication (publisher, title, date, url) under that key, or "
                    "pass --cite KEY"
                )
    summary = write(result, data_dir)
    summary["release"] = result.release
    return summary
