"""Where a DfE row is: England, a region or an authority, as (level, area_code, area_name)."""

from __future__ import annotations

from evidence.ingest.common import level, region_code


def dfe_area(table, line, r, authorities, *, code_column="new_la_code", name_column="la_name"):
    lvl = level(table, line, r["geographic_level"])
    if lvl == "England":
        return lvl, "E92000001", "England"
    if lvl == "region":
        name = r["region_name"]
        code = r.get("region_code") or region_code(table, line, "region_name", name)
        if r.get("region_code"):  # check the published code against the name
            region_code(table, line, "region_name", name)
        return lvl, code, name
    code = authorities.from_code(table, line, code_column, r[code_column], r.get(name_column, ""))
    return lvl, code, r.get(name_column, "")
