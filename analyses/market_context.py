# %% [markdown]
# # The national market for children's home places
#
# Councils buy most children's home places from private providers. The Competition and Markets
# Authority's market study found high prices and high profits among the largest providers
# [@communitycare2021cmainterim; @communitycare2022cmafinal], and the National Audit Office found
# the cost of a place had risen sharply [@nao2025pressrelease]. Each figure below is taken from
# the [national market figures](data.md#table-market_figures) table with its source and period;
# where only a press report of a figure was found, the table's notes say so. What government and
# Parliament have done about the market since 2014 is on the
# [national policy](policy_timeline.md) page.

# %%
# Longer than most analyses (about 550 lines): it is the one page members read for the national
# market, so the figures at a glance, the cost series and Ofsted's own counts stay together.
import re

import altair as alt
import pandas as pd
from evidence import load, publish, show

figures = load("market_figures").set_index("name")


def figure(name: str, result: str, description: str) -> None:
    row = figures.loc[name]
    publish(f"market_context.{result}", row["value"], unit=row["unit"], description=description)


# %% [markdown]
# ## The figures a member asks for, with their years
#
# One table answers the questions members most often ask: how many children live in children's
# homes, what a place costs and how that has moved, who runs the homes and how concentrated
# ownership is, how many children are in unregistered settings, how many placements cost
# £10,000 a week or more, and how far children are placed from home. Each figure keeps the
# publisher's definition and the year it refers to. Figures from different publishers measure
# different things (a price paid or a cost, one day's count or a year's, one group of councils or
# all of England), so they are set side by side and never joined into one series; the notes say
# where two cannot be compared. Two rows come from the official tables this site imports (DfE's
# children looked after statistics and its FOI release on placements outside the authority);
# the rest are rows of the national market figures table.

# %%
releases_by_id = load("releases").set_index("release")["citation"]
placements = load("cla_placements")
outside = load("childrens_homes_outside")


def release_keys(frame) -> str:
    return "; ".join(sorted({releases_by_id[r] for r in frame["release"].unique()}))


in_homes = placements[
    (placements["level"] == "England")
    & (placements["series"] == "2020 onwards")
    & (placements["category"] == "secure homes and children's homes")
].sort_values("year")
homes_first, homes_last = in_homes.iloc[0], in_homes.iloc[-1]
outside_england = outside[outside["level"] == "England"].drop_duplicates("year").sort_values("year")
outside_first, outside_last = outside_england.iloc[0], outside_england.iloc[-1]
publish(
    "market_context.children_in_homes",
    int(homes_last["children"]),
    unit="children",
    description="children looked after living in secure homes and children's homes, England (DfE)",
)
publish(
    "market_context.children_in_homes_year",
    int(homes_last["year"]),
    unit="year",
    description="year (31 March) of the latest DfE count of children in children's homes",
)
publish(
    "market_context.children_in_homes_first",
    int(homes_first["children"]),
    unit="children",
    description=f"the same DfE count in the series' first year ({homes_first['year']})",
)
publish(
    "market_context.placed_outside_share",
    round(float(outside_last["percent"]) / 100, 2),
    unit="share of children in children's homes",
    description=(
        "children in children's homes placed outside their own authority's area, England, "
        f"31 March {outside_last['year']} (DfE FOI)"
    ),
)
publish(
    "market_context.placed_outside_share_first",
    round(float(outside_first["percent"]) / 100, 2),
    unit="share of children in children's homes",
    description=f"the same share at 31 March {outside_first['year']}",
)
# dates as words for the prose below (a year result would read '2025 year')
publish(
    "market_context.children_in_homes_at",
    f"31 March {homes_last['year']}",
    unit="date",
    description="date of the latest DfE count of children in children's homes",
)
publish(
    "market_context.placed_outside_first_at",
    f"31 March {outside_first['year']}",
    unit="date",
    description="first date of the DfE FOI series of children placed outside their area",
)
publish(
    "market_context.unregistered_children",
    figures.loc["pac2026_children_unregistered_2024_09", "value"],
    unit="children",
    description=(
        "children (nearly this many) in unregistered children's homes or supported accommodation, "
        "September 2024 (PAC)"
    ),
)
figure(
    "ofsted2025_largest20_share_homes",
    "largest20_share_homes",
    "share of all children's homes held by the 20 largest owners, 31 March 2025 (Ofsted)",
)
figure(
    "ccn2024_avg_weekly_cost_residential_latest",
    "ccn_weekly_cost",
    "average weekly cost of a residential placement in county councils, 2024 (CCN)",
)

