"""The local picture of one authority, as the briefing template reads it: its children in
children's homes and where they live, its residential spending, its own homes and contracts, the
Ofsted judgements of homes in its area and its region's frameworks. Every figure comes from a
data table, links to the authority's profile page (which shows the same rows) and carries the
citation of the release it came from."""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass

from evidence.errors import EvidenceError
from evidence.formatting import format_number, money_millions

# Children in children's homes are counted in two DfE series that are not the same thing; the
# briefing never joins them (see analyses/authorities.py).
OLD_SERIES, NEW_SERIES = "2011 to 2017", "2020 onwards"
OLD_CATEGORY = "secure units, children's homes and hostels"
NEW_CATEGORY = "secure homes and children's homes"
POOLED = ("framework", "dps", "joint-venture")  # arrangements a region's councils share
JUDGEMENTS = ("outstanding", "good", "requires improvement", "inadequate")


@dataclass(frozen=True)
class Figure:
    """One number from a table, shown rounded and linked to the profile that lists its row."""

    value: float
    shown: str
    href: str
    title: str

    def __bool__(self) -> bool:  # "{% if local.homes_judged %}": is there anything to say
        return bool(self.value)

    def __str__(self) -> str:
        t = html.escape(self.title, quote=True)
        return f'<a class="result" href="{self.href}" title="{t}">{html.escape(self.shown)}</a>'


def resolve_authority(package, query: str) -> tuple[str, str]:
    """(ONS code, name) for an ONS code or a name, ignoring case; otherwise an error naming the
    nearest codes and names."""
    import difflib

    if package is None or "authorities" not in package.table_names():
        raise EvidenceError("a briefing for an authority needs the authorities table")
    frame = package.read("authorities")
    by_code = dict(zip(frame["ons_code"], frame["name"], strict=True))
    wanted = " ".join(str(query).split()).casefold()
    for code, name in by_code.items():
        if wanted in (code.casefold(), str(name).casefold()):
            return code, name
    names = {str(n).casefold(): (c, n) for c, n in by_code.items()}
    near = difflib.get_close_matches(wanted, list(names), n=3, cutoff=0.6)
    near += [c.casefold() for c in difflib.get_close_matches(wanted.upper(), list(by_code), n=2)]
    shown = []
    for key in near:
        code, name = names.get(key) or (key.upper(), by_code.get(key.upper()))
        if name is not None and f"{name} ({code})" not in shown:
            shown.append(f"{name} ({code})")
    hint = f"; did you mean {' or '.join(shown)}?" if shown else ""
    raise EvidenceError(
        f"no authority is called or coded {query!r}{hint} (the 153 authorities are listed in "
        f"{package.display('authorities')}, column ons_code or name)"
    )


