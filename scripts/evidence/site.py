"""Stage 6, site: MkDocs (Material) renders the build tree into a temporary folder; the new site
and build tree replace the old ones only when every step has succeeded."""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import threading
from contextlib import contextmanager
from pathlib import Path

from evidence.errors import EvidenceError
from evidence.project import display


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def mkdocs_build(config_file: Path, docs_dir: Path, site_dir: Path, epoch: str) -> list[str]:
    """Build with MkDocs, dated `epoch` (config.BuildFacts); return its warnings. Raises
    EvidenceError if MkDocs fails."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    before = os.environ.get("SOURCE_DATE_EPOCH")
    # MkDocs dates the sitemap and its .gz from this; set for this build only, never leaked
    os.environ["SOURCE_DATE_EPOCH"] = epoch
    where = display(config_file)
    handler = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        config = load_config(
            config_file=str(config_file), docs_dir=str(docs_dir), site_dir=str(site_dir)
        )
        from evidence.stash import StashPlugin

        config.plugins["evidence-stash"] = StashPlugin()
        build(config)
    except MkDocsException as exc:
        # MkDocs logs what was wrong and raises only "Aborted with a configuration error!"
        said = "; ".join(handler.messages) or str(exc)
        raise EvidenceError(f"MkDocs could not build the site: {said}", where=where) from None
    finally:
        logger.removeHandler(handler)
        if before is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before
    _check_nav(handler.messages, config_file, where)
    return handler.messages


NAV_MISSING = re.compile(r"A reference to '(.+?)' is included in the 'nav' configuration, which")


def _check_nav(warnings: list[str], config_file: Path, where: str) -> None:
    """A nav entry naming a page that does not exist is an error, not a warning in the log: the
    site would be built without that page (a deleted or renamed file)."""
    for warning in warnings:
        missing = NAV_MISSING.search(warning)
        if not missing:
            continue
        page = missing.group(1)
        lines = Path(config_file).read_text(encoding="utf-8").splitlines()
        line = next((n for n, text in enumerate(lines, 1) if page in text), None)
        at = f"line {line}: " if line else ""
        stem = page.removesuffix(".md")
        raise EvidenceError(
            f"{at}nav names {page!r}, but there is no docs/{page} and no analyses/{stem}.py to "
            "make it; expected a page that exists (or remove the entry)",
            where=where,
        )


@contextmanager
def signals_deferred():
    """Hold Ctrl-C and SIGTERM while folders are renamed, so a signal cannot land between the
    two renames of a swap; a signal that came meanwhile is delivered right after."""
    held = {signal.SIGINT, signal.SIGTERM}
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def swap_into_place(new: Path, target: Path) -> None:
    """Replace `target` with `new` (same filesystem): readers see old or new, never half."""
    target = Path(target)
    old = target.with_name(f".{target.name}-old-{os.getpid()}")
    with signals_deferred():
        if target.exists():
            os.replace(target, old)
        try:
            os.replace(new, target)
        except OSError as exc:
            if old.exists():
                os.replace(old, target)
            raise EvidenceError(f"could not move the new {target.name} into place: {exc}") from exc
    shutil.rmtree(old, ignore_errors=True)
