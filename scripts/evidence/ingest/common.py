"""What every importer shares: reading a release, checking its format, resolving authorities,
and the records an importer returns (writing them is ``_writing``).

An importer never guesses. A file that is not the format it expects (encoding, preamble, header,
a value that is neither a number nor a published suppression marker, an authority it cannot
place) stops with one EvidenceError naming the file, the line, the column and what was expected.
Suppression markers (c, x, z, k, [x], ..) become missing values, never zero.
Over 400 lines: the checks every importer shares stay in one place so each importer is short.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from evidence.errors import EvidenceError

RELEASES = "releases.csv"
DATAPACKAGE = "datapackage.yaml"
ENCODING_NAMES = {"utf-8": "UTF-8", "cp1252": "Windows-1252 (CP-1252)", "mac_roman": "Mac Roman"}
MARKER_MEANINGS = {
    "c": "suppressed to protect confidentiality",
    "x": "not available or suppressed",
    "z": "not applicable",
    "k": "rounds to zero but is not zero",
    "..": "not available",
    "[x]": "return not received in time",
    "[note 4]": "authority could not split its spending (publisher's note 4)",
    "-": "shown as a dash by the publisher (not collected or not applicable)",
    "": "blank in the release",
}
LEVELS = {"National": "England", "Regional": "region", "Local authority": "authority"}


# ---- the file ------------------------------------------------------------------------------


@dataclass
class Table:
    """A release's CSV table: its header line and rows, each with the file line it came from."""

    path: Path
    encoding: str
    header: list[str]
    header_line: int
    rows: list[tuple[int, dict]]
    preamble: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name

    def where(self, line: int | None = None, column: str | None = None) -> str:
        text = str(self.path)
        if line is not None:
            text += f", line {line}"
        if column is not None:
            text += f", column {column!r}"
        return text


def decode(data: bytes, path: Path, encodings: tuple[str, ...]) -> tuple[str, str]:
    """The text and the encoding it was read with; a clear error if none of `encodings` fits."""
    if not data.strip():
        raise EvidenceError(f"{path}: the file is empty; expected a published CSV release")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4096]:
        raise EvidenceError(
            f"{path}, line 1: the file looks like UTF-16 (it has NUL bytes); expected "
            + " or ".join(ENCODING_NAMES.get(e, e) for e in encodings)
            + " as the publisher releases it"
        )
    last = None
    for encoding in encodings:
        try:
            text = data.decode("utf-8-sig" if encoding == "utf-8" else encoding)
            return text, encoding
        except UnicodeDecodeError as exc:
            last = (encoding, exc)
    encoding, exc = last
    line = data[: exc.start].count(b"\n") + 1
    byte = data[exc.start : exc.start + 1].hex()
    expected = " or ".join(ENCODING_NAMES.get(e, e) for e in encodings)
    hint = ""
    if encodings == ("utf-8",) and _is_cp1252(data):
        hint = " (the file looks like Windows-1252; this release is published as UTF-8)"
    raise EvidenceError(
        f"{path}, line {line}: byte 0x{byte} cannot be read as {expected}; expected the "
        f"encoding the publisher uses{hint}"
    )


def _is_cp1252(data: bytes) -> bool:
    try:
        data.decode("cp1252")
        return True
    except UnicodeDecodeError:
        return False


