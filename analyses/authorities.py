# %% [markdown]
# # Authority profiles
#
# How each of England's 153 children's services authorities places children in children's
# homes, what it spends on residential care, and what homes exist in its area — from the
# official releases imported into the [data tables](data.md), each figure cited to the release
# it came from. Every authority has its own page, listed at the foot of this one.
#
# **Read the figures with their breaks.** Children in children's homes are counted in two series
# that are not the same thing: 2011 to 2017 the DfE counted children in "secure units,
# children's homes and hostels", which includes semi-independent hostels
# [@dfesfrcla2011to2017]; from 2020 it counts "secure homes and children's homes", with
# semi-independent and supported accommodation counted apart [@dfe2025cla]. The two are shown
# side by side and never joined into one line. Spending comes from two different returns, the
# Section 251 outturn for 2013-14 [@dfes251outturn201314] and the Revenue Outturn RO3 from
# 2022-23 [@ro3outturn202223]. Suppressed figures are left empty with the publisher's marker
# (c suppressed, x not available, z not applicable), never shown as zero. Where an authority was
# created by a split or a merger, the former area's figures are shown beside its own, not
# apportioned.

# %%
import pandas as pd
from evidence import load, page, publish, show

authorities = load("authorities").set_index("ons_code")
changes = load("authority_changes")
arrangements = load("arrangements")
releases = load("releases")
placements = load("cla_placements")
outside = load("childrens_homes_outside")
net_gain = load("childrens_homes_net_gain")
spend = load("residential_spend")
homes = load("childrens_homes")
ilacs = load("ilacs_judgements")
national_homes = load("ofsted_national_homes")

citation_of = releases.drop_duplicates("release").set_index("release")["citation"]


def cite(*frames) -> str:
    """A citation group for the releases the rows of `frames` came from, e.g. '[@a; @b]'."""
    keys = []
    for frame in frames:
        for release in sorted(frame["release"].dropna().unique()):
            for key in str(citation_of[release]).split(";"):
                if key.strip() and key.strip() not in keys:
                    keys.append(key.strip())
    return "[" + "; ".join("@" + k for k in keys) + "]" if keys else ""


def as_text(values: pd.Series) -> list:
    """Years and other labels as text, so tables show 2024 rather than 2,024."""
    return [None if pd.isna(v) else str(v) for v in values]


def percent(part, whole):
    """part / whole in percent, one decimal; missing if either is missing or whole is 0."""
    if pd.isna(part) or pd.isna(whole) or whole == 0:
        return None
    return round(100 * float(part) / float(whole), 1)


# the code each region row carries, by the region name the authorities table uses
region_rows = placements[placements["level"] == "region"]
region_code = {
    name.casefold(): code
    for name, code in zip(region_rows["area_name"], region_rows["area_code"], strict=True)
}
ENGLAND = "E92000001"

# %% [markdown]
# ## Children in children's homes, England
#
# The national series, for comparison with every profile. The category changes between the two
# series (see above), so the shares are not a single trend.

# %%
wide = placements.pivot_table(
    index=["area_code", "series", "year"],
    columns="category",
    values="children",
    aggfunc="first",
).reset_index()
wide.columns.name = None
HOME_CATEGORY = {
    "2011 to 2017": "secure units, children's homes and hostels",
    "2020 onwards": "secure homes and children's homes",
}
wide["in_homes"] = [row[HOME_CATEGORY[row["series"]]] for _, row in wide.iterrows()]
wide["share"] = [percent(h, a) for h, a in zip(wide["in_homes"], wide["all"], strict=True)]
markers = (
    placements[placements["marker"].notna()]
    .groupby(["area_code", "series", "year"])["marker"]
    .agg(lambda m: ", ".join(sorted(set(m))))
)
wide["marker"] = [
    markers.get((c, s, y))
    for c, s, y in zip(wide["area_code"], wide["series"], wide["year"], strict=True)
]
series_of = {code: frame for code, frame in wide.groupby("area_code")}