official = pd.DataFrame(
    [
        {
            "Question": "Children in children's homes",
            "Figure": (
                "Children looked after living in secure homes and children's homes "
                f"({int(homes_first['children']):,} in {homes_first['year']})"
            ),
            "Value": int(homes_last["children"]),
            "Unit": "count",
            "Year": f"31 Mar {homes_last['year']}",
            "sources": release_keys(in_homes),
            "Note": (
                "DfE children looked after statistics (the 2020-onwards category; the 2011-2017 "
                "series counted a different category and is not joined to it). The NAO's count "
                "below adds supported accommodation, and the FOI survey's is one day in "
                "September 2024, so the three are not one series."
            ),
        },
        {
            "Question": "Children placed far from home",
            "Figure": (
                "Children in children's homes placed outside their own authority's area "
                f"({int(outside_first['percent'])}% in {outside_first['year']})"
            ),
            "Value": int(outside_last["percent"]),
            "Unit": "percent",
            "Year": f"31 Mar {outside_last['year']}",
            "sources": release_keys(outside_england),
            "Note": (
                "DfE FOI release; outside the boundary is not the same as far away, which is the "
                "NAO's 20-mile measure below."
            ),
        },
    ]
)
questions = {
    "Children in children's homes": [
        "nao2025_children_in_residential_care",
        "sufficiency2024_children_in_childrens_homes",
    ],
    "Average weekly cost and its trend": [
        "cma_final_avg_weekly_price_largest_ch_2016",
        "cma_final_avg_weekly_price_largest_ch_2020",
        "revolution2020_avg_weekly_price_independent_ch",
        "revolution2020_avg_weekly_cost_la_ch",
        "revolution2020_price_growth_since_2013",
        "ccn2024_avg_weekly_cost_residential_2019",
        "ccn2024_avg_weekly_cost_residential_latest",
        "nao2025_cost_per_child_childrens_home_2019_20",
        "nao2025_cost_per_childrens_home_place",
    ],
    "Share run for profit": ["ofsted_private_share_homes_2025", "nao2025_private_share_ch_places"],
    "Largest providers' prices and margins": [
        "cma_final_op_margin_largest_ch",
        "cma_final_real_price_growth_largest_ch",
        "lga2023_largest20_profit_margin",
    ],
    "Ownership": [
        "ofsted2025_largest20_share_homes",
        "ofsted2025_two_largest_share_homes",
        "ofsted2024_largest10_share_private_homes",
        "ofsted2024_largest22_homes",
    ],
    "Children in unregistered provision": [
        "nao2025_unregistered_placements_2020_21",
        "nao2025_unregistered_placements_2023_24",
        "pac2026_children_unregistered_2024_09",
        "pac2026_avg_stay_unregistered",
        "childcomm2026_children_illegal_settings",
        "childcomm2026_avg_weekly_cost_illegal_settings",
    ],
    "Placements of £10,000 a week or more": [
        "lga2023_placements_over_10k_per_week_2018_19",
        "lga2023_placements_over_10k_per_week_2022_23",
        "independent2024_children_over_10k_29_councils",
    ],
    "Children placed far from home": [
        "nao2025_share_ch_children_out_of_area",
        "nao2025_share_ch_children_over_20_miles",
        "dfe2025_cla_over_20_miles_share",
    ],
}
published = pd.concat(
    [
        figures.loc[names, ["description", "value", "unit", "period", "sources", "notes"]]
        .assign(Question=question)
        .rename(
            columns={
                "description": "Figure",
                "value": "Value",
                "unit": "Unit",
                "period": "Year",
                "notes": "Note",
            }
        )
        for question, names in questions.items()
    ]
)
order = {question: i for i, question in enumerate(questions)}
at_a_glance = pd.concat([official, published], ignore_index=True)
at_a_glance = at_a_glance.sort_values(
    "Question", key=lambda q: q.map(order), kind="stable"
).reset_index(drop=True)[["Question", "Figure", "Value", "Unit", "Year", "sources", "Note"]]
# each figure's note is a line under the figure, so the long notes do not widen the table
at_a_glance.attrs["notes"] = {"Note": "Figure"}
show(at_a_glance, caption="National figures on children's homes, each with its year and source")