def read_table(
    path: Path,
    *,
    encodings: tuple[str, ...] = ("utf-8",),
    header_line: int = 1,
    required: list[str],
    title_pattern: str | None = None,
) -> tuple[Table, re.Match | None]:
    """Read a release: check encoding, the preamble's title line, the header and its columns."""
    path = Path(path)
    if not path.is_file():
        raise EvidenceError(f"{path}: no such file")
    data = path.read_bytes()
    text, encoding = decode(data, path, encodings)
    if title_pattern and encoding != "utf-8":
        # a single-byte file does not say which code page it uses; the title line decides
        # (Ofsted's 2024 file has one non-ASCII byte, 0xD0: an en dash in Mac Roman)
        for candidate in encodings[encodings.index(encoding) :]:
            try:
                attempt = data.decode(candidate)
            except UnicodeDecodeError:
                continue
            first = next(csv.reader(io.StringIO(attempt)), [""])
            if first and re.match(title_pattern, first[0].strip()):
                text, encoding = attempt, candidate
                break
    lines = list(csv.reader(io.StringIO(text)))
    if len(lines) < header_line:
        raise EvidenceError(
            f"{path}: the file has {len(lines)} lines; expected a preamble of "
            f"{header_line - 1} lines and the column header on line {header_line}"
        )
    match = None
    if title_pattern:
        title = (lines[0][0] if lines[0] else "").strip()
        match = re.match(title_pattern, title)
        if not match:
            raise EvidenceError(
                f"{path}, line 1: expected the release title matching {title_pattern!r}, "
                f"found {title[:120]!r}"
            )
    header = [h.strip() for h in lines[header_line - 1]]
    while header and header[-1] == "":
        header.pop()
    missing = [c for c in required if c not in header]
    if missing:
        found = ", ".join(repr(h) for h in header[:6] if h) or "an empty line"
        if not set(required) & set(header):
            preamble = " (has the preamble changed?)" if header_line > 1 else ""
            raise EvidenceError(
                f"{path}, line {header_line}: expected the column header starting "
                f"{', '.join(repr(c) for c in required[:3])}; found {found}{preamble}"
            )
        col = missing[0]
        hint = difflib.get_close_matches(col, [h for h in header if h not in required], n=1)
        did = f"; found {hint[0]!r} instead — has it been renamed?" if hint else ""
        raise EvidenceError(
            f"{path}, line {header_line}: missing column {col!r}{did} "
            f"(this importer needs: {', '.join(required)})"
        )
    rows = []
    for offset, cells in enumerate(lines[header_line:], start=header_line + 1):
        if not any(c.strip() for c in cells):
            continue
        rows.append(
            (
                offset,
                {
                    h: (cells[i].strip() if i < len(cells) else "")
                    for i, h in enumerate(header)
                    if h
                },
            )
        )
    if not rows:
        raise EvidenceError(f"{path}: no data rows after the header on line {header_line}")
    table = Table(
        path, encoding, header, header_line, rows, [",".join(x) for x in lines[: header_line - 1]]
    )
    return table, match


# ---- values --------------------------------------------------------------------------------


def number(table: Table, line: int, column: str, text: str, markers: tuple[str, ...]):
    """(value, marker): a published number, or None and the marker it was suppressed with."""
    value = text.strip()
    if value in markers:
        return None, value
    cleaned = value.replace(",", "")
    try:
        parsed = Decimal(cleaned)
    except InvalidOperation:
        parsed = None
    if parsed is None or not parsed.is_finite() or not cleaned:
        allowed = ", ".join(repr(m) for m in markers if m) or "none"
        blank = " or blank" if "" in markers else ""
        raise EvidenceError(
            f"{table.where(line, column)}: expected a number or a suppression marker "
            f"({allowed}{blank}); found {value!r}"
        )
    return parsed, None