def placement_table(code: str) -> pd.DataFrame:
    own = series_of.get(code)
    if own is None:
        return pd.DataFrame()
    table = own.sort_values(["year"])[["year", "series", "all", "in_homes", "share", "marker"]]
    region = series_of.get(region_code.get(str(authorities["region"].get(code, "")).casefold()))
    england = series_of[ENGLAND].set_index(["series", "year"])["share"]
    if region is not None:
        region = region.set_index(["series", "year"])["share"]
    table["region_share"] = [
        None if region is None else region.get((s, y))
        for s, y in zip(table["series"], table["year"], strict=True)
    ]
    table["england_share"] = [
        england.get((s, y)) for s, y in zip(table["series"], table["year"], strict=True)
    ]
    table["year"] = as_text(table["year"])
    table = table.rename(
        columns={
            "year": "31 March",
            "series": "Series",
            "all": "Children looked after",
            "in_homes": "In the series' children's-home category",
            "share": "Share",
            "marker": "Missing because",
            "region_share": "Region share",
            "england_share": "England share",
        }
    )
    table.attrs["units"] = {
        "Share": "percent",
        "Region share": "percent",
        "England share": "percent",
    }
    return table.reset_index(drop=True)


england_table = placement_table(ENGLAND)
show(
    england_table.drop(columns=["Region share"]),
    caption="Children looked after at 31 March in England, and those in the children's-home "
    "category of each series",
)
latest_year = int(
    wide[(wide["area_code"] == ENGLAND) & (wide["series"] == "2020 onwards")]["year"].max()
)
latest = wide[(wide["area_code"] == ENGLAND) & (wide["year"] == latest_year)].iloc[0]
publish(
    "authorities.england_share_in_homes_latest",
    float(latest["share"]),
    unit="percent",
    description=f"share of children looked after in England at 31 March {latest_year} who were "
    "in secure homes and children's homes (DfE)",
)
publish(
    "authorities.latest_placement_year",
    latest_year,
    unit="year",
    description="latest 31 March year of the imported DfE placement figures",
)

# %% [markdown]
# ## Children's homes and places in England (Ofsted)
#
# Ofsted's national count of children's homes of all kinds and their places, at 31 March.

# %%
national = national_homes[national_homes["provision_type"] == "All Children's Homes"]
national_table = (
    national.pivot_table(index="as_at", columns="measure", values="value", aggfunc="first")
    .reset_index()
    .rename(columns={"as_at": "As at", "providers": "Homes", "places": "Places"})
)
national_table.columns.name = None
national_table["As at"] = national_table["As at"].dt.strftime("%d %B %Y")
show(
    national_table[["As at", "Homes", "Places"]],
    caption="Children's homes of all kinds and their places in England, Ofsted",
)

# %% [markdown]
# ## One page per authority
#
# Each profile has: children looked after and the number and share in children's homes;
# children in children's homes placed outside the authority and the net gain or loss of children
# placed by others; spending on residential care and spending per child in a children's home
# where both are published; the homes and places in the area by sector, with their latest
# inspection judgements; the authority's own documented commissioning arrangements; and its
# regional peers on the same measures.

# %%
predecessors = {}
for _, change in changes.iterrows():
    if change["change"] == "recoded":
        continue
    for successor in str(change["successor_codes"]).split(";"):
        predecessors.setdefault(successor.strip(), []).append(change)

outside_of = {code: f for code, f in outside.groupby("area_code")}
gain_of = {code: f for code, f in net_gain.groupby("area_code")}
spend_of = {code: f for code, f in spend.groupby("area_code")}
homes_of = {code: f for code, f in homes.groupby("ons_code")}
ilacs_of = {code: f for code, f in ilacs.groupby("ons_code")}


