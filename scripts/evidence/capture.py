"""Part of stage 2, run: what a value an analysis shows becomes in its record (a table, a chart
or its text), as plain JSON the render stage reads back (see ``record``)."""

from __future__ import annotations

from evidence import api
from evidence.errors import EvidenceError


def capture(value, caption=None, description=None) -> dict | None:
    """A displayable object as plain JSON: a table, a chart, or its text."""
    module = type(value).__module__
    # an Altair chart, or a Vega-Lite specification as a dict (a shared spec with new data)
    is_spec = isinstance(value, dict) and "vega-lite" in str(value.get("$schema", ""))
    if module.startswith("altair") or is_spec:
        spec = value if is_spec else value.to_dict()
        return {
            "kind": "chart",
            "spec": spec,
            "description": description or spec.get("description") or "",
        }
    if module.startswith("pandas") and hasattr(value, "to_dict"):
        import pandas as pd

        frame = value.to_frame() if isinstance(value, pd.Series) else value
        keep_index = not isinstance(frame.index, pd.RangeIndex)
        if keep_index:
            frame = frame.reset_index()
        columns = [str(c) for c in frame.columns]
        # column by column (Series.tolist gives Python scalars): far faster than astype(object)
        # and itertuples when an analysis shows hundreds of small tables
        data = [frame.iloc[:, i].tolist() for i in range(frame.shape[1])]
        rows = [
            [None if pd.isna(v) else api._plain(v) if not isinstance(v, str) else v for v in row]
            for row in (zip(*data, strict=True) if data else ([] for _ in range(len(frame))))
        ]
        units = {str(k): v for k, v in (value.attrs.get("units") or {}).items()}
        row_ids = [str(i) for i in value.attrs.get("row_ids") or []]
        if row_ids and len(row_ids) != len(rows):
            raise EvidenceError(
                f"table attrs['row_ids'] has {len(row_ids)} ids for {len(rows)} rows"
            )
        links = {str(k): [str(t) for t in v] for k, v in (value.attrs.get("links") or {}).items()}
        for column, targets in links.items():
            if column not in columns or len(targets) != len(rows):
                raise EvidenceError(
                    f"table attrs['links'][{column!r}] needs a column of that name and one "
                    f"target per row ({len(rows)}), not {len(targets)}"
                )
        notes = {str(k): str(v) for k, v in (value.attrs.get("notes") or {}).items()}
        for note, under in notes.items():
            if note not in columns or under not in columns or under in notes or note == under:
                raise EvidenceError(
                    f"table attrs['notes'][{note!r}] needs a note column and another column "
                    f"to show it under, both in the table, not {under!r}"
                )
        return {
            **({"notes": notes} if notes else {}),  # only tables that have notes say so
            "row_ids": row_ids,
            "links": links,
            "cards": bool(value.attrs.get("cards")),
            "kind": "table",
            "columns": columns,
            "rows": rows,
            "caption": caption or value.attrs.get("caption") or "",
            "units": units,
            "header_rows": 1,
        }
    if value is None:
        return None
    return {"kind": "text", "text": repr(value)}
