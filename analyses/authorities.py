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


def cite(*sources) -> str:
    """A citation group for the releases rows came from, e.g. '[@a; @b]'. Each source is a
    frame with a 'release' column or a set of release identifiers."""
    keys = []
    for source in sources:
        found = source if isinstance(source, set) else set(source["release"].dropna())
        for release in sorted(found):
            for key in str(citation_of[release]).split(";"):
                if key.strip() and key.strip() not in keys:
                    keys.append(key.strip())
    return "[" + "; ".join("@" + k for k in keys) + "]" if keys else ""


def releases_by(frame: pd.DataFrame, key: str) -> dict:
    """The set of releases each area's rows came from."""
    return frame.groupby(key)["release"].agg(set).to_dict()


def as_text(values: pd.Series) -> list:
    """Years and other labels as text, so tables show 2024 rather than 2,024."""
    return [None if pd.isna(v) else str(v) for v in values]


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
HOME_CATEGORY = {
    "2011 to 2017": "secure units, children's homes and hostels",
    "2020 onwards": "secure homes and children's homes",
}
PERCENT = "percent"
former_region = {}
for _, change in changes.iterrows():
    first = str(change["successor_codes"]).split(";")[0].strip()
    if first in authorities.index:
        former_region[change["code"]] = authorities.loc[first, "region"]
region_of = {
    code: region_code.get(str(region).casefold())
    for code, region in {**authorities["region"].to_dict(), **former_region}.items()
}


def split(frame: pd.DataFrame, key: str, units: dict) -> dict:
    """One small table per area, with the units the renderer formats by."""
    tables = {}
    for code, part in frame.groupby(key, sort=False):
        table = part.drop(columns=[key]).reset_index(drop=True)
        table.attrs["units"] = units
        tables[code] = table
    return tables


def with_comparators(frame, keys, value, code_column="area_code"):
    """Add the region's and England's `value` for the same keys beside each area's own."""
    frame = frame.copy()
    frame["region_code"] = frame[code_column].map(region_of)
    base = frame[[code_column, *keys, value]]
    region = base.rename(columns={code_column: "region_code", value: "region_value"})
    england = base[base[code_column] == ENGLAND].drop(columns=[code_column])
    england = england.rename(columns={value: "england_value"})
    frame = frame.merge(region, on=["region_code", *keys], how="left")
    return frame.merge(england, on=keys, how="left").drop(columns=["region_code"])


wide = placements.pivot_table(
    index=["area_code", "series", "year"], columns="category", values="children", aggfunc="first"
).reset_index()
wide.columns.name = None
old, new = HOME_CATEGORY["2011 to 2017"], HOME_CATEGORY["2020 onwards"]
wide["in_homes"] = wide[old].where(wide["series"] == "2011 to 2017", wide[new])
wide["share"] = (100 * wide["in_homes"] / wide["all"].where(wide["all"] > 0)).round(1)
markers = (
    placements[placements["marker"].notna()]
    .groupby(["area_code", "series", "year"])["marker"]
    .agg(lambda m: ", ".join(sorted(set(m))))
    .rename("marker")
    .reset_index()
)
wide = wide.merge(markers, on=["area_code", "series", "year"], how="left")
wide = with_comparators(wide, ["series", "year"], "share").sort_values(["area_code", "year"])
wide["year_text"] = as_text(wide["year"])
placement_tables = split(
    wide[
        [
            "area_code",
            "year_text",
            "series",
            "all",
            "in_homes",
            "share",
            "marker",
            "region_value",
            "england_value",
        ]
    ].rename(
        columns={
            "year_text": "31 March",
            "series": "Series",
            "all": "Children looked after",
            "in_homes": "In the series' children's-home category",
            "share": "Share",
            "marker": "Missing because",
            "region_value": "Region share",
            "england_value": "England share",
        }
    ),
    "area_code",
    {"Share": PERCENT, "Region share": PERCENT, "England share": PERCENT},
)


placement_releases = releases_by(placements, "area_code")


def placement_table(code: str) -> pd.DataFrame:
    return placement_tables.get(code, pd.DataFrame())


