"""Stage 1, data: tables described by a Frictionless data package (analyses/data/datapackage.yaml).

Validation uses the frictionless library for the table schema (types, required, enum, unique,
primary and foreign keys); this module adds what it does not say clearly enough for a person:
encoding, empty files, header spelling, a size limit and ordered pairs such as start <= end.
Every problem ends as one EvidenceError naming file, row, column and what was expected.
The descriptor itself is read and checked by ``descriptor``.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
from functools import cached_property
from pathlib import Path

from evidence.descriptor import DESCRIPTOR, min_rows, read_descriptor, resource_lines
from evidence.errors import EvidenceError
from evidence.project import decode_utf8, display, read_text, sha256_bytes

MAX_TABLE_BYTES = 50 * 1024 * 1024  # far above any real table here; stops a runaway file early
CITATION_KEYS = "keys"  # x-citation-keys: keys       -> "a; b" or "@a; @b"
CITATION_FIELD_MAP = "field-map"  # x-citation-keys: field-map -> "beds=a; price=b"
KEY_RE = re.compile(r"^@?([A-Za-z0-9_][\w:.#$%&+?<>~/-]*)$")

PANDAS_TYPES = {
    "string": "string",
    "integer": "Int64",
    "year": "Int64",
    "number": "Float64",
    "boolean": "boolean",
}


def parse_key_list(text: str) -> list[str]:
    """'a; @b' -> ['a', 'b']; raises ValueError on anything that is not a key."""
    keys = []
    for part in (p.strip() for p in str(text).split(";")):
        if not part:
            continue
        m = KEY_RE.match(part)
        if not m:
            raise ValueError(f"'{part}' is not a citation key")
        keys.append(m.group(1))
    return keys


def parse_field_map(text: str) -> list[tuple[str, str]]:
    """'beds=a; price=@b' -> [('beds', 'a'), ('price', 'b')]."""
    pairs = []
    for part in (p.strip() for p in str(text).split(";")):
        if not part:
            continue
        name, eq, key = part.partition("=")
        m = KEY_RE.match(key.strip())
        if not eq or not m or not name.strip():
            raise ValueError(f"'{part}' is not of the form column=key")
        pairs.append((name.strip(), m.group(1)))
    return pairs


class DataPackage:
    """The tables of one data directory and their schemas."""

    def __init__(self, data_dir: Path):
        self.dir = Path(data_dir).resolve()
        self.descriptor_path = self.dir / DESCRIPTOR
        self._validated: dict[str, str] = {}  # table -> sha256 of the bytes that passed
        self._frictionless = None  # the frictionless Package, made on first validation
        self.loaded_by: dict[str, list[str]] = {}  # table -> the analyses that load it (check)

    @cached_property
    def descriptor(self) -> dict:
        return read_descriptor(self.descriptor_path, self.dir)

    def table_names(self) -> list[str]:
        return [r["name"] for r in self.descriptor["resources"]]

    def resource(self, name: str) -> dict:
        for res in self.descriptor["resources"]:
            if res.get("name") == name:
                return res
        known = ", ".join(self.table_names())
        hint = difflib.get_close_matches(name, self.table_names(), n=1)
        did = f" Did you mean {hint[0]!r}?" if hint else ""
        raise EvidenceError(
            f"no table named {name!r} in {self.descriptor_path} (has: {known}).{did}"
        )

    def path(self, name: str) -> Path:
        return self.dir / self.resource(name)["path"]

    def fields(self, name: str) -> list[dict]:
        return self.resource(name)["schema"]["fields"]

    def descriptor_hash(self, name: str) -> str:
        return sha256_bytes(json.dumps(self.resource(name), sort_keys=True).encode())

    def display(self, name: str, path: Path | None = None) -> str:
        p = path or self.path(name)
        try:
            return str(p.relative_to(Path.cwd()))
        except ValueError:
            return str(p)

    # ---- validation -------------------------------------------------------------------------

    def read_bytes(self, name: str) -> bytes:
        path = self.path(name)
        where = self.display(name, path)
        if not path.is_file():
            raise EvidenceError(f"table {name!r} is described but its file is missing", where=where)
        size = path.stat().st_size
        if size > MAX_TABLE_BYTES:
            raise EvidenceError(
                f"file is {size / 1e6:.0f} MB; a table may be at most "
                f"{MAX_TABLE_BYTES / 1e6:.0f} MB",
                where=where,
            )
        return path.read_bytes()

    def validate(self, name: str, data: bytes | None = None) -> str:
        """Validate one table; return the sha256 of the bytes that passed."""
        data = self.read_bytes(name) if data is None else data
        digest = sha256_bytes(data)
        if self._validated.get(name) == digest:
            return digest
        where = self.display(name)
        text = _decode(data, where)
        fields = self.fields(name)
        _check_header(text, [f["name"] for f in fields], where)
        _check_rows(name, self.resource(name), text, where, self.loaded_by.get(name, []))
        _check_schema(self, name, where)
        _check_ordered(self.resource(name), text, where)
        self._validated[name] = digest
        return digest

    def frictionless(self):
        """The whole package as frictionless sees it, so foreign keys to other tables can be
        checked; made once per descriptor (parsing it for every table cost a third of a build's
        validation time). Raises FrictionlessException if frictionless refuses the descriptor."""
        if self._frictionless is None:
            from frictionless import Package, system

            resources = []
            for res in self.descriptor["resources"]:
                res = dict(res)
                res.setdefault("encoding", "utf-8-sig")
                res.setdefault("format", "csv")
                resources.append(res)
            with system.use_context(trusted=True):
                self._frictionless = Package({"resources": resources}, basepath=str(self.dir))
        return self._frictionless

    def mark_validated(self, name: str, digest: str) -> None:
        self._validated[name] = digest

    def read(self, name: str, data: bytes | None = None):
        """The table as a DataFrame with the schema's types (validated first)."""
        import pandas as pd

        data = self.read_bytes(name) if data is None else data
        self.validate(name, data)
        fields = self.fields(name)
        dtypes = {f["name"]: PANDAS_TYPES.get(f.get("type", "string"), "string") for f in fields}
        frame = pd.read_csv(
            io.BytesIO(data),
            encoding="utf-8-sig",
            dtype=dtypes,
            keep_default_na=False,
            na_values=[""],
        )
        for f in fields:
            if f.get("type") == "date":
                frame[f["name"]] = pd.to_datetime(frame[f["name"]], format="%Y-%m-%d")
        frame.attrs["table"] = name
        return frame

    def citation_cells(self, name: str):
        """(row number, column, key) for every citation key a table's cells hold."""
        fields = {f["name"]: f.get("x-citation-keys") for f in self.fields(name)}
        marked = {k: v for k, v in fields.items() if v}
        if not marked:
            return
        text = self.read_bytes(name).decode("utf-8-sig")
        reader = csv.DictReader(io.StringIO(text))
        for rownum, row in enumerate(reader, start=2):
            for column, kind in marked.items():
                cell = row.get(column) or ""
                try:
                    if kind == CITATION_FIELD_MAP:
                        pairs = parse_field_map(cell)
                        for target, _ in pairs:
                            if target not in fields:
                                raise ValueError(f"'{target}' is not a column of {name}")
                        keys = [k for _, k in pairs]
                    else:
                        keys = parse_key_list(cell)
                except ValueError as exc:
                    raise EvidenceError(
                        f"row {rownum}, column {column!r}: {exc}", where=self.display(name)
                    ) from None
                for key in keys:
                    yield rownum, column, key