# %% [markdown]
# In short: {{ result("market_context.children_in_homes") }} lived in secure and children's homes
# on {{ result("market_context.children_in_homes_at") }}, up from
# {{ result("market_context.children_in_homes_first") }} in the first year of DfE's current
# series; {{ result("market_context.placed_outside_share") }} of children in children's homes
# lived outside their own authority's area, against
# {{ result("market_context.placed_outside_share_first") }} on
# {{ result("market_context.placed_outside_first_at") }}; nearly
# {{ result("market_context.unregistered_children") }} were in unregistered settings in
# September 2024; and the 20 largest owners held
# {{ result("market_context.largest20_share_homes") }} of all children's homes in March 2025.

# %% [markdown]
# ## What a place costs, publisher by publisher
#
# Each line is one publisher's series, drawn only between its own points: the CMA's average
# price charged by the 15 largest providers, an FOI study of prices councils paid for
# independent places and the cost of their own, the County Councils Network's cost of a
# residential placement in county councils, and the NAO's cost of a children's home place (a
# yearly figure in real terms, shown here divided by 52; the others are cash prices). They differ
# in who is counted and what is paid, so the gaps between lines are not trends; each line's own
# slope is. No figure was found from the PSSRU unit costs series for these years, so it is not
# shown.

# %%


def period_year(period: str) -> int:
    """The year a period refers to: a financial year 2023-24 is 2024, '2019' is 2019."""
    financial = re.search(r"\b(\d{4})-(\d{2})\b", period)
    if financial:
        return int(financial.group(1)) + 1
    return int(re.search(r"\d{4}", period).group(0))


series = {
    "cma_final_avg_weekly_price_largest_ch_2016": "CMA: 15 largest providers",
    "cma_final_avg_weekly_price_largest_ch_2020": "CMA: 15 largest providers",
    "revolution2020_avg_weekly_price_independent_ch": "FOI study: independent homes",
    "revolution2020_avg_weekly_cost_la_ch": "FOI study: council-run homes",
    "ccn2024_avg_weekly_cost_residential_2019": "CCN: county councils",
    "ccn2024_avg_weekly_cost_residential_latest": "CCN: county councils",
    "nao2025_cost_per_child_childrens_home_2019_20": "NAO: per place (yearly ÷ 52)",
    "nao2025_cost_per_childrens_home_place": "NAO: per place (yearly ÷ 52)",
}
costs = figures.loc[list(series), ["value", "unit", "period", "sources"]].reset_index()
costs["series"] = costs["name"].map(series)
costs["year"] = costs["period"].map(period_year)
yearly = costs["unit"].str.contains("per year")
# the NAO publishes a yearly cost; a week's share is shown beside the weekly series
costs["per week"] = (costs["value"].where(~yearly, costs["value"] / 52)).round(-1)
costs = costs[["series", "year", "period", "per week", "unit", "sources"]]
rise = costs.groupby("series")["per week"].agg(["first", "last"])
alt.Chart(costs, title="Weekly cost of a children's home place, by publisher").mark_line(
    point=True
).encode(
    x=alt.X("year:Q", title="Year the figure refers to", axis=alt.Axis(format="d")),
    y=alt.Y("per week:Q", title="£ per week, as published"),
    color=alt.Color("series:N", title="Series"),
    tooltip=["series", "period", "per week", "unit"],
).properties(
    width=520,
    height=280,
    description=(
        "Weekly cost of a place by publisher and year, never joined across publishers: "
        + "; ".join(
            f"{name} from £{row['first']:,.0f} to £{row['last']:,.0f}"
            if row["first"] != row["last"]
            else f"{name} £{row['first']:,.0f}"
            for name, row in rise.iterrows()
        )
        + "."
    ),
)

# %% [markdown]
# ## Prices and profits
#
# The largest providers charged on average {{ result("market_context.cma_avg_weekly_price") }}
# in 2020, with an average profit margin of {{ result("market_context.cma_profit_margin") }}
# over 2016–2020. Councils spent {{ result("market_context.nao_cost_per_place") }} per
# children's home place in 2023-24.

