"""Where a project's parts live. A project is a folder with mkdocs.yml, docs/, analyses/ and
references/; everything derived goes to build/, site/ and .cache/."""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from evidence.errors import EvidenceError

LOCK_FILE = "requirements.lock"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    return sha256_bytes(path.read_bytes())


def display(path: Path) -> str:
    """A path as a user at the command line knows it: relative to the working folder when inside
    it (usually the project), else absolute."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def decode_utf8(data: bytes, where: str) -> str:
    """Text of a file that must be UTF-8 (a leading BOM is dropped); otherwise one clear error
    naming the line and the byte, e.g. a file saved as Windows-1252 by a spreadsheet or editor."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1].hex()
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            hint = " (the file is UTF-16, as some spreadsheets save 'Unicode text')"
        elif data.startswith(b"PK\x03\x04"):
            hint = " (this is a ZIP file such as an Excel workbook; export it as CSV UTF-8)"
        elif byte == "a3":
            hint = " (0xa3 is '£' in Windows-1252)"
        else:
            hint = ""
        raise EvidenceError(
            f"line {line}: byte 0x{byte}{hint} is not UTF-8; re-save the file as UTF-8",
            where=where,
        ) from None


def read_text(path: Path, where: str | None = None) -> str:
    """A UTF-8 text file's contents, or an EvidenceError naming the file, line and byte."""
    where = where or display(path)
    try:
        data = Path(path).read_bytes()
    except IsADirectoryError:
        raise EvidenceError("is a folder; expected a file", where=where) from None
    except FileNotFoundError:
        raise EvidenceError("file is missing", where=where) from None
    except OSError as exc:
        raise EvidenceError(f"cannot be read ({exc.strerror})", where=where) from None
    return decode_utf8(data, where)


@functools.cache
def _yaml_loader(fast: bool):
    """A safe YAML loader that ignores tags and refuses a key given twice in one mapping."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader) if fast else yaml.SafeLoader

    class _Loader(base):
        def construct_mapping(self, node, deep=False):
            first: dict = {}
            for key_node, _ in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                if key is None or key == "<<":
                    continue
                if key in first:
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        f"key {key!r} is given twice in one mapping; first at line {first[key]}",
                        key_node.start_mark,
                    )
                first[key] = key_node.start_mark.line + 1
            return super().construct_mapping(node, deep)

    _Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    return _Loader


def load_yaml(text: str, where: str):
    """YAML a person wrote (mkdocs.yml, datapackage.yaml) as plain data. Tags such as MkDocs'
    ``!ENV`` read as empty; a key given twice in one mapping is refused (YAML forbids it, and
    PyYAML would silently keep the last); any problem is one EvidenceError with line and
    column."""
    import yaml

    try:
        # libyaml's parser is about five times faster; the pure-Python one words the errors
        return yaml.load(text, Loader=_yaml_loader(fast=True))
    except yaml.YAMLError:
        pass
    try:
        return yaml.load(text, Loader=_yaml_loader(fast=False))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        context, start = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and start:
            problem += f", {context} at line {start.line + 1}, column {start.column + 1}"
        raise EvidenceError(f"{at}not valid YAML ({problem})", where=where) from None


@dataclass
class Project:
    root: Path
    data_dir: Path = field(default=None)  # type: ignore[assignment]
    site_dir: Path = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        if not (self.root / "mkdocs.yml").is_file():
            raise EvidenceError(
                f"no mkdocs.yml in {self.root}; run from the project folder or pass --project DIR"
            )
        self.data_dir = Path(self.data_dir or self.root / "analyses" / "data").resolve()
        self.site_dir = Path(self.site_dir or self.root / "site").resolve()

    @classmethod
    def find(cls, start: Path | None = None, **kwargs) -> Project:
        here = Path(start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / "mkdocs.yml").is_file():
                return cls(folder, **kwargs)
        raise EvidenceError(f"no mkdocs.yml in {here} or any folder above it")

    @property
    def analyses_dir(self) -> Path:
        return self.root / "analyses"

    @property
    def docs_dir(self) -> Path:
        return self.root / "docs"

    @property
    def references_dir(self) -> Path:
        return self.root / "references"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    @property
    def cache_dir(self) -> Path:
        return self.root / ".cache" / "evidence"

    @property
    def lock_hash(self) -> str:
        lock = self.root / LOCK_FILE
        return sha256_file(lock) if lock.is_file() else ""

    def analyses(self) -> list[Path]:
        return sorted(p for p in self.analyses_dir.glob("*.py") if not p.name.startswith("_"))

    def rel(self, path: Path) -> str:
        """A path as the user knows it: relative to the project where possible."""
        path = Path(path).resolve()
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)


def content_hash(tree: Path) -> str:
    """A hash of every file under `tree` (names and bytes), for tests and provenance."""
    digest = []
    for root, _, files in sorted(os.walk(tree)):
        for f in sorted(files):
            p = Path(root) / f
            digest.append(p.relative_to(tree).as_posix() + ":" + sha256_bytes(p.read_bytes()))
    return sha256_bytes("\n".join(digest).encode())


def project_from_args(args) -> Project:
    """The project a command names: --project DIR (or the folder holding mkdocs.yml), with
    --data and --out where the command takes them."""
    kwargs = {}
    if getattr(args, "data", None):
        kwargs["data_dir"] = Path(args.data)
    if getattr(args, "out", None):
        kwargs["site_dir"] = Path(args.out)
    if getattr(args, "project", None):
        return Project(Path(args.project), **kwargs)
    return Project.find(**kwargs)