def arrangement_rows(code: str) -> pd.DataFrame:
    mine = arrangements[
        arrangements["authorities"].fillna("").str.contains(code, regex=False)
        | (arrangements["lead_authority"] == code)
    ]
    table = mine[
        ["name", "model", "status", "start_year", "end_year", "evidence_grade", "sources"]
    ].rename(
        columns={
            "name": "Arrangement",
            "model": "Model",
            "status": "Status",
            "start_year": "Start",
            "end_year": "End",
            "evidence_grade": "Evidence",
        }
    )
    table["Start"] = as_text(table["Start"])
    table["End"] = as_text(table["End"])
    return table.reset_index(drop=True)


def outside_table(code: str):
    own = outside_of.get(code)
    if own is None:
        return None, None
    region = outside_of.get(region_code.get(str(authorities["region"].get(code, "")).casefold()))
    england = outside_of[ENGLAND].set_index("year")["percent"]
    gain = gain_of.get(code)
    gain = gain.set_index("year") if gain is not None else None
    region_pct = region.set_index("year")["percent"] if region is not None else None
    table = own.sort_values("year")[["year", "children", "percent", "marker"]].copy()
    table["region"] = [None if region_pct is None else region_pct.get(y) for y in table["year"]]
    table["england"] = [england.get(y) for y in table["year"]]
    table["net_gain"] = [None if gain is None else gain["net_gain"].get(y) for y in table["year"]]
    table["gain_marker"] = [None if gain is None else gain["marker"].get(y) for y in table["year"]]
    table["year"] = as_text(table["year"])
    table = table.rename(
        columns={
            "year": "31 March",
            "children": "Placed in homes outside the authority",
            "percent": "Share of its children in homes",
            "marker": "Missing because",
            "region": "Region share",
            "england": "England share",
            "net_gain": "Net gain of children in homes in its area",
            "gain_marker": "Net gain missing because",
        }
    )
    table.attrs["units"] = {
        "Share of its children in homes": "percent",
        "Region share": "percent",
        "England share": "percent",
    }
    frames = [own] + ([gain_of[code]] if code in gain_of else [])
    return table.reset_index(drop=True), frames


def spend_table(code: str):
    own = spend_of.get(code)
    if own is None:
        return None, None
    rows = []
    counts = series_of.get(code)
    for (fy, series), group in own.groupby(["financial_year", "series"]):
        values = group.set_index("measure")
        total = values["gbp"].get("total expenditure")
        net = values["gbp"].get("net current expenditure")
        marker = ", ".join(sorted(set(values["marker"].dropna())))
        year_end = int(fy[:4]) + 1
        in_homes = None
        category = ""
        if counts is not None:
            match = counts[counts["year"] == year_end]
            if len(match):
                in_homes = match.iloc[0]["in_homes"]
                category = match.iloc[0]["series"]
        rows.append(
            {
                "Financial year": fy,
                "Return": series,
                "Total expenditure": None if pd.isna(total) else float(total),
                "Net current expenditure": None if pd.isna(net) else float(net),
                "Missing because": marker or None,
                "Children in homes at 31 March": None if pd.isna(in_homes) else in_homes,
                "Count series": category or None,
                "Total expenditure per child in homes": (
                    None
                    if pd.isna(total) or in_homes is None or pd.isna(in_homes) or in_homes == 0
                    else round(float(total) / float(in_homes))
                ),
            }
        )
    table = pd.DataFrame(rows)
    table.attrs["units"] = {
        "Total expenditure": "GBP",
        "Net current expenditure": "GBP",
        "Total expenditure per child in homes": "GBP",
    }
    return table, [own]