# %%
figure(
    "cma_final_avg_weekly_price_largest_ch_2020",
    "cma_avg_weekly_price",
    "average weekly price charged by the 15 largest children's home providers, 2020 (CMA)",
)
figure(
    "cma_final_op_margin_largest_ch",
    "cma_profit_margin",
    "average profit margin of the largest children's home providers, 2016-2020 (CMA)",
)
figure(
    "cma_final_real_price_growth_largest_ch",
    "cma_real_price_growth",
    "yearly real-terms growth in the largest providers' prices, 2016-2020 (CMA)",
)
figure(
    "nao2025_cost_per_childrens_home_place",
    "nao_cost_per_place",
    "average yearly cost to councils of a children's home place, 2023-24 (NAO)",
)
figure(
    "lga2020_largest10_share_independent_homes",
    "largest10_share_homes",
    "share of independent children's homes run by the 10 largest providers (c. 2020)",
)
figure(
    "ofsted_private_share_homes_2025",
    "private_share_homes",
    "share of children's homes run by private providers, 31 March 2025",
)
keep = [
    "cma_final_avg_weekly_price_largest_ch_2016",
    "cma_final_avg_weekly_price_largest_ch_2020",
    "cma_interim_op_margin_largest_ch",
    "cma_final_op_margin_largest_ch",
    "cma_final_real_price_growth_largest_ch",
    "lga2020_largest10_share_independent_homes",
    "lga2023_largest20_profit_margin",
    "nao2025_cost_per_childrens_home_place",
    "nao2025_la_spend_residential",
    "nao2025_share_ch_children_out_of_area",
    "lga2023_placements_over_10k_per_week_2022_23",
]
prices = figures.loc[keep, ["description", "value", "unit", "period", "sources"]].reset_index(
    drop=True
)
show(
    prices.rename(
        columns={"description": "Figure", "value": "Value", "unit": "Unit", "period": "Period"}
    ),
    caption="Prices, profits and costs in the children's homes market, as published",
)

# %% [markdown]
# ## How many homes
#
# Ofsted counts the children's homes registered in England each 31 March. The series changed
# what it counts between releases (some years count every type of home, others only mainstream
# homes), so the chart shows each figure as published with its scope and does not join them
# into one trend.

# %%
homes = figures[figures.index.str.match(r"ofsted_(childrens_homes|mainstream_homes)")].copy()
homes["year"] = homes["period"].str.extract(r"(\d{4})").astype("int64")
homes["scope"] = (
    homes["description"]
    .str.contains("mainstream", case=False)
    .map({True: "mainstream homes", False: "as published"})
)
homes = homes.reset_index()[["year", "value", "scope", "description", "sources"]]
latest = homes[homes["scope"] == "as published"].sort_values("year").iloc[-1]
publish(
    "market_context.latest_homes_count",
    latest["value"],
    unit="homes",
    description=f"children's homes in England, latest Ofsted count ({latest['year']})",
)
publish(
    "market_context.latest_homes_year",
    int(latest["year"]),
    unit="year",
    description="year of the latest Ofsted count of children's homes",
)
show(
    homes.rename(
        columns={
            "year": "Year (31 March)",
            "value": "Homes",
            "scope": "Scope",
            "description": "What is counted",
        }
    ),
    caption="Children's homes in England as Ofsted published them",
)
alt.Chart(homes, title="Children's homes in England, by year and scope").mark_point(
    filled=True, size=60
).encode(
    x=alt.X("year:O", title="31 March of"),
    y=alt.Y("value:Q", title="Children's homes"),
    shape=alt.Shape("scope:N", title="Scope"),
    color=alt.Color("scope:N", title="Scope"),
    tooltip=["year", "value", "scope", "description"],
).properties(
    width=520,
    height=260,
    description=(
        f"Points for each published count of children's homes from {homes['year'].min()} to "
        f"{homes['year'].max()}, shaped by what the release counted; the latest is "
        f"{int(latest['value']):,} in {latest['year']}."
    ),
)

# %% [markdown]
# ## Homes and places in Ofsted's own statistics
#
# The figures above are as reports quoted them. Ofsted's official statistics, imported release by
# release, give a consistent series for mainstream children's homes (not secure homes or
# residential special schools) and, from its provider-level lists, who runs the homes in each
# region. Names and sectors are as Ofsted records them; secure children's homes and residential
# special schools registered as children's homes are left out of both.

