"""The projects the benchmark builds: a copy of the working tree, a generated stress project with
ten times the analyses on synthetic tables of the same schemas, and one-cell edits of a table."""

from __future__ import annotations

import csv
import io
import json
import random
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import yaml
from evidence.errors import EvidenceError

SKIP_COPY = {".venv", "site", "build", ".cache", ".git", "bench-report.json"}
STRESS_FACTOR = 10
NATIONAL_ANALYSIS = "authorities.py"
PAGE_CALL = re.compile(r"^\s*(?:from evidence import .*\bpage\b|.*\bpage\()", re.M)


def load_mkdocs_yml(path: Path) -> dict:
    """mkdocs.yml as plain data (the benchmark rewrites copies; the project's uses no tags)."""
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def project_files(root: Path) -> list[Path]:
    """Tracked and untracked (not ignored) files of the working tree; every file without git."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root,
            capture_output=True,
            check=True,
        ).stdout
        names = [n for n in out.decode().split("\0") if n]
    except (OSError, subprocess.CalledProcessError):
        names = [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()]
    keep = []
    for name in names:
        if name.split("/", 1)[0] in SKIP_COPY or "__pycache__" in name:
            continue
        if (root / name).is_file():
            keep.append(Path(name))
    return keep


def copy_project(root: Path, target: Path) -> Path:
    for rel in project_files(root):
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / rel, dest)
    return target


def git_commit(root: Path) -> str:
    out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True)
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    commit = out.stdout.strip() or "unknown"
    return commit + ("+uncommitted" if dirty.stdout.strip() else "")


def _read_table(path: Path) -> tuple[list[str], list[dict]]:
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    return list(reader.fieldnames or []), list(reader)


def _write_table(path: Path, columns: list[str], rows: list[dict]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _scaled(value: str, fdef: dict, rng: random.Random) -> str:
    """A plausible neighbour of a number: within ±20 %, inside the field's constraints."""
    if not value:
        return value
    cons = fdef.get("constraints", {})
    try:
        number = float(value)
    except ValueError:
        return value
    new = number * rng.uniform(0.8, 1.25)
    if "minimum" in cons:
        new = max(new, cons["minimum"])
    if "maximum" in cons:
        new = min(new, cons["maximum"])
    if fdef.get("type") == "integer":
        return str(int(round(new)))
    return f"{new:.2f}".rstrip("0").rstrip(".") if "." in value else str(int(round(new)))


def synthesize_tables(data_dir: Path, factor: int, seed: int) -> dict:
    """Grow each table keyed by `id` (and referenced by no other) `factor` times with plausible
    neighbours of its rows (numbers within ±20 %, year ranges shifted together); tables of named
    parameters and reference lists keep their rows, which analyses look up by name."""
    rng = random.Random(seed)
    desc = yaml.safe_load((data_dir / "datapackage.yaml").read_text(encoding="utf-8"))
    referenced = {
        fk["reference"]["resource"]
        for res in desc["resources"]
        for fk in res.get("schema", {}).get("foreignKeys", [])
    }
    sizes = {}
    for res in desc["resources"]:
        path = data_dir / res["path"]
        columns, rows = _read_table(path)
        schema = res.get("schema", {})
        if schema.get("primaryKey") == ["id"] and res["name"] not in referenced:
            fields = {f["name"]: f for f in schema.get("fields", [])}
            ordered = [tuple(p) for p in res.get("x-ordered", [])]
            in_pairs = {c for pair in ordered for c in pair}
            grown = list(rows)
            for copy in range(1, factor):
                for row in rows:
                    new = dict(row)
                    new["id"] = f"{row['id']}-s{copy:02d}"
                    for name, fdef in fields.items():
                        is_year = fdef.get("unit") == "year" or name in in_pairs
                        if fdef.get("type") in ("number", "integer") and not is_year:
                            new[name] = _scaled(row.get(name, ""), fdef, rng)
                    shift = rng.randint(-3, 3)
                    for pair in ordered:
                        vals = [new.get(c, "") for c in pair]
                        if all(v.isdigit() for v in vals if v):
                            moved = [str(int(v) + shift) if v else v for v in vals]
                            ok = all(
                                not m
                                or fields.get(c, {}).get("constraints", {}).get("minimum", 0)
                                <= int(m)
                                <= fields.get(c, {}).get("constraints", {}).get("maximum", 9999)
                                for c, m in zip(pair, moved, strict=True)
                            )
                            if ok:
                                new.update(zip(pair, moved, strict=True))
                    grown.append(new)
            _write_table(path, columns, grown)
            rows = grown
        sizes[res["name"]] = len(rows)
    return sizes