england_table = placement_table(ENGLAND)
show(
    england_table.drop(columns=["Region share"]),
    caption="Children looked after at 31 March in England, and those in the children's-home "
    "category of each series",
)
recent = wide[(wide["area_code"] == ENGLAND) & (wide["series"] == "2020 onwards")]
latest = recent.sort_values("year").iloc[-1]
latest_year = int(latest["year"])
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

# placed outside, with the region's and England's shares and the net gain
out = with_comparators(outside, ["year"], "percent")
out = out.merge(
    net_gain[["area_code", "year", "net_gain", "marker"]].rename(columns={"marker": "gain_marker"}),
    on=["area_code", "year"],
    how="left",
).sort_values(["area_code", "year"])
out["year_text"] = as_text(out["year"])
outside_tables = split(
    out[
        [
            "area_code",
            "year_text",
            "children",
            "percent",
            "marker",
            "region_value",
            "england_value",
            "net_gain",
            "gain_marker",
        ]
    ].rename(
        columns={
            "year_text": "31 March",
            "children": "Placed in homes outside the authority",
            "percent": "Share of its children in homes",
            "marker": "Missing because",
            "region_value": "Region share",
            "england_value": "England share",
            "net_gain": "Net gain of children in homes in its area",
            "gain_marker": "Net gain missing because",
        }
    ),
    "area_code",
    {
        "Share of its children in homes": PERCENT,
        "Region share": PERCENT,
        "England share": PERCENT,
    },
)
outside_rows = releases_by(outside, "area_code")
gain_rows = releases_by(net_gain, "area_code")


def outside_table(code: str):
    if code not in outside_tables:
        return None, None
    frames = [outside_rows[code]] + ([gain_rows[code]] if code in gain_rows else [])
    return outside_tables[code], frames


# spending, beside the children in the children's-home category on the following 31 March
money = spend.pivot_table(
    index=["area_code", "financial_year", "series"],
    columns="measure",
    values="gbp",
    aggfunc="first",
).reset_index()
money.columns.name = None
spend_markers = (
    spend[spend["marker"].notna()]
    .groupby(["area_code", "financial_year", "series"])["marker"]
    .agg(lambda m: ", ".join(sorted(set(m))))
    .rename("marker")
    .reset_index()
)
money = money.merge(spend_markers, on=["area_code", "financial_year", "series"], how="left")
money["year"] = money["financial_year"].str[:4].astype(int) + 1
counts = wide[["area_code", "year", "in_homes", "series"]].rename(columns={"series": "count"})
money = money.merge(counts, on=["area_code", "year"], how="left")
money["per_child"] = (
    money["total expenditure"] / money["in_homes"].where(money["in_homes"] > 0)
).round(0)
money = money.sort_values(["area_code", "financial_year"])
spend_tables = split(
    money[
        [
            "area_code",
            "financial_year",
            "series",
            "total expenditure",
            "net current expenditure",
            "marker",
            "in_homes",
            "count",
            "per_child",
        ]
    ].rename(
        columns={
            "financial_year": "Financial year",
            "series": "Return",
            "total expenditure": "Total expenditure",
            "net current expenditure": "Net current expenditure",
            "marker": "Missing because",
            "in_homes": "Children in homes at 31 March",
            "count": "Count series",
            "per_child": "Total expenditure per child in homes",
        }
    ),
    "area_code",
    {
        "Total expenditure": "GBP",
        "Net current expenditure": "GBP",
        "Total expenditure per child in homes": "GBP",
    },
)
spend_rows = releases_by(spend, "area_code")


def spend_table(code: str):
    if code not in spend_tables:
        return None, None
    return spend_tables[code], [spend_rows[code]]