# %%
releases = load("releases").set_index("release")
national = load("ofsted_national_homes")
mainstream = national[national["provision_type"] == "Children's Homes"]
series = mainstream.pivot_table(index="as_at", columns="measure", values="value").reset_index()
series["year"] = series["as_at"].dt.year
first, last = series.iloc[0], series.iloc[-1]


def cited(frame) -> str:
    keys = sorted(
        {
            k.strip()
            for r in frame["release"].unique()
            for k in releases.loc[r, "citation"].split(";")
        }
    )
    return "[" + "; ".join("@" + k for k in keys) + "]"


publish(
    "market_context.official_homes_first_year",
    int(first["year"]),
    unit="year",
    description="first year of Ofsted's national series of mainstream children's homes",
)
publish(
    "market_context.official_homes_last_year",
    int(last["year"]),
    unit="year",
    description="latest year of Ofsted's national series of mainstream children's homes",
)
publish(
    "market_context.official_homes_growth",
    round(float(last["providers"] / first["providers"] - 1), 3),
    unit="share of homes",
    description="growth in mainstream children's homes between the series' first and last year",
)
publish(
    "market_context.official_places_growth",
    round(float(last["places"] / first["places"] - 1), 3),
    unit="share of places",
    description="growth in places in mainstream children's homes over the same years",
)
show(
    f"Between {first['year']} and {last['year']} the number of mainstream children's homes went "
    f"from {int(first['providers']):,} to {int(last['providers']):,}, and their places from "
    f"{int(first['places']):,} to {int(last['places']):,}, so the average home went from "
    f"{first['places'] / first['providers']:.1f} to {last['places'] / last['providers']:.1f} "
    f"places {cited(mainstream)}."
)
show(
    series[["year", "providers", "places"]]
    .astype({"year": "string"})
    .rename(columns={"year": "31 March", "providers": "Homes", "places": "Places"}),
    caption="Mainstream children's homes and their places in England, Ofsted",
)
long = series.melt(id_vars=["year"], value_vars=["providers", "places"], var_name="measure")
long["measure"] = long["measure"].map({"providers": "homes", "places": "places"})
alt.Chart(long, title="Mainstream children's homes and places in England").mark_line(
    point=True
).encode(
    x=alt.X("year:O", title="31 March of"),
    y=alt.Y("value:Q", title="Number"),
    color=alt.Color("measure:N", title="Measure"),
    tooltip=["year", "measure", "value"],
).properties(
    width=520,
    height=260,
    description=(
        f"Two lines from {first['year']} to {last['year']}: homes rose from "
        f"{int(first['providers']):,} to {int(last['providers']):,} and places from "
        f"{int(first['places']):,} to {int(last['places']):,}."
    ),
)

# %%
homes = load("childrens_homes")
regions = load("authorities").set_index("ons_code")["region"]
listed = homes[(homes["list"] == "provider-level") & (homes["provision_type"] == "children's home")]
listed = listed.assign(region=listed["ons_code"].map(regions).fillna("area not matched"))
years = sorted(listed["as_at"].unique())
latest_at = years[-1]
at = pd.Timestamp(latest_at).strftime("%d %B %Y")
now = listed[listed["as_at"] == latest_at]
by_region = now.pivot_table(index="region", columns="sector", values="urn", aggfunc="count")
by_region = by_region.fillna(0).astype("int64")
by_region["all"] = by_region.sum(axis=1)
by_region["private share"] = (by_region.get("private", 0) / by_region["all"]).round(3)
if len(years) > 1:
    before = listed[listed["as_at"] == years[0]].groupby("region")["urn"].count()
    by_region[f"change since {pd.Timestamp(years[0]).year}"] = (by_region["all"] - before).astype(
        "Int64"
    )
by_region = by_region.reset_index().rename(columns={"region": "Region"})
by_region.attrs["units"] = {"private share": "share of homes"}
private_share = float((now["sector"] == "private").mean())
publish(
    "market_context.official_private_share_homes",
    round(private_share, 3),
    unit="share of homes",
    description=f"share of mainstream children's homes run privately, Ofsted list at {at}",
)
show(
    f"On Ofsted's provider-level list at {at}, private providers ran "
    f"{private_share:.0%} of mainstream children's homes; the table gives each region "
    f"{cited(listed)}."
)
show(
    by_region,
    caption=f"Mainstream children's homes by region and sector, Ofsted provider-level list at {at}",
)
