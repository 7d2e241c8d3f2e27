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
