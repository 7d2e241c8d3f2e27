# %% [markdown]
# # The national market for children's home places
#
# Councils buy most children's home places from private providers. The Competition and Markets
# Authority's market study found high prices and high profits among the largest providers
# [@communitycare2021cmainterim; @communitycare2022cmafinal], and the National Audit Office found
# the cost of a place had risen sharply [@nao2025pressrelease]. Each figure below is taken from
# the [national market figures](data.md#table-market_figures) table with its source and period;
# where only a press report of a figure was found, the table's notes say so.

# %%
import altair as alt
import pandas as pd
from evidence import load, publish, show

figures = load("market_figures").set_index("name")


def figure(name: str, result: str, description: str) -> None:
    row = figures.loc[name]
    publish(f"market_context.{result}", row["value"], unit=row["unit"], description=description)


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