def homes_tables(code: str):
    own = homes_of.get(code)
    if own is None:
        return None, None, None
    counts = []
    for as_at, group in own.groupby("as_at"):
        # the 'registered' list includes homes not yet inspected, so it counts supply better
        listing = "registered" if (group["list"] == "registered").any() else "provider-level"
        chosen = group[group["list"] == listing]
        for sector, by_sector in chosen.groupby("sector"):
            counts.append(
                {
                    "As at": as_at.strftime("%d %B %Y"),
                    "Ofsted list": listing,
                    "Sector": sector,
                    "Homes": len(by_sector),
                    "Places": int(by_sector["places"].sum(min_count=1))
                    if by_sector["places"].notna().any()
                    else None,
                }
            )
    latest_as_at = own[own["list"] == "provider-level"]["as_at"].max()
    judged = own[(own["list"] == "provider-level") & (own["as_at"] == latest_as_at)]
    grid = (
        judged.assign(judgement=judged["overall_judgement"].fillna("not yet inspected"))
        .groupby(["sector", "judgement"])
        .size()
        .unstack(fill_value=0)
        .reset_index()
        .rename(columns={"sector": "Sector"})
    )
    grid.columns.name = None
    order = [
        "Sector",
        "outstanding",
        "good",
        "requires improvement",
        "inadequate",
        "not yet inspected",
    ]
    grid = grid[[c for c in order if c in grid.columns]]
    return pd.DataFrame(counts), grid, latest_as_at


def latest_figures(code: str) -> dict:
    """The latest year of each measure, for the regional comparison."""
    own = series_of.get(code)
    new = own[own["series"] == "2020 onwards"] if own is not None else None
    last = new.sort_values("year").iloc[-1] if new is not None and len(new) else None
    out = outside_of.get(code)
    out_last = out.sort_values("year").iloc[-1] if out is not None else None
    money = spend_of.get(code)
    ro3 = None
    if money is not None:
        ro3 = money[
            (money["series"] == "Revenue Outturn RO3") & (money["measure"] == "total expenditure")
        ]
    ro3_last = ro3.sort_values("financial_year").iloc[-1] if ro3 is not None and len(ro3) else None
    return {
        "Children looked after": None if last is None else last["all"],
        "Share in children's homes": None if last is None else last["share"],
        "Share of those placed outside": None if out_last is None else out_last["percent"],
        "Residential care total expenditure": (
            None if ro3_last is None or pd.isna(ro3_last["gbp"]) else float(ro3_last["gbp"])
        ),
    }


latest_of = {code: latest_figures(code) for code in authorities.index}
peer_sources = cite(
    placements[placements["series"] == "2020 onwards"],
    outside,
    spend[spend["series"] == "Revenue Outturn RO3"],
)


def peer_table(code: str) -> pd.DataFrame:
    region = authorities.loc[code, "region"]
    rows = [
        {"Authority": info["name"] + (" (this page)" if peer == code else ""), **latest_of[peer]}
        for peer, info in authorities[authorities["region"] == region].iterrows()
    ]
    table = pd.DataFrame(rows)
    table.attrs["units"] = {
        "Share in children's homes": "percent",
        "Share of those placed outside": "percent",
        "Residential care total expenditure": "GBP",
    }
    return table


def latest_label(frame, column):
    return None if frame is None or not len(frame) else frame[column].max()