def plain(value) -> str:
    """A Decimal or int as CSV text without exponent or trailing zeros ('' for missing)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    return str(value)


def enum(table: Table, line: int, column: str, text: str, allowed: dict | set):
    if text in allowed:
        return allowed[text] if isinstance(allowed, dict) else text
    hint = difflib.get_close_matches(text, list(allowed), n=1)
    did = f"; did you mean {hint[0]!r}?" if hint else ""
    raise EvidenceError(
        f"{table.where(line, column)}: unexpected value {text!r}; expected one of: "
        f"{', '.join(repr(a) for a in sorted(allowed))}{did}"
    )


def year(table: Table, line: int, column: str, text: str) -> int:
    if re.fullmatch(r"(19|20)\d\d", text.strip()):
        return int(text)
    raise EvidenceError(f"{table.where(line, column)}: expected a four-digit year; found {text!r}")


def uk_date(table: Table, line: int, column: str, text: str) -> str:
    """'31/03/2024' or '2024-03-31' -> '2024-03-31'; '' stays ''."""
    text = text.strip()
    if not text:
        return ""
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if m:
        return f"{m[3]}-{int(m[2]):02d}-{int(m[1]):02d}"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return text
    raise EvidenceError(
        f"{table.where(line, column)}: expected a date as DD/MM/YYYY or YYYY-MM-DD; found {text!r}"
    )


def level(table: Table, line: int, text: str) -> str:
    return enum(table, line, "geographic_level", text, LEVELS)


# ---- authorities ---------------------------------------------------------------------------


def _norm(name: str) -> str:
    return " ".join(name.split()).casefold()


class Authorities:
    """The 153 authorities, every publisher's spelling of them, and the areas they replaced.

    - ``authorities.csv``: the current 153 (ONS code, DfE code, name, region, type);
    - ``authority_names.csv``: each spelling a publisher uses -> ONS code (current or former);
    - ``authority_changes.csv``: former codes: ``recoded`` (same area, new code: figures belong
      to the successor) or ``split``/``merged``/``boundary`` (a different area: figures stay under
      the former code and are shown beside the successors, never apportioned or dropped).
    """

    def __init__(self, data_dir: Path):
        self.dir = Path(data_dir)
        self.current = {r["ons_code"]: r for r in csv_rows(self.dir / "authorities.csv")}
        self.changes = {r["code"]: r for r in csv_rows(self.dir / "authority_changes.csv")}
        self.names: dict[str, str] = {}
        for r in csv_rows(self.dir / "authority_names.csv"):
            self.names[_norm(r["name"])] = r["ons_code"]
        self.by_dfe = {r["dfe_code"]: code for code, r in self.current.items()}
        for code, r in self.changes.items():
            if r.get("dfe_code") and r["dfe_code"] not in self.by_dfe:
                self.by_dfe[r["dfe_code"]] = code

    def _final(self, code: str) -> str:
        change = self.changes.get(code)
        if change and change["change"] == "recoded":
            return change["successor_codes"].strip()
        return code

    def known(self, code: str) -> bool:
        return code in self.current or code in self.changes

    def from_name(self, table: Table, line: int, column: str, name: str) -> str:
        code = self.names.get(_norm(name))
        if code is None:
            spellings = sorted({r for r in self._spellings()})
            hint = difflib.get_close_matches(name, spellings, n=1, cutoff=0.6)
            did = f" Did you mean {hint[0]!r}?" if hint else ""
            raise EvidenceError(
                f"{table.where(line, column)}: unknown authority name {name!r}; add its "
                f"spelling to analyses/data/authority_names.csv with the ONS code.{did}"
            )
        return self._final(code)

    def from_code(self, table: Table, line: int, column: str, code: str, name: str = "") -> str:
        code = code.strip()
        if not self.known(code):
            hint = ""
            if name and _norm(name) in self.names:
                hint = f" The name {name!r} is {self.names[_norm(name)]} in authority_names.csv."
            raise EvidenceError(
                f"{table.where(line, column)}: unknown authority code {code!r}"
                + (f" ({name})" if name else "")
                + "; expected one of the 153 in analyses/data/authorities.csv or a former code "
                f"in analyses/data/authority_changes.csv.{hint}"
            )
        return self._final(code)

    def from_dfe_code(self, table: Table, line: int, column: str, code: str, name: str = "") -> str:
        code = code.strip()
        if code not in self.by_dfe:
            raise EvidenceError(
                f"{table.where(line, column)}: unknown DfE authority code {code!r}"
                + (f" ({name})" if name else "")
                + "; expected a three-digit code from analyses/data/authorities.csv or "
                "analyses/data/authority_changes.csv"
            )
        return self._final(self.by_dfe[code])

    def _spellings(self):
        for r in csv_rows(self.dir / "authority_names.csv"):
            yield r["name"]


def csv_rows(path: Path) -> list[dict]:
    if not path.is_file():
        raise EvidenceError(f"{path}: missing; the importers need it to place authorities")
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


# ---- regions -------------------------------------------------------------------------------

# ONS codes of the English regions and of Inner and Outer London, as the DfE files give them
# (region_code columns of the CLA releases); used where a release names a region without a code.
REGION_CODES = {
    "england": "E92000001",
    "north east": "E12000001",
    "north west": "E12000002",
    "yorkshire and the humber": "E12000003",
    "east midlands": "E12000004",
    "west midlands": "E12000005",
    "east of england": "E12000006",
    "london": "E12000007",
    "south east": "E12000008",
    "south west": "E12000009",
    "inner london": "E13000001",
    "outer london": "E13000002",
}


def region_code(table: Table, line: int, column: str, name: str) -> str:
    code = REGION_CODES.get(_norm(name))
    if code is None:
        hint = difflib.get_close_matches(_norm(name), list(REGION_CODES), n=1)
        did = f"; did you mean {hint[0]!r}?" if hint else ""
        raise EvidenceError(f"{table.where(line, column)}: unknown region {name!r}{did}")
    return code


# ---- output --------------------------------------------------------------------------------


@dataclass
class Release:
    source: str
    table: str
    title: str
    publisher: str
    reference_date: str
    periods: list
    file_name: str
    sha256: str
    importer: str
    citation: str

    @property
    def id(self) -> str:
        return Path(self.file_name).stem


@dataclass
class Result:
    """What an importer produced: rows for one table, keyed by period, and its release. The
    table's columns (and their order) are the data package's, never the importer's own list."""

    table: str
    rows: list[dict]
    period_column: str | None  # rows of these periods from the same source are replaced
    sort: list[str]
    release: Release
