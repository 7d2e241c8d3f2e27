"""Writing an import into the data directory: the narrow tidy tables, checked against the
columns ``datapackage.yaml`` declares, and the release's row in ``releases.csv``. Every file is
written to a temporary name and renamed, so an interrupted import leaves the old table whole."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from evidence.errors import EvidenceError
from evidence.ingest.common import DATAPACKAGE, RELEASES, Result, csv_rows, plain
from evidence.project import sha256_bytes


def file_digest(path: Path) -> str:
    return sha256_bytes(Path(path).read_bytes())


def schema_columns(data_dir: Path, table: str) -> list[str]:
    """The field names of `table` as analyses/data/datapackage.yaml declares them, in order."""
    import yaml

    path = Path(data_dir) / DATAPACKAGE
    if not path.is_file():
        raise EvidenceError(
            f"{path}: missing; the importers take each table's columns from the data package"
        )
    try:
        package = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise EvidenceError(f"{path}: not valid YAML ({exc})") from None
    for resource in package.get("resources") or []:
        if resource.get("name") == table:
            return [f["name"] for f in resource.get("schema", {}).get("fields", [])]
    raise EvidenceError(f"{path}: no resource named {table!r}; declare the table and its fields")


def _check_columns(result: Result, columns: list[str], data_dir: Path) -> None:
    """The importer's rows carry exactly the fields the data package declares for the table."""
    where = f"{Path(data_dir) / DATAPACKAGE}, resource {result.table!r}"
    for row in result.rows[:1]:
        extra = [k for k in row if k not in columns]
        missing = [c for c in columns if c not in row]
        if extra or missing:
            raise EvidenceError(
                f"{where}: the importer {result.release.importer} writes "
                + (f"columns {', '.join(extra)} not declared there" if extra else "")
                + ("; " if extra and missing else "")
                + (f"no value for declared columns {', '.join(missing)}" if missing else "")
                + "; make the schema and the importer agree"
            )


def write(result: Result, data_dir: Path) -> dict:
    """Merge the rows into their table (replacing the same source's rows for the same periods)
    and record the release; return a summary."""
    data_dir = Path(data_dir)
    columns = schema_columns(data_dir, result.table)
    release_columns = schema_columns(data_dir, Path(RELEASES).stem)
    _check_columns(result, columns, data_dir)
    target = data_dir / f"{result.table}.csv"
    releases_path = data_dir / RELEASES
    releases = csv_rows(releases_path) if releases_path.is_file() else []
    source_of = {r["release"]: r["source"] for r in releases}
    reference_of = {r["release"]: r.get("reference_date", "") for r in releases}
    new_periods = (
        {str(r[result.period_column]) for r in result.rows} if result.period_column else None
    )
    kept = []
    replaced = 0
    newer = set()  # periods a later release of the same source already holds: they stay
    if target.is_file() and result.period_column:
        old = csv_rows(target)
        if old and list(old[0].keys()) != columns:
            raise EvidenceError(
                f"{target}: its columns ({', '.join(old[0].keys())}) differ from what "
                f"{DATAPACKAGE} declares ({', '.join(columns)})"
            )
        for row in old:
            held = row.get("release", "")
            if source_of.get(held) == result.release.source and held != result.release.id:
                if reference_of.get(held, "") > result.release.reference_date:
                    newer.add(str(row[result.period_column]))
        for row in old:
            same = source_of.get(row.get("release", "")) == result.release.source
            period = str(row[result.period_column])
            if same and period in new_periods and period not in newer:
                replaced += 1
                continue
            kept.append(row)
    fresh = [r for r in result.rows if not newer or str(r[result.period_column]) not in newer]
    rows = kept + [{c: plain(r.get(c)) for c in columns} for r in fresh]

    def key(row):
        return tuple(_sortable(row[c]) for c in result.sort)

    rows.sort(key=key)
    _write_csv(target, columns, rows)

    in_use = {r["release"] for r in rows if "release" in r} if result.period_column else set()
    record = {c: plain(getattr(result.release, c, "")) for c in release_columns}
    record.update(
        release=result.release.id,
        periods=_periods(result.release.periods),
    )
    out = []
    for r in releases:
        if (r["release"], r["table"]) == (record["release"], record["table"]):
            continue
        if r["table"] == result.table and result.period_column and r["release"] not in in_use:
            continue  # every row of that release was replaced
        out.append(r)
    out.append(record)
    out.sort(key=lambda r: (r["table"], r["release"]))
    _write_csv(releases_path, release_columns, out)
    return {
        "table": target,
        "rows": len(fresh),
        "replaced": replaced,
        "kept": len(kept),
        "superseded": sorted(newer & (new_periods or set())),
    }


def _periods(periods) -> str:
    values = sorted({str(p) for p in periods})
    if not values:
        return ""
    return values[0] if len(values) == 1 else f"{values[0]} to {values[-1]}"


def _sortable(value: str):
    try:
        return (0, float(value), "")
    except ValueError:
        return (1, 0.0, value)


def _write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    tmp = path.with_suffix(".csv.tmp")
    tmp.write_text(buf.getvalue(), encoding="utf-8")
    tmp.replace(path)
