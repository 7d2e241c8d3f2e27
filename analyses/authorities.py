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
from evidence.pages import profile_tables as tables_
from evidence.pages.profile_tables import as_text, cited, split, tables
from evidence.pages.profiles import (
    ARRANGEMENT_LINK,
    ENGLAND,
    PLACES,
    RATE,
    SHARE,
    SPEND,
    Profile,
    show_profile,
)

authorities = load("authorities").set_index("ons_code")
changes = load("authority_changes")
arrangements = load("arrangements")
releases = load("releases")
placements = load("cla_placements")
rates = load("cla_rates")
outside = load("childrens_homes_outside")
net_gain = load("childrens_homes_net_gain")
spend = load("residential_spend")
homes = load("childrens_homes")
ilacs = load("ilacs_judgements")
national_homes = load("ofsted_national_homes")

citation_of = releases.drop_duplicates("release").set_index("release")["citation"]


def cite(*sources) -> str:
    return cited(citation_of, *sources)


def releases_by(frame: pd.DataFrame, key: str) -> dict:
    """The set of releases each area's rows came from."""
    return frame.groupby(key)["release"].agg(set).to_dict()


# the code each region row carries, by the region name the authorities table uses
region_rows = placements[placements["level"] == "region"]
region_code = {
    name.casefold(): code
    for name, code in zip(region_rows["area_name"], region_rows["area_code"], strict=True)
}


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
former_region = {}
for _, change in changes.iterrows():
    first = str(change["successor_codes"]).split(";")[0].strip()
    if first in authorities.index:
        former_region[change["code"]] = authorities.loc[first, "region"]
region_of = {
    code: region_code.get(str(region).casefold())
    for code, region in {**authorities["region"].to_dict(), **former_region}.items()
}


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
placement_tables = tables(wide, "area_code", tables_.PLACEMENTS)


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
outside_tables = tables(out, "area_code", tables_.OUTSIDE)
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
).round(-3)  # a rough ratio: to the nearest £1,000
money = money.sort_values(["area_code", "financial_year"])
spend_tables = tables(money, "area_code", tables_.SPEND)
spend_rows = releases_by(spend, "area_code")


def spend_table(code: str):
    if code not in spend_tables:
        return None, None
    return spend_tables[code], [spend_rows[code]]


# homes in the area: Ofsted's provider-level list, the one list published for every year here
listed_homes = homes[homes["list"] == "provider-level"]
supply = (
    listed_homes.groupby(["ons_code", "as_at", "provision_type", "sector"])
    .agg(homes=("urn", "size"), places=("places", "sum"))
    .reset_index()
    .sort_values(["ons_code", "as_at", "provision_type", "sector"])
)
supply["as_at"] = supply["as_at"].dt.strftime("%d %B %Y")
supply_tables = tables(supply, "ons_code", tables_.SUPPLY)
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
homes_releases = releases_by(listed_homes, "ons_code")
ilacs_of = dict(tuple(ilacs.groupby("ons_code")))


def homes_tables(code: str):
    if code not in supply_tables:
        return None, None, None
    return supply_tables[code], grid_tables.get(code, pd.DataFrame()), judged_at


listed = arrangements.assign(
    start_year=as_text(arrangements["start_year"]), end_year=as_text(arrangements["end_year"])
)
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
    return tables_.shaped(listed.iloc[arrangements_of.get(code, [])], tables_.ARRANGEMENTS)


def arrangement_links(code: str) -> str:
    """Each arrangement the authority leads or joins, linked to where it is described."""
    rows = arrangements.iloc[arrangements_of.get(code, [])]
    return "; ".join(
        f"[{name}]({ARRANGEMENT_LINK.format(id=i)})"
        for i, name in zip(rows["id"], rows["name"], strict=True)
    )


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
    return tables_.shaped(table, tables_.PEERS)


# %% [markdown]
# ## The charts: each authority beside its region and England
#
# Four measures that compare across sizes, one row per area and year: children looked after per
# 10,000 children (DfE); the share of them in secure homes and children's homes (the DfE series
# from 2020 only, so one definition throughout); places in children's homes per 10,000 children
# (Ofsted's provider-level list for every year, not counting secure homes or residential special
# schools registered as children's homes); and RO3 residential spending per child in those homes.
# A region's or England's spending per child adds up the authorities that published both figures.

