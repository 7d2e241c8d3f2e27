"""The data package's descriptor, analyses/data/datapackage.yaml, read and checked: each table
has a name, a CSV path inside the data directory and a list of typed columns, and any
``x-min-rows`` is a whole number. Every problem names the descriptor's line."""

from __future__ import annotations

import difflib
import functools
import re
from pathlib import Path

import yaml

from evidence.errors import EvidenceError
from evidence.project import display, load_yaml, read_text

DESCRIPTOR = "datapackage.yaml"
# A table needs this many data rows unless its entry says otherwise (x-min-rows: 0 for a table
# that may be empty): a file with only its header row is nearly always a failed export or save,
# and every analysis that loads it would fail on it in its own way.
DEFAULT_MIN_ROWS = 1


def read_descriptor(path: Path, data_dir: Path) -> dict:
    """The descriptor as plain data, every table entry checked."""
    if not path.is_file():
        raise EvidenceError(f"no {DESCRIPTOR} in data directory {display(data_dir)}")
    where = display(path)
    text = read_text(path, where)
    desc = load_yaml(text, where)
    lines = resource_lines(text)
    if not isinstance(desc, dict) or not isinstance(desc.get("resources"), list):
        raise EvidenceError("expected a mapping with 'resources', a list of tables", where=where)
    for index, res in enumerate(desc["resources"]):
        line = lines[index] if index < len(lines) else None
        _check_resource(res, index, line, where, data_dir)
    names = [r.get("name") for r in desc["resources"]]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        line = lines[len(names) - 1 - names[::-1].index(dupes[0])]
        raise EvidenceError(f"line {line}: table {dupes[0]!r} is described twice", where=where)
    return desc


def min_rows(resource: dict) -> int:
    return resource.get("x-min-rows", DEFAULT_MIN_ROWS)


FIELD_TYPES = {
    "string",
    "integer",
    "number",
    "boolean",
    "date",
    "year",
    "datetime",
    "time",
    "yearmonth",
    "duration",
    "any",
}


@functools.lru_cache(maxsize=4)
def resource_lines(text: str) -> tuple[int, ...]:
    """The line each entry of `resources` starts on, for messages about the descriptor."""
    try:  # libyaml when it is there (several times faster); a YAML error is reported elsewhere
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(node, yaml.MappingNode):
        return ()
    for key, value in node.value:
        if key.value == "resources" and isinstance(value, yaml.SequenceNode):
            return tuple(item.start_mark.line + 1 for item in value.value)
    return ()


def _check_resource(res, index: int, line: int | None, where: str, data_dir: Path) -> None:
    """Each table's entry: a name, a CSV path inside the data directory, a list of fields."""
    at = f"line {line}: " if line else ""
    label = f"table {index + 1}" if not isinstance(res, dict) or not res.get("name") else None
    if not isinstance(res, dict):
        raise EvidenceError(
            f"{at}{label} is not a mapping; expected name, path and schema", where=where
        )
    name = res.get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", name):
        raise EvidenceError(
            f"{at}{label or f'table {name!r}'} has no valid name; expected lower-case letters, "
            "digits, '_', '-' or '.'",
            where=where,
        )
    path = res.get("path")
    if not isinstance(path, str) or not path.endswith(".csv"):
        raise EvidenceError(f"{at}table {name!r}: expected a path to a .csv file", where=where)
    target = (data_dir / path).resolve()
    if Path(path).is_absolute() or not target.is_relative_to(data_dir):
        raise EvidenceError(
            f"{at}table {name!r}: path {path!r} is outside the data directory; expected a file "
            "name relative to it",
            where=where,
        )
    fields = (
        (res.get("schema") or {}).get("fields") if isinstance(res.get("schema"), dict) else None
    )
    if not isinstance(fields, list) or not fields:
        raise EvidenceError(
            f"{at}table {name!r} has no schema.fields; expected a list of columns", where=where
        )
    least = res.get("x-min-rows", DEFAULT_MIN_ROWS)
    if not isinstance(least, int) or isinstance(least, bool) or least < 0:
        raise EvidenceError(
            f"{at}table {name!r}: x-min-rows is {least!r}; expected a whole number of rows "
            "(0 for a table that may be empty)",
            where=where,
        )
    seen = set()
    for number, f in enumerate(fields, start=1):
        if not isinstance(f, dict) or not isinstance(f.get("name"), str) or not f["name"]:
            raise EvidenceError(
                f"{at}table {name!r}, field {number}: expected a mapping with a name", where=where
            )
        if f["name"] in seen:
            raise EvidenceError(
                f"{at}table {name!r}: column {f['name']!r} is described twice", where=where
            )
        seen.add(f["name"])
        kind = f.get("type", "string")
        if kind not in FIELD_TYPES:
            hint = difflib.get_close_matches(str(kind), sorted(FIELD_TYPES), n=1)
            did = f"; did you mean {hint[0]!r}?" if hint else ""
            raise EvidenceError(
                f"{at}table {name!r}, column {f['name']!r}: unknown type {kind!r}{did}",
                where=where,
            )