def _decode(data: bytes, where: str) -> str:
    if not data.strip():
        raise EvidenceError("file is empty; expected a header row and data rows", where=where)
    text = decode_utf8(data, where)  # a leading BOM is harmless and dropped
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise EvidenceError(
            f"line {line}: contains a NUL byte; expected plain CSV text (is this a binary file?)",
            where=where,
        )
    _check_quotes(text, where)
    return text


def _check_quotes(text: str, where: str) -> None:
    """A quote opened and never closed swallows the rest of the file; say where it opened."""
    reader = csv.reader(io.StringIO(text), strict=True)
    start = 1
    try:
        for _ in reader:
            start = reader.line_num + 1
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise EvidenceError(
                f'line {start}: a quoted field (opened with ") is never closed; '
                'expected a closing " before the end of the row',
                where=where,
            ) from None
        raise EvidenceError(
            f"line {reader.line_num}: malformed quoting ({exc}); expected a field with a comma "
            'or quote to be wrapped in quotes, with "" for a quote inside it',
            where=where,
        ) from None


def _check_header(text: str, expected: list[str], where: str) -> None:
    header = next(csv.reader(io.StringIO(text)), [])
    twice = [c for i, c in enumerate(header) if c in header[:i]]
    if twice:
        columns = [i + 1 for i, c in enumerate(header) if c == twice[0]]
        raise EvidenceError(
            f"line 1: column {twice[0]!r} appears twice (columns {columns[0]} and {columns[1]}); "
            "expected each column once",
            where=where,
        )
    missing = [c for c in expected if c not in header]
    unknown = [c for c in header if c not in expected]
    if not missing and not unknown and header == expected:
        return
    if unknown:
        col = unknown[0]
        hint = difflib.get_close_matches(col, missing or expected, n=1)
        did = f"; did you mean {hint[0]!r}?" if hint else ""
        raise EvidenceError(f"line 1: unexpected column {col!r}{did}", where=where)
    if missing:
        raise EvidenceError(
            f"line 1: missing column {missing[0]!r} (expected columns: {', '.join(expected)})",
            where=where,
        )
    raise EvidenceError(
        f"line 1: columns are out of order; expected: {', '.join(expected)}", where=where
    )