class LocalPicture:
    """The figures for one authority (by ONS code) from the build's data tables."""

    def __init__(self, briefing, code: str):
        self.b = briefing
        self.code = code
        rows = {a["ons_code"]: a for a in briefing.table("authorities")}
        if code not in rows:
            raise EvidenceError(f"no authority with ONS code {code!r} in the authorities table")
        info = rows[code]
        self.name, self.region, self.kind = info["name"], info["region"], info["type"]
        self.href = briefing.ctx.link(briefing.page, f"authorities/{code}.md")
        self._citation = {
            r["release"]: r["citation"] for r in briefing.table("releases") if r.get("citation")
        }
        self._region_members = {
            c for c, a in rows.items() if a["region"] == self.region and c != code
        }
        self._placements()
        self._outside()
        self._spend()
        self._homes()

    # ---- helpers ----

    def _figure(self, value, shown: str, what: str) -> Figure:
        return Figure(value, shown, self.href, f"{self.name}: {what} (authority profile)")

    def _cite(self, releases) -> str:
        keys = []
        for release in sorted(set(releases)):
            for key in str(self._citation.get(release, "")).split(";"):
                if key.strip() and key.strip() not in keys:
                    keys.append(key.strip())
        return "[" + "; ".join("@" + k for k in keys) + "]" if keys else ""

    # ---- children in children's homes ----

    def _placements(self) -> None:
        rows = [
            r
            for r in self.b.table("cla_placements")
            if r["area_code"] == self.code and r["children"] is not None
        ]
        homes = {(r["series"], int(r["year"])): r for r in rows if r["category"] != "all"}
        totals = {(r["series"], int(r["year"])): r for r in rows if r["category"] == "all"}
        self.homes_series = {
            series: sorted((y, int(r["children"])) for (s, y), r in homes.items() if s == series)
            for series in (OLD_SERIES, NEW_SERIES)
        }
        new = self.homes_series[NEW_SERIES]
        self.in_homes = self.in_homes_year = self.in_homes_first = self.in_homes_first_year = None
        self.in_homes_share = None
        if new:
            (y0, v0), (y1, v1) = new[0], new[-1]
            self.in_homes_year, self.in_homes_first_year = y1, y0
            self.in_homes = self._figure(v1, format_number(v1), f"children in homes, {y1}")
            self.in_homes_first = self._figure(v0, format_number(v0), f"children in homes, {y0}")
            total = totals.get((NEW_SERIES, y1))
            if total and total["children"]:
                share = v1 / float(total["children"])
                self.in_homes_share = self._figure(
                    share, format_number(share, "share"), f"share of children looked after, {y1}"
                )
        self.cite_placements = self._cite(r["release"] for r in rows)

    # ---- where they live ----

    def _outside(self) -> None:
        rows = [
            r
            for r in self.b.table("childrens_homes_outside")
            if r["area_code"] == self.code and r["percent"] is not None
        ]
        rows.sort(key=lambda r: int(r["year"]))
        self.outside = self.outside_year = self.outside_first = self.outside_first_year = None
        if rows:
            first, last = rows[0], rows[-1]
            self.outside_year, self.outside_first_year = int(last["year"]), int(first["year"])
            self.outside = self._figure(
                last["percent"], f"{int(last['percent'])}%", f"placed outside, {last['year']}"
            )
            self.outside_first = self._figure(
                first["percent"], f"{int(first['percent'])}%", f"placed outside, {first['year']}"
            )
        england = [
            r
            for r in self.b.table("childrens_homes_outside")
            if r["level"] == "England" and int(r["year"]) == (self.outside_year or -1)
        ]
        self.outside_england = (
            self._figure(england[0]["percent"], f"{int(england[0]['percent'])}%", "England")
            if england and england[0]["percent"] is not None
            else None
        )
        self.cite_outside = self._cite(r["release"] for r in rows)

    # ---- spending ----

    def _spend(self) -> None:
        rows = [
            r
            for r in self.b.table("residential_spend")
            if r["area_code"] == self.code
            and r["measure"] == "total expenditure"
            and r["gbp"] is not None
        ]
        rows.sort(key=lambda r: r["financial_year"])
        self.spend = self.spend_year = self.spend_early = self.spend_early_year = None
        if rows:
            last = rows[-1]
            early = [r for r in rows if r["series"] != last["series"]]
            self.spend_year = last["financial_year"]
            self.spend = self._figure(
                last["gbp"], money_millions(last["gbp"]), f"residential spend {self.spend_year}"
            )
            if early:
                e = early[-1]
                self.spend_early_year = e["financial_year"]
                self.spend_early = self._figure(
                    e["gbp"], money_millions(e["gbp"]), f"residential spend {e['financial_year']}"
                )
        shown = [r for r in rows if r["financial_year"] in (self.spend_year, self.spend_early_year)]
        self.cite_spend = self._cite(r["release"] for r in shown or rows)

    # ---- homes in the area ----

    def _homes(self) -> None:
        rows = [r for r in self.b.table("childrens_homes") if r["list"] == "provider-level"]
        latest = max((r["as_at"] for r in rows), default=None)
        here = [r for r in rows if r["as_at"] == latest and r["ons_code"] == self.code]
        self.homes_at = str(latest)[:4] if latest else None
        self.homes_count = self._figure(len(here), str(len(here)), f"homes, {latest}")
        judged = Counter(r["overall_judgement"] for r in here if r["overall_judgement"])
        n = sum(judged.values())
        self.homes_judged = self._figure(n, str(n), "homes with an Ofsted judgement")
        good = judged["outstanding"] + judged["good"]
        self.homes_good = self._figure(good, str(good), "homes judged good or outstanding")
        weak = judged["requires improvement"] + judged["inadequate"]
        self.homes_below_good = self._figure(weak, str(weak), "homes judged below good")
        council = [r for r in here if r["sector"] == "local authority"]
        self.council_homes = self._figure(len(council), str(len(council)), "council-run homes")
        self.cite_homes = self._cite(r["release"] for r in here)

    # ---- arrangements ----

    def _involves(self, row, codes) -> bool:
        members = {c.strip() for c in str(row.get("authorities") or "").split(";") if c.strip()}
        if row.get("lead_authority"):
            members.add(row["lead_authority"])
        return bool(members & set(codes))

    @property
    def arrangements(self) -> list:
        """Its own arrangements and those it takes part in, oldest first."""
        rows = [r for r in self.b.arrangements() if self._involves(r, {self.code})]
        return sorted(rows, key=lambda r: (r["start_year"] or 0, r["id"]))

    @property
    def region_frameworks(self) -> list:
        """Frameworks, purchasing systems and joint vehicles shared by councils of its region,
        whether or not it belongs to them."""
        rows = [
            r
            for r in self.b.arrangements()
            if r["model"] in POOLED and self._involves(r, self._region_members | {self.code})
        ]
        return sorted(rows, key=lambda r: (r["start_year"] or 0, r["id"]))

    @property
    def current_frameworks(self) -> list:
        """The region's shared arrangements not recorded as ended."""
        return [r for r in self.region_frameworks if r["status"] != "ended"]

    def chart_spec(self) -> dict | None:
        """Children in children's homes at 31 March, the two series side by side, never joined."""
        values = [
            {"year": y, "children": v, "series": label}
            for series, label in ((OLD_SERIES, OLD_CATEGORY), (NEW_SERIES, NEW_CATEGORY))
            for y, v in self.homes_series[series]
        ]
        if not values:
            return None
        return {
            "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
            "description": f"Children looked after by {self.name} in children's homes at 31 March",
            "width": 460,
            "height": 220,
            "data": {"values": values},
            "mark": {"type": "line", "point": True},
            "encoding": {
                "x": {"field": "year", "type": "ordinal", "title": "31 March"},
                "y": {"field": "children", "type": "quantitative", "title": "Children"},
                "color": {
                    "field": "series",
                    "type": "nominal",
                    "title": "DfE category",
                    "legend": {"orient": "bottom", "direction": "vertical", "labelLimit": 400},
                },
            },
        }