# %%
area_name = {**authorities["name"].to_dict(), ENGLAND: "England"}
area_name.update({code: name.title() for name, code in region_code.items()})
area_name.update(dict(zip(region_rows["area_code"], region_rows["area_name"], strict=True)))
population = rates.assign(
    population=rates["children"]
    * 10_000
    / rates["rate_per_10000"].where(rates["rate_per_10000"] > 0)
).set_index(["area_code", "year"])["population"]
mainstream = listed_homes[listed_homes["provision_type"] == "children's home"]
mainstream = mainstream.assign(year=mainstream["as_at"].dt.year)
by_area = mainstream.groupby(["ons_code", "year"])["places"].sum()
by_region = (
    mainstream.assign(region=mainstream["ons_code"].map(region_of))
    .groupby(["region", "year"])["places"]
    .sum()
)
by_nation = mainstream.groupby("year")["places"].sum()
former_codes = {code: [c["code"] for c in rows] for code, rows in predecessors.items()}
place_rows = []
for (code, year), people in population.items():
    if code == ENGLAND:
        places = by_nation.get(year)
    elif code in by_region.index.get_level_values(0):
        places = by_region.get((code, year))
    elif year in set(mainstream["year"]):
        # zero homes is a count; homes still listed under a former area's code are not
        inherited = any((old, year) in by_area.index for old in former_codes.get(code, []))
        places = None if inherited else by_area.get((code, year), 0)
    else:
        places = None
    if places is not None and pd.notna(people):
        place_rows.append((code, str(year), PLACES, round(10_000 * places / people, 1)))
ro3_money = money[(money["series"] == "Revenue Outturn RO3") & (money["count"] == "2020 onwards")]
both = ro3_money.dropna(subset=["total expenditure", "in_homes"])
both = both[both["in_homes"] > 0]
grouped = [
    both.assign(code=both["area_code"].map(region_of)).groupby(["code", "financial_year"]),
    both.assign(code=ENGLAND).groupby(["code", "financial_year"]),
]
spend_points = [
    (c, y, SPEND, float(round(g["total expenditure"].sum() / g["in_homes"].sum(), -3)))
    for groups in grouped
    for (c, y), g in groups
]
spend_points += [
    (c, y, SPEND, None if pd.isna(v) else float(v))
    for c, y, v in zip(
        ro3_money["area_code"], ro3_money["financial_year"], ro3_money["per_child"], strict=True
    )
]
later = wide[wide["series"] == "2020 onwards"]
measures = pd.DataFrame(
    [
        *[
            (c, str(y), RATE, None if pd.isna(v) else float(v))
            for c, y, v in zip(
                rates["area_code"], rates["year"], rates["rate_per_10000"], strict=True
            )
        ],
        *[
            (c, str(y), SHARE, None if pd.isna(v) else float(v))
            for c, y, v in zip(later["area_code"], later["year"], later["share"], strict=True)
        ],
        *place_rows,
        *spend_points,
    ],
    columns=["code", "year", "measure", "value"],
).drop_duplicates(["code", "year", "measure"])
rows_of = {code: part for code, part in measures.groupby("code")}
later_rows = placements[placements["series"] == "2020 onwards"]
chart_sources = cite(rates, later_rows, mainstream, spend[spend["series"] == "Revenue Outturn RO3"])


def chart_rows(code: str) -> list[dict]:
    """The authority's rows, its region's and England's, as the chart's data."""
    rows = []
    for area in (code, region_of.get(code), ENGLAND):
        part = rows_of.get(area)
        if part is None:
            continue
        for measure, year, value in zip(part["measure"], part["year"], part["value"], strict=True):
            value = None if pd.isna(value) else float(value)  # suppressed: no point drawn
            rows.append({"measure": measure, "year": year, "area": area_name[area], "value": value})
    return sorted(rows, key=lambda r: (r["measure"], r["year"], r["area"]))


publish(
    "authorities.england_places_per_10000_latest",
    float(
        measures[(measures["code"] == ENGLAND) & (measures["measure"] == PLACES)].iloc[-1]["value"]
    ),
    unit="places per 10,000 children",
    description="places in children's homes in England per 10,000 children, Ofsted "
    "provider-level list at the latest 31 March (children's homes only)",
)

