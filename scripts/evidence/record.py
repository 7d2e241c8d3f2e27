"""The analysis record: what ``run`` hands to ``render``, as typed records.

An analysis child (``python -m evidence.run``) writes its record as JSON, and the cache keeps it
in that form; ``AnalysisRecord.from_json`` reads it into the types below, which are the whole
contract between the two stages. The JSON form is:

- ``cells``: one entry per Markdown or code cell, in order. A Markdown cell has ``source``; a code
  cell has ``source``, ``line`` (the file line its body starts on) and ``outputs``.
- an output has ``kind``: ``stream`` or ``text`` (``text``), ``markdown`` (``text``, Markdown with
  citations), ``table`` (``columns``, ``rows``, ``caption``, ``units``, ``row_ids``, ``links``,
  ``cards``, ``notes``) or ``chart`` (``spec``, a Vega-Lite dict, and ``description``).
- ``results``: name -> ``value``, ``unit``, ``description``, ``cell``.
- ``inputs``: table name -> ``sha256`` of its bytes and ``schema`` (hash of its description).
- ``pages`` (optional): generated page path -> ``title`` and ``outputs``, each output also giving
  the ``cell`` and ``line`` of the ``show(...)`` that made it.
- ``modules``: the package's source files the analysis ran with (``api.py``, ``models.py`` …),
  the code part of its cache key.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from evidence.errors import EvidenceError


@dataclass(frozen=True)
class Text:
    """Printed output (``stream``) or the repr of a cell's last value (``text``)."""

    text: str
    stream: bool = False


@dataclass(frozen=True)
class Markdown:
    """``show("text")``: Markdown for the page, citations allowed."""

    text: str


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[list]
    caption: str = ""
    units: dict[str, str] = field(default_factory=dict)
    row_ids: list[str] = field(default_factory=list)
    # column -> one page per row ("arrangements/x.md"; empty: no link), rendered as links
    links: dict[str, list[str]] = field(default_factory=dict)
    cards: bool = False  # a compact table whose rows read as cards on a narrow screen
    # note column -> the column whose cell shows it as a line under its text (a long note
    # beside short figures would widen the table past the page); the CSV keeps it a column
    notes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Chart:
    spec: dict
    description: str = ""


Output = Text | Markdown | Table | Chart


@dataclass(frozen=True)
class Origin:
    """Where an output was made: the analysis file, the cell number and the line it starts on."""

    where: str
    cell: int
    line: int | None


@dataclass(frozen=True)
class Cell:
    kind: str  # "markdown" or "code"
    source: str
    line: int | None = None  # code cells: the file line the cell's body starts on
    outputs: list[Output] = field(default_factory=list)


@dataclass(frozen=True)
class GeneratedPage:
    """A page made with ``with page(path, title=...)``; each output with its origin."""

    path: str
    title: str
    outputs: list[tuple[Output, int, int | None]]  # (output, cell, line)


@dataclass(frozen=True)
class Result:
    """A published figure, as results.json records it."""

    name: str
    value: object
    unit: str
    description: str
    cell: int
    analysis: str  # "analyses/NAME.py"
    inputs: dict  # table -> {"sha256", "schema"}

    def as_json(self) -> dict:
        return {
            "value": self.value,
            "unit": self.unit,
            "description": self.description,
            "cell": self.cell,
            "analysis": self.analysis,
            "inputs": self.inputs,
        }


@dataclass(frozen=True)
class AnalysisRecord:
    name: str  # the script's stem: analyses/NAME.py
    cells: list[Cell]
    results: dict[str, dict]  # as published: name -> value, unit, description, cell
    inputs: dict[str, dict]
    pages: list[GeneratedPage] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"analyses/{self.name}.py"

    @classmethod
    def from_json(cls, name: str, data: dict) -> AnalysisRecord:
        cells = []
        for cell in data["cells"]:
            if cell["type"] == "markdown":
                cells.append(Cell("markdown", cell["source"]))
            else:
                outputs = [read_output(o) for o in cell["outputs"]]
                cells.append(Cell("code", cell["source"], cell["line"], outputs))
        pages = [
            GeneratedPage(
                path,
                spec["title"],
                [(read_output(o), o.get("cell", 0), o.get("line")) for o in spec["outputs"]],
            )
            for path, spec in sorted((data.get("pages") or {}).items())
        ]
        return cls(name, cells, data["results"], data["inputs"], pages)


def read_output(data: dict) -> Output:
    kind = data["kind"]
    if kind == "table":
        return Table(
            data["columns"],
            data["rows"],
            data.get("caption") or "",
            data.get("units") or {},
            data.get("row_ids") or [],
            data.get("links") or {},
            bool(data.get("cards")),
            data.get("notes") or {},
        )
    if kind == "chart":
        return Chart(data["spec"], data.get("description") or "")
    if kind == "markdown":
        return Markdown(data["text"])
    return Text(data["text"], stream=kind == "stream")


def collect_results(records: dict[str, AnalysisRecord]) -> dict[str, Result]:
    """Every published result by name; a name published by two analyses is an error."""
    results: dict[str, Result] = {}
    for name, record in sorted(records.items()):
        for rname, r in record.results.items():
            if rname in results:
                raise EvidenceError(
                    f"result {rname!r} is published by both {results[rname].analysis} and "
                    f"analyses/{name}.py"
                )
            results[rname] = Result(
                rname,
                r["value"],
                r["unit"],
                r["description"],
                r["cell"],
                record.where,
                record.inputs,
            )
    return results
