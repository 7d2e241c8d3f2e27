"""What an analysis sees: load a table by name, publish a named result, show a table or chart.

Run by the pipeline, these record which tables were read (the cache key and the provenance) and
which cell published what. Run alone (``python analyses/NAME.py``) they validate the same tables
and print each result, so both ways give the same figures.
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from evidence.data import DataPackage
from evidence.errors import EvidenceError

DATA_ENV = "EVIDENCE_DATA_DIR"
VALIDATED_ENV = "EVIDENCE_VALIDATED"  # JSON {table: sha256} already validated by the parent


@dataclass
class Session:
    data_dir: Path
    standalone: bool = True
    inputs: dict = field(default_factory=dict)  # table -> {"sha256", "schema"}
    results: dict = field(default_factory=dict)
    displays: list = field(default_factory=list)  # objects shown in the current cell
    cell: int = 0
    reading: bool = False  # True while load() itself opens a data file
    pages: dict = field(default_factory=dict)  # generated page path -> {"title", "items"}
    current_page: str | None = None  # set inside `with page(...)`

    @property
    def package(self) -> DataPackage:
        if not hasattr(self, "_package"):
            self._package = DataPackage(self.data_dir)
            for name, digest in json.loads(os.environ.get(VALIDATED_ENV, "{}")).items():
                self._package.mark_validated(name, digest)
        return self._package


_session: Session | None = None


def session() -> Session:
    global _session
    if _session is None:
        if os.environ.get(DATA_ENV):
            data_dir = Path(os.environ[DATA_ENV])
        else:
            script = Path(sys.argv[0]).resolve() if sys.argv and sys.argv[0] else Path.cwd()
            data_dir = script.parent / "data"
        _session = Session(data_dir=data_dir)
    return _session


def load(name: str):
    """The table `name` from the data directory, validated against its schema, as a DataFrame."""
    s = session()
    pkg = s.package
    from evidence.project import sha256_bytes

    s.reading = True  # the data-read guard lets only the loader open data files
    try:
        data = pkg.read_bytes(name)
        frame = pkg.read(name, data)
    finally:
        s.reading = False

    s.inputs[name] = {"sha256": sha256_bytes(data), "schema": pkg.descriptor_hash(name)}
    return frame


def _plain(value):
    """numpy and pandas scalars to plain JSON values; NaN is not a result."""
    if hasattr(value, "item") and callable(value.item):
        value = value.item()
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise EvidenceError(f"result value {value} is not a finite number")
        return value
    raise EvidenceError(f"a result must be a number or text, not {type(value).__name__}")


def publish(name: str, value, *, unit: str, description: str) -> None:
    """Record a named figure for pages and the briefing, e.g. publish("x.y", 0.8, unit=..., ...)."""
    s = session()
    if not name or not all(part.isidentifier() for part in name.split(".")):
        raise EvidenceError(f"result name {name!r} must be dotted identifiers, e.g. 'model.saving'")
    if name in s.results:
        raise EvidenceError(f"result {name!r} is published twice")
    s.results[name] = {
        "value": _plain(value),
        "unit": unit,
        "description": description,
        "cell": s.cell,
    }
    if s.standalone:
        print(f"{name} = {s.results[name]['value']} {unit}")


def show(obj, *, caption: str | None = None, description: str | None = None):
    """Display a DataFrame (with a caption) or a chart (with a text description): an Altair
    chart, or a Vega-Lite specification as a dict (one shared spec given each page's data).

    Inside ``with page(...)`` it goes onto that generated page instead, where a string is
    Markdown (citations such as [@key] work there)."""
    s = session()
    if s.current_page is not None:
        item = {"obj": obj, "caption": caption, "description": description, "cell": s.cell}
        s.pages[s.current_page]["items"].append(item)
        return None
    if s.standalone:
        if caption:
            print(caption)
        print(obj.to_string() if hasattr(obj, "to_string") else obj)
        return None
    s.displays.append({"obj": obj, "caption": caption, "description": description})
    return None


PAGE_PATH = re.compile(r"^[a-z0-9][a-z0-9_-]*(/[A-Za-z0-9][A-Za-z0-9_-]*)+$")


@contextmanager
def page(path: str, *, title: str):
    """Send what ``show`` displays to a generated page, e.g. one per authority:

        with page("authorities/E10000024", title="Nottinghamshire"):
            show("Text with a citation [@key].")
            show(frame, caption="...")

    The build writes it as ``PATH.md`` (so ``PATH/`` on the site), with the title as heading
    and a reference list; the analysis's own page can link to it as ``PATH.md``."""
    s = session()
    if not PAGE_PATH.match(path):
        raise EvidenceError(
            f"page path {path!r} must be folder/name in lower-case letters, digits, - or _ "
            "(e.g. 'authorities/E10000024')"
        )
    if s.current_page is not None:
        raise EvidenceError(f"page {path!r} is opened inside page {s.current_page!r}")
    if path in s.pages:
        raise EvidenceError(f"page {path!r} is generated twice")
    s.pages[path] = {"title": title, "items": []}
    s.current_page = path
    try:
        yield
    finally:
        s.current_page = None
