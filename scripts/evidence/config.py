"""Configuration and build facts, each read once per build and handed to every stage.

``SiteConfig`` is what the pipeline needs from ``mkdocs.yml`` (MkDocs itself reads the file again
to build the site); ``BuildFacts`` is what names the build: the commit time every date is taken
from (``git log`` runs once), and the tool versions pages quote. A ``mkdocs.yml`` that is not
valid YAML ends in one message with its line and column.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from evidence.errors import EvidenceError
from evidence.project import display, load_yaml, read_text


def read_config(path: Path) -> dict:
    """mkdocs.yml as plain data (its !ENV and python tags read as empty); invalid YAML is an
    EvidenceError naming the file, line and column."""
    where = display(path)
    text = read_text(path, where)
    if not text.strip():
        raise EvidenceError(
            "file is empty; expected the site's settings (site_name, nav, theme, ...)", where=where
        )
    data = load_yaml(text, where)
    if not isinstance(data, dict):
        raise EvidenceError("line 1: mkdocs.yml must be a mapping (key: value)", where=where)
    return data


@dataclass(frozen=True)
class SiteConfig:
    """The settings of mkdocs.yml the pipeline uses."""

    site_name: str = ""
    site_url: str = ""
    repo_url: str = ""
    edit_uri: str = ""
    use_directory_urls: bool = True
    extra: dict = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> SiteConfig:
        raw = read_config(path)
        return cls(
            site_name=str(raw.get("site_name") or ""),
            site_url=str(raw.get("site_url") or ""),
            repo_url=str(raw.get("repo_url") or ""),
            edit_uri=str(raw.get("edit_uri") or ""),
            use_directory_urls=bool(raw.get("use_directory_urls", True)),
            extra=raw.get("extra") or {},
        )

    @property
    def briefing(self) -> dict:
        """``extra.briefing``: organisation and contact for the briefing."""
        return self.extra.get("briefing") or {}

    @property
    def contact(self) -> dict:
        """Contact details from ``extra`` (accessibility, then general, then briefing); empty
        when none is configured. Never made up."""
        extra = self.extra
        for holder in (extra.get("accessibility") or {}, extra, extra.get("briefing") or {}):
            contact = holder.get("contact") if isinstance(holder, dict) else None
            if isinstance(contact, dict) and contact:
                return contact
        return {}

    def repository_file_url(self, path: str, line: int | None = None) -> str | None:
        """The file's page in the repository (repo_url, branch from edit_uri), or None."""
        repo = self.repo_url.rstrip("/")
        if not repo:
            return None
        parts = self.edit_uri.strip("/").split("/")
        branch = parts[1] if len(parts) > 1 and parts[0] in ("edit", "blob", "tree") else "HEAD"
        url = f"{repo}/blob/{branch}/{path}"
        return url + (f"#L{line}" if line else "")


def source_date_epoch(root: Path) -> str:
    """The last commit's time (never the clock), so sitemaps and dates are reproducible.
    SOURCE_DATE_EPOCH, when set by the caller, wins (the reproducible-builds convention)."""
    given = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if given.isdigit():
        return given
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True
        )
        stamp = out.stdout.strip()
        if out.returncode == 0 and stamp.isdigit():
            return stamp
    except OSError:
        pass
    return "0"


@dataclass(frozen=True)
class BuildFacts:
    """What names this build, found once: the commit time (``epoch``, seconds, as text) and the
    axe-core version the accessibility tests run."""

    epoch: str = "0"
    axe_core_version: str = ""

    @classmethod
    def find(cls, root: Path) -> BuildFacts:
        return cls(epoch=source_date_epoch(root), axe_core_version=_axe_version(root))

    @property
    def commit_day(self) -> dt.date:
        """The briefing's date: the last commit's day (1 January 1970 when unknown)."""
        return dt.datetime.fromtimestamp(int(self.epoch), dt.UTC).date()

    @property
    def last_updated(self) -> dt.date | None:
        """The last commit's day for pages that say when the site changed; None if unknown."""
        stamp = os.environ.get("SOURCE_DATE_EPOCH") or self.epoch
        if not stamp.isdigit() or int(stamp) == 0:
            return None
        return dt.datetime.fromtimestamp(int(stamp), tz=dt.UTC).date()


def _axe_version(root: Path) -> str:
    """The axe-core version the accessibility tests run (tests/a11y/package-lock.json)."""
    lock = root / "tests" / "a11y" / "package-lock.json"
    try:
        packages = json.loads(lock.read_text(encoding="utf-8"))["packages"]
        return str(packages["node_modules/axe-core"]["version"])
    except (OSError, ValueError, KeyError):
        return ""


def en_gb_date(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else "not known (no commit history)"


def site_facts(config: SiteConfig, facts: BuildFacts) -> dict:
    """What pages may name with {{ site.x }}: dates, repository, contact details from ``extra``."""
    day = facts.last_updated
    return {
        "name": config.site_name,
        "url": config.site_url,
        "repo_url": config.repo_url,
        "last_updated": en_gb_date(day),
        "last_updated_iso": day.isoformat() if day else "",
        "extra": config.extra,
        "contact": config.contact,
        "axe_core_version": facts.axe_core_version,
    }
