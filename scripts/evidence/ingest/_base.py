"""Helpers the format modules share: the release record and the citation key of a release."""

from __future__ import annotations

import re
from pathlib import Path

from evidence.errors import EvidenceError
from evidence.ingest._writing import file_digest
from evidence.ingest.common import Release, Result


def release(
    module: str,
    source: str,
    table: str,
    path: Path,
    *,
    title: str,
    publisher: str,
    reference_date: str,
    periods,
    citation: str,
) -> Release:
    return Release(
        source=source,
        table=table,
        title=title,
        publisher=publisher,
        reference_date=reference_date,
        periods=sorted(periods),
        file_name=Path(path).name,
        sha256=file_digest(path),
        importer=f"evidence.ingest.{module}",
        citation=citation,
    )


def finish(
    module: str,
    source: str,
    table: str,
    path: Path,
    rows: list[dict],
    *,
    period,
    sort,
    **fields,
) -> Result:
    """The release record for rows read from `path`, stamped on every row, as a Result."""
    rel = release(module.rsplit(".", 1)[-1], source, table, path, **fields)
    for r in rows:
        r["release"] = rel.id
    return Result(table, rows, period, sort, rel)


def from_file_name(path: Path, pattern: str, what: str, option: str):
    """A reference period the file itself does not state, read from the publisher's file name."""
    m = re.search(pattern, Path(path).name, flags=re.IGNORECASE)
    if not m:
        raise EvidenceError(
            f"{path}: the file does not state its {what} and its name does not match "
            f"{pattern!r}; rename it as the publisher names it or pass {option}"
        )
    return m