# homes in the area: the 'registered' list (which includes homes not yet inspected) where Ofsted
# published one for that date, otherwise the provider-level list
registered_dates = set(homes.loc[homes["list"] == "registered", "as_at"])
chosen = homes[homes["as_at"].isin(registered_dates) == (homes["list"] == "registered")]
supply = (
    chosen.groupby(["ons_code", "as_at", "list", "sector"])
    .agg(homes=("urn", "size"), places=("places", "sum"))
    .reset_index()
    .sort_values(["ons_code", "as_at", "sector"])
)
supply["as_at"] = supply["as_at"].dt.strftime("%d %B %Y")
supply_tables = split(
    supply.rename(
        columns={
            "as_at": "As at",
            "list": "Ofsted list",
            "sector": "Sector",
            "homes": "Homes",
            "places": "Places",
        }
    ),
    "ons_code",
    {},
)
judged_at = homes.loc[homes["list"] == "provider-level", "as_at"].max()
judged = homes[(homes["list"] == "provider-level") & (homes["as_at"] == judged_at)]
grid = (
    judged.assign(judgement=judged["overall_judgement"].fillna("not yet inspected"))
    .groupby(["ons_code", "sector", "judgement"])
    .size()
    .unstack(fill_value=0)
    .reset_index()
    .rename(columns={"sector": "Sector"})
)
grid.columns.name = None
order = ["outstanding", "good", "requires improvement", "inadequate", "not yet inspected"]
grid = grid[["ons_code", "Sector", *[c for c in order if c in grid.columns]]]
grid_tables = split(grid, "ons_code", {})
homes_releases = releases_by(homes, "ons_code")
ilacs_of = dict(tuple(ilacs.groupby("ons_code")))


def homes_tables(code: str):
    if code not in supply_tables:
        return None, None, None
    return supply_tables[code], grid_tables.get(code, pd.DataFrame()), judged_at


listed = arrangements[
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
listed["Start"] = as_text(listed["Start"])
listed["End"] = as_text(listed["End"])
members = [
    {c.strip() for c in f"{a};{lead}".split(";") if c.strip() and c.strip() != "<NA>"}
    for a, lead in zip(
        arrangements["authorities"].fillna(""),
        arrangements["lead_authority"].fillna(""),
        strict=True,
    )
]
arrangements_of = {}
for position, codes in enumerate(members):
    for member in codes:
        arrangements_of.setdefault(member, []).append(position)


def arrangement_rows(code: str) -> pd.DataFrame:
    return listed.iloc[arrangements_of.get(code, [])].reset_index(drop=True)


# the latest year of each measure, for the regional comparison
def last_of(frame, key, order, columns):
    return frame.sort_values(order).groupby(key).tail(1).set_index(key)[columns]


peer = authorities[["name", "region"]].copy()
peer = peer.join(
    last_of(wide[wide["series"] == "2020 onwards"], "area_code", "year", ["all", "share"])
)
peer = peer.join(last_of(outside, "area_code", "year", ["percent"]))
ro3 = spend[(spend["series"] == "Revenue Outturn RO3") & (spend["measure"] == "total expenditure")]
peer = peer.join(last_of(ro3, "area_code", "financial_year", ["gbp"]))
peer = peer.rename(
    columns={
        "all": "Children looked after",
        "share": "Share in children's homes",
        "percent": "Share of those placed outside",
        "gbp": "Residential care total expenditure",
    }
)
peer_sources = cite(
    placements[placements["series"] == "2020 onwards"],
    outside,
    spend[spend["series"] == "Revenue Outturn RO3"],
)


region_peers = {
    region: frame.drop(columns=["region"]) for region, frame in peer.groupby("region", sort=False)
}


def peer_table(code: str) -> pd.DataFrame:
    table = region_peers[authorities.loc[code, "region"]].copy()
    table["name"] = [
        name + (" (this page)" if other == code else "")
        for other, name in zip(table.index, table["name"], strict=True)
    ]
    table = table.rename(columns={"name": "Authority"}).reset_index(drop=True)
    table.attrs["units"] = {
        "Share in children's homes": PERCENT,
        "Share of those placed outside": PERCENT,
        "Residential care total expenditure": "GBP",
    }
    return table


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
            show(
                "Children looked after at 31 March, and those in the series' children's-home "
                "category. 2011 to 2017 counts secure units, children's homes and hostels; 2020 "
                "onwards counts secure homes and children's homes: a break in the series, not a "
                f"change in practice. Source: {cite(placement_releases[code])}."
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
                f"{cite(*frames, placement_releases.get(code, set()))}."
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
                f"{cite(homes_releases[code])}."
            )
            show(counts, caption=f"{title}: children's homes and places by sector")
            at = as_at.strftime("%d %B %Y")
            if grid.empty:
                show(f"No home in this area has an overall judgement on Ofsted's list at {at}.")
            else:
                show(
                    grid,
                    caption=f"{title}: latest overall judgement of the homes, "
                    f"provider-level list at {at} (number of homes)",
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