def stress_project(project: Path, target: Path, factor: int = STRESS_FACTOR, seed: int = 9) -> dict:
    """A copy of `project` with `factor` times its analyses (each shipped analysis and factor-1
    renamed replicas publishing under their own names) on synthetic tables of the same schemas."""
    shutil.copytree(project, target, ignore=shutil.ignore_patterns(*SKIP_COPY, "__pycache__"))
    analyses = sorted(p for p in (target / "analyses").glob("*.py") if not p.name.startswith("_"))
    replicas, single = [], []
    for script in analyses:
        text = script.read_text(encoding="utf-8")
        stem = script.stem
        if PAGE_CALL.search(text):
            # an analysis that writes a page per authority stays single: ten of it would measure
            # ten national editions, not ten times the questions
            single.append(stem)
            continue
        pattern = re.compile(r"(?<=[\"'])" + re.escape(stem) + r"\.")
        for copy in range(1, factor):
            name = f"{stem}_s{copy:02d}"
            (target / "analyses" / f"{name}.py").write_text(
                pattern.sub(name + ".", text), encoding="utf-8"
            )
            replicas.append(name)
    sizes = synthesize_tables(target / "analyses" / "data", factor, seed)
    config_path = target / "mkdocs.yml"
    config = load_mkdocs_yml(config_path)
    if isinstance(config.get("nav"), list):
        config["nav"].append({"Stress replicas": [{n: f"{n}.md"} for n in replicas]})
        config_path.write_text(
            yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
    return {
        "analyses": len(analyses) + len(replicas),
        "not_replicated": single,
        "table_rows": sizes,
        "seed": seed,
    }


# ---- touching one table ----------------------------------------------------------------------


def loaded_by(project: Path) -> dict[str, list[str]]:
    """table -> analyses that loaded it in the last build (from the cache records)."""
    out: dict[str, list[str]] = {}
    for entry in sorted((project / ".cache" / "evidence" / "analyses").glob("*.json")):
        record = json.loads(entry.read_text(encoding="utf-8"))["record"]
        for table in record.get("inputs", {}):
            out.setdefault(table, []).append(entry.stem)
    return out


def free_text_field(data_dir: Path, table: str) -> tuple[str, str]:
    """(csv file, column) of a free-text column of `table` safe to edit."""
    desc = yaml.safe_load((data_dir / "datapackage.yaml").read_text(encoding="utf-8"))
    for res in desc["resources"]:
        if res["name"] != table:
            continue
        keys = set(res.get("schema", {}).get("primaryKey", []))
        for f in res["schema"]["fields"]:
            cons = f.get("constraints", {})
            if (
                f.get("type", "string") == "string"
                and f["name"] not in keys
                and not f.get("x-citation-keys")
                and not {"pattern", "enum", "unique", "maxLength"} & set(cons)
                and f["name"] in ("notes", "rationale", "description", "name", "title")
            ):
                return res["path"], f["name"]
    raise EvidenceError(f"table {table!r} has no free-text column the benchmark can edit")


def toggler(data_dir: Path, table: str) -> Callable[[int], None]:
    """Edit one cell of `table` before each run, alternating two texts, so every run sees a change
    in that table alone (the values stay valid; the file is restored by the caller)."""
    path_name, column = free_text_field(data_dir, table)
    path = data_dir / path_name
    columns, rows = _read_table(path)
    original = rows[0][column]

    def before(index: int) -> None:
        rows[0][column] = f"{original} (benchmark edit {index % 2})".strip()
        _write_table(path, columns, rows)

    return before


def count_pages(project: Path) -> int:
    site = project / "site"
    return sum(1 for _ in site.rglob("index.html")) if site.is_dir() else 0


def set_cell(path: Path, key_column: str, key: str, column: str, change: Callable) -> tuple:
    """Change one cell of the CSV table at `path` (the row whose `key_column` is `key`) to
    change(old value); return (old, new)."""
    columns, rows = _read_table(path)
    for row in rows:
        if row.get(key_column) == key:
            old = row[column]
            row[column] = new = change(old)
            _write_table(path, columns, rows)
            return old, new
    raise EvidenceError(f"{path}: no row with {key_column} = {key!r} for the benchmark to edit")


def without_nav_entry(config: Path, analysis: str) -> None:
    """Drop the nav line of the page an analysis makes (a nav entry for a missing page is an
    error), when the like-for-like copy leaves that analysis out."""
    page = Path(analysis).with_suffix(".md").name
    lines = config.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not re.match(rf"\s*- [^:]+: {re.escape(page)}\s*$", line)]
    if len(kept) == len(lines):
        raise EvidenceError(f"{config}: no nav entry for {page} to leave out")
    config.write_text("".join(kept), encoding="utf-8")