profiles = 0
for code, info in authorities.iterrows():
    title = info["name"]
    with page(f"authorities/{code}", title=title):
        show(
            f"{info['type'].capitalize()} in {info['region']}; ONS code {code}, DfE code "
            f"{info['dfe_code']}. [All authorities](../authorities.md)"
        )
        for former in predecessors.get(code, []):
            show(
                f'!!! note "Former area: {former["name"]} ({former["code"]})"\n'
                f"    {former['note']} Figures published for {former['name']} are in the "
                f"[{former['name']} rows](#former-areas) below."
            )
        show("## Children looked after and children's homes")
        table = placement_table(code)
        if len(table):
            rows = placements[placements["area_code"] == code]
            show(
                "Children looked after at 31 March, and those in the series' children's-home "
                "category. 2011 to 2017 counts secure units, children's homes and hostels; 2020 "
                "onwards counts secure homes and children's homes: a break in the series, not a "
                f"change in practice. Source: {cite(rows)}."
            )
            show(table, caption=f"{title}: children looked after and in children's homes")
        else:
            show("No placement figures are published for this authority in the imported releases.")
        show("## Placed outside the authority, and net gain")
        table, frames = outside_table(code)
        if table is not None:
            show(
                "Children in children's homes placed outside the authority's boundary at 31 "
                "March, as a share of its children in children's homes; and the net gain: "
                "children of other authorities placed in homes in its area minus its own placed "
                f"outside. Source: {cite(*frames)}."
            )
            show(
                table, caption=f"{title}: children in children's homes placed outside the authority"
            )
        else:
            show("No figures are published for this authority in the imported releases.")
        show("## Spending on residential care")
        table, frames = spend_table(code)
        if table is not None:
            show(
                "Residential care for children looked after, in pounds, from two different "
                "returns (Section 251 outturn, Revenue Outturn RO3), shown side by side. Spending "
                "per child divides a year's spending by the children in the children's-home "
                "category on the following 31 March, so it is only a rough scale: the spending "
                "line and the count do not cover exactly the same placements. Source: "
                f"{cite(*frames, placements[placements['area_code'] == code])}."
            )
            show(table, caption=f"{title}: residential care spending")
        else:
            show("No spending figures are published for this authority in the imported releases.")
        show("## Children's homes in the area")
        counts, grid, as_at = homes_tables(code)
        if counts is not None:
            show(
                "Children's homes of every kind registered with Ofsted in the authority's area, "
                "whoever runs them and whichever authority places children there. Source: "
                f"{cite(homes_of[code])}."
            )
            show(counts, caption=f"{title}: children's homes and places by sector")
            show(
                grid,
                caption=f"{title}: latest overall judgement of the homes, "
                f"provider-level list at {as_at.strftime('%d %B %Y')} (number of homes)",
            )
        else:
            show("Ofsted lists no children's homes in this area in the imported releases.")
        judgement = ilacs_of.get(code)
        if judgement is not None:
            j = judgement.sort_values("as_at").iloc[-1]
            when = "" if pd.isna(j["inspection_date"]) else j["inspection_date"].strftime("%B %Y")
            show(
                f"Ofsted's latest inspection of the authority's children's services at "
                f"{j['as_at'].strftime('%d %B %Y')} ({when}): overall effectiveness "
                f"*{j['overall_effectiveness'] or 'not given'}*; children in care "
                f"*{j['children_in_care'] or 'not given'}* {cite(judgement)}."
            )
        show("## Commissioning arrangements")
        mine = arrangement_rows(code)
        if len(mine):
            show(
                "Arrangements documented in the [evidence table](../comparison.md), with the "
                "grade of their evidence."
            )
            show(mine, caption=f"{title}: documented commissioning arrangements")
        else:
            show(
                "No commissioning arrangement of this authority is documented in the evidence "
                "table yet."
            )
        show(f"## Regional peers: {info['region']}")
        show(
            "The latest year of each measure for every authority in the same region "
            f"{peer_sources}."
        )
        show(peer_table(code), caption=f"Authorities in {info['region']}: latest figures")
        former_list = predecessors.get(code, [])
        if former_list:
            show("## Former areas {: #former-areas }")
            for former in former_list:
                old = former["code"]
                label = f"{former['name']} ({old}), former area"
                table = placement_table(old)
                if len(table):
                    show(
                        table.drop(columns=["Region share"]),
                        caption=f"{label}: children looked after and in children's homes",
                    )
                table, frames = outside_table(old)
                if table is not None:
                    show(
                        table,
                        caption=f"{label}: placed outside and net gain",
                    )
                table, frames = spend_table(old)
                if table is not None:
                    show(
                        table,
                        caption=f"{label}: residential care spending",
                    )
    profiles += 1

publish(
    "authorities.profile_count",
    profiles,
    unit="authorities",
    description="authority profile pages generated",
)

# %% [markdown]
# ## All authorities

# %%
lines = []
for region, group in authorities.sort_values("name").groupby("region", sort=True):
    lines.append(f"### {region}\n")
    lines += [f"- [{row['name']}](authorities/{code}.md)" for code, row in group.iterrows()]
    lines.append("")
show("\n".join(lines))