# %% [markdown]
# ## Ofsted's own count and this site's
#
# Ofsted's published figure for children's homes counts its list of registered providers and
# places; the profiles count its provider-level list, the only list published for every year
# imported here. The two lists differ:

# %%
registered = homes[(homes["list"] == "registered") & (homes["provision_type"] == "children's home")]
same_day = mainstream[mainstream["as_at"].isin(set(registered["as_at"]))]
official = national_homes[
    (national_homes["provision_type"] == "Children's Homes")
    & (national_homes["measure"] == "providers")
    & national_homes["as_at"].isin(set(registered["as_at"]))
]
if len(official) and len(same_day):
    day = official["as_at"].iloc[0]
    count_note = (
        f"Ofsted's published count of children's homes at {day.strftime('%d %B %Y')} is "
        f"{int(official['value'].iloc[0]):,} {cite(official)}, from its list of registered "
        f"providers, which includes homes not yet inspected; the provider-level list used on "
        f"the profiles has {len(same_day[same_day['as_at'] == day]):,} at that date "
        f"{cite(same_day)}."
    )
    show(count_note)
else:
    count_note = ""


# %% [markdown]
# ## One page per authority


# %%
counted = rates[rates["children"].notna()]
children_of = {
    code: {
        str(y): (int(n), cite({r}))
        for y, n, r in zip(part["year"], part["children"], part["release"], strict=True)
    }
    for code, part in counted.groupby("area_code")
}
homes_now = {
    code: part[part["as_at"] == part["as_at"].max()]
    for code, part in mainstream.groupby("ons_code")
}
ro3_rows = spend[spend["series"] == "Revenue Outturn RO3"]
panel_releases = {
    RATE: releases_by(rates, "area_code"),
    SHARE: releases_by(later_rows, "area_code"),
    SPEND: releases_by(ro3_rows, "area_code"),
}


def facts(code: str) -> dict:
    """What the at-a-glance box states beside the chart's figures, each with its sources."""
    now = homes_now.get(code)
    found = {panel: cite(rows.get(code, set())) for panel, rows in panel_releases.items()}
    return {
        "children": children_of.get(code, {}),
        "homes": None
        if now is None
        else (now["as_at"].max(), len(now), int(now["places"].sum()), cite(now)),
        **found,
        "arrangements": len(arrangements_of.get(code, [])),
    }


profiles = 0
for code, info in authorities.iterrows():
    judgement = ilacs_of.get(code)
    inspection = None
    if judgement is not None:
        j = judgement.sort_values("as_at").iloc[-1]
        when = "" if pd.isna(j["inspection_date"]) else j["inspection_date"].strftime("%B %Y")
        inspection = (
            f"Ofsted's latest inspection of the authority's children's services at "
            f"{j['as_at'].strftime('%d %B %Y')} ({when}): overall effectiveness "
            f"*{j['overall_effectiveness'] or 'not given'}*; children in care "
            f"*{j['children_in_care'] or 'not given'}* {cite(judgement)}."
        )
    placed = placement_table(code)
    out_table, out_frames = outside_table(code)
    money_table, money_frames = spend_table(code)
    counts, grid, at = homes_tables(code)
    former = []
    for change in predecessors.get(code, []):
        old = change["code"]
        old_placed = placement_table(old)
        former.append(
            (
                change,
                old_placed.drop(columns=["Region share"]) if len(old_placed) else None,
                outside_table(old)[0],
                spend_table(old)[0],
            )
        )
    profile = Profile(
        code=code,
        name=info["name"],
        kind=info["type"],
        region=info["region"],
        dfe_code=str(info["dfe_code"]),
        chart_rows=chart_rows(code),
        chart_sources=chart_sources,
        count_note=count_note,
        facts=facts(code),
        placements=(placed, cite(placement_releases[code])) if len(placed) else None,
        outside=(out_table, cite(*out_frames)) if out_table is not None else None,
        spend=(money_table, cite(*money_frames, placement_releases.get(code, set())))
        if money_table is not None
        else None,
        homes=(counts, grid, at.strftime("%d %B %Y"), cite(homes_releases[code]))
        if counts is not None
        else None,
        inspection=inspection,
        arrangements=arrangement_rows(code),
        arrangement_links=arrangement_links(code),
        peers=(peer_table(code), peer_sources),
        former=former,
    )
    with page(f"authorities/{code}", title=info["name"]):
        show_profile(profile)
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
