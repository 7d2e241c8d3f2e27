"""Part of stage 1, check: validate every table of a data package, on both cores.

Frictionless checks each row in Python, about a second for the national data, while the
analysis launcher imports on the other core; splitting the tables between two forked workers
shortens the stage. A worker only says whether a table passed (its digest) or not: the parent
validates the first failing table itself, in the descriptor's order, so the message is exactly
the one a single process gives. Without fork (or with ``EVIDENCE_FORK=0``), on one core, or
when frictionless refuses the descriptor, the tables are validated here one by one."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor

from evidence import launch
from evidence.data import DataPackage
from evidence.errors import EvidenceError

# Below this many bytes of tables, starting workers costs more than it saves.
PARALLEL_FROM_BYTES = 400_000

_package: DataPackage | None = None  # what a forked worker validates (inherited, not pickled)


def _digest_in_worker(name: str) -> str | None:
    try:
        return _package.validate(name)
    except EvidenceError:
        return None


def _sizes(package: DataPackage) -> dict[str, int] | None:
    try:
        return {name: package.path(name).stat().st_size for name in package.table_names()}
    except OSError:
        return None  # a missing file: the one-by-one path names it


def validate_tables(package: DataPackage, jobs: int | None = None) -> None:
    """Validate every table; raise the EvidenceError of the first that fails, in order."""
    names = package.table_names()
    workers = min(jobs or os.cpu_count() or 1, 2, len(names))
    sizes = _sizes(package)
    if (
        workers < 2
        or not launch.enabled()
        or not sizes
        or sum(sizes.values()) < PARALLEL_FROM_BYTES
    ):
        for name in names:
            package.validate(name)
        return
    try:
        package.frictionless()  # parsed once here, shared with the workers by fork
    except Exception:
        for name in names:  # the descriptor's problem, reported against its table as before
            package.validate(name)
        return
    global _package
    _package = package
    try:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            largest_first = sorted(names, key=lambda n: -sizes[n])
            futures = {name: pool.submit(_digest_in_worker, name) for name in largest_first}
            digests = {name: future.result() for name, future in futures.items()}
    finally:
        _package = None
    for name in names:
        if digests[name] is None:
            package.validate(name)  # raises the message a single process would give
        else:
            package.mark_validated(name, digests[name])