def _check_rows(name: str, resource: dict, text: str, where: str, loaded_by: list[str]) -> None:
    """x-min-rows (default 1): a header with no rows under it stops here, before any analysis
    fails on the empty table in its own way."""
    least = min_rows(resource)
    if not least:
        return
    rows = sum(1 for row in csv.reader(io.StringIO(text)) if row) - 1
    if rows >= least:
        return
    has = "a header row but no data rows" if rows <= 0 else f"{rows} data rows"
    users = f" (loaded by {', '.join(loaded_by)})" if loaded_by else ""
    raise EvidenceError(f"table {name!r} has {has}; expected at least {least}{users}", where=where)


def _check_schema(package: DataPackage, name: str, where: str) -> None:
    from frictionless import FrictionlessException, system

    for other in package.table_names():  # a foreign key may read another table: it must exist
        if not package.path(other).is_file():
            package.read_bytes(other)  # raises, naming that file

    try:
        with system.use_context(trusted=True):
            # the whole package, so foreign keys to other tables can be checked; made once per
            # descriptor (parsing it for every table cost a third of a build's validation time)
            report = package.frictionless().get_resource(name).validate(limit_errors=1)
    except FrictionlessException as exc:
        # the package-level message is only "descriptor is not valid"; the reason says what
        reasons = [r.message for r in getattr(exc, "reasons", None) or []]
        names = package.table_names()
        lines = resource_lines(read_text(package.descriptor_path))
        index = names.index(name)
        at = f"line {lines[index]}: " if index < len(lines) else ""
        raise EvidenceError(
            f"{at}table {name!r} is not described correctly: "
            f"{reasons[0] if reasons else exc.error.message}",
            where=display(package.descriptor_path),
        ) from None
    if report.valid:
        return
    errors = report.flatten(["rowNumber", "fieldName", "type", "cell", "note"])
    if not errors:
        task_errors = [e.message for t in report.tasks for e in t.errors] or report.errors
        raise EvidenceError(f"does not match its schema: {task_errors[0]}", where=where)
    row, field, kind, cell, note = errors[0]
    fdesc = next((f for f in package.fields(name) if f["name"] == field), {})
    raise EvidenceError(_describe(kind, row, field, cell, note, fdesc), where=where)


def _describe(kind, row, field, cell, note, fdesc) -> str:
    at = (f"row {row}" if row else "table") + (f", column {field!r}" if field else "")
    expected = fdesc.get("type", "string")
    cons = fdesc.get("constraints", {})
    if kind == "type-error":
        return f"{at}: expected {_article(expected)}, got {cell!r}"
    if kind == "constraint-error":
        if "enum" in cons and "enum" in note:
            return f"{at}: {cell!r} is not allowed; expected one of: {', '.join(cons['enum'])}"
        if "minimum" in note:
            return f"{at}: {cell!r} is below the minimum {cons.get('minimum')}"
        if "maximum" in note:
            return f"{at}: {cell!r} is above the maximum {cons.get('maximum')}"
        if "required" in note:
            return f"{at}: a value is required"
        if "pattern" in note:
            return f"{at}: {cell!r} does not match the pattern {cons.get('pattern')}"
        return f"{at}: {cell!r} breaks a constraint ({note})"
    if kind in ("unique-error", "primary-key"):
        return f"{at}: {cell!r} duplicates an earlier row; values in this column must be unique"
    if kind == "extra-cell":
        return f"row {row}: has more cells than the header's columns"
    if kind == "missing-cell":
        return f"{at}: row has fewer cells than the header's columns"
    if kind == "foreign-key":
        return f"{at}: refers to a value missing from the linked table ({note})"
    if kind == "blank-row":
        return f"row {row}: is blank; expected a data row (delete the empty line)"
    return f"{at}: {kind} {note}".strip()


def _article(type_name: str) -> str:
    words = {
        "integer": "a whole number",
        "number": "a number",
        "year": "a four-digit year",
        "date": "a date (YYYY-MM-DD)",
        "boolean": "true or false",
    }
    return words.get(type_name, type_name)


def _check_ordered(resource: dict, text: str, where: str) -> None:
    """x-ordered: [[start_year, end_year]] -> each row's first value must not exceed the second."""
    pairs = resource.get("x-ordered") or []
    if not pairs:
        return
    for rownum, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        for low, high in pairs:
            a, b = row.get(low) or "", row.get(high) or ""
            if a and b and float(a) > float(b):
                raise EvidenceError(
                    f"row {rownum}, column {high!r}: {b} comes before {low} {a}; "
                    f"expected {high} >= {low}",
                    where=where,
                )
