# %% [markdown]
# # Block or spot: when does a block contract cost less?
#
# A council that buys a block pays for every bed each week, filled or not; a spot placement is
# paid for only while a child lives there. The 2014 briefing argued that a fixed-price block with
# fewer providers lowers cost [@nottscc2014membersbriefing]. Whether it does depends on how full
# the block is kept. Every number below comes from the [model parameters](data.md#table-assumptions)
# table, each cited or labelled an assumption.

# %%
import altair as alt
import pandas as pd
from evidence import load, publish, show
from evidence.models import (
    WEEKS_PER_YEAR,
    block_cost_per_occupied_bed_week,
    block_saving,
    breakeven_occupancy,
    saving_over_term,
)

assumptions = load("assumptions").set_index("name")
p = assumptions["value"]
block_price, spot_price = p["block_weekly_price"], p["spot_weekly_price"]
beds, occupancy = p["block_beds"], p["occupancy"]

# %% [markdown]
# ## Break-even occupancy
#
# A filled block bed-week costs the block price divided by occupancy, so the block is cheaper per
# placement only when occupancy exceeds block price ÷ spot price. With Herefordshire's derived
# block price and its own average external cost, the break-even is
# {{ result("block_vs_spot.breakeven_occupancy") }}; the council itself said its block homes had
# to be at least {{ result("block_vs_spot.stated_breakeven_occupancy") }} full
# [@rossgazette2023hereford], so the model reproduces the council's own reasoning.

# %%
breakeven = breakeven_occupancy(block_price, spot_price)
publish(
    "block_vs_spot.breakeven_occupancy",
    round(breakeven, 4),
    unit="share of beds",
    description="occupancy above which a block bed costs less per filled week than a spot place",
)
publish(
    "block_vs_spot.stated_breakeven_occupancy",
    p["stated_breakeven_occupancy"],
    unit="share of beds",
    description="the break-even occupancy Herefordshire stated for its own block homes (2023)",
)
grid = pd.DataFrame({"occupancy": [x / 100 for x in range(40, 101, 5)]})
grid["block"] = [block_cost_per_occupied_bed_week(block_price, o) for o in grid["occupancy"]]
grid["spot"] = spot_price
grid.attrs["units"] = {
    "occupancy": "share of beds",
    "block": "GBP per week",
    "spot": "GBP per week",
}
show(
    grid.rename(columns={"block": "Block, per filled bed-week", "spot": "Spot, per week"}),
    caption="Cost per filled bed-week by occupancy (central parameters)",
)

# %% [markdown]
# ## A year's cost under three demand scenarios
#
# The block has {{ result("block_vs_spot.block_beds") }}. Demand is the number of beds needed on
# average: the low and high scenarios fill the block to the low and high ends of the occupancy
# range; the central one to the central occupancy. Demand above the block is bought spot.

# %%
publish("block_vs_spot.block_beds", beds, unit="beds", description="beds in the modelled block")
scenarios = {
    "low": assumptions.loc["occupancy", "low"],
    "central": occupancy,
    "high": assumptions.loc["occupancy", "high"],
}
rows = []
for scenario, filled in scenarios.items():
    demand = beds * filled
    saving = block_saving(beds, block_price, demand, spot_price)
    publish(
        f"block_vs_spot.saving_{scenario}_demand",
        round(saving),
        unit="GBP per year",
        description=f"yearly saving of the block against spot purchase, {scenario} demand",
    )
    rows.append(
        {
            "Scenario": scenario,
            "Beds needed": demand,
            "Block cost": WEEKS_PER_YEAR * beds * block_price,
            "Spot cost": WEEKS_PER_YEAR * demand * spot_price,
            "Saving": saving,
        }
    )
scenario_table = pd.DataFrame(rows)
scenario_table.attrs["units"] = {
    "Block cost": "GBP per year",
    "Spot cost": "GBP per year",
    "Saving": "GBP per year",
}
show(scenario_table, caption="Yearly cost of the block and of spot purchase, by demand scenario")

# %% [markdown]
# ## Scaling the block up or down
#
# The briefing expected to scale the block with need. If demand settles at the high scenario,
# resizing the block to match it (where the contract allows) is compared with keeping the
# original size and buying the overflow spot: resizing saves a further
# {{ result("block_vs_spot.scaling_gain") }}.

# %%
high_demand = beds * scenarios["high"]
resized = block_saving(high_demand, block_price, high_demand, spot_price)
fixed = block_saving(beds, block_price, high_demand, spot_price)
publish(
    "block_vs_spot.scaling_gain",
    round(resized - fixed),
    unit="GBP per year",
    description="extra yearly saving from resizing the block to high demand instead of buying spot",
)

# %% [markdown]
# ## If spot prices keep rising
#
# A fixed-price block does not rise with the market. The CMA found the largest providers' prices
# grew in real terms year on year [@communitycare2022cmafinal]. Over the seven years the briefing
# recommended, the central-demand saving grows with spot-price inflation as below.

# %%
growth = assumptions.loc["spot_price_growth"]
term = int(p["recommended_term"])
inflation = pd.DataFrame(
    {
        "Spot price growth": [growth["low"], growth["value"], growth["high"]],
        "Saving over the term": [
            round(saving_over_term(beds, block_price, beds * occupancy, spot_price, g, term))
            for g in (growth["low"], growth["value"], growth["high"])
        ],
    }
)
inflation.attrs["units"] = {"Spot price growth": "share per year", "Saving over the term": "GBP"}
show(inflation, caption=f"Saving over {term} years at central demand, by spot-price growth")
publish(
    "block_vs_spot.term_saving_central_growth",
    round(inflation.loc[1, "Saving over the term"]),
    unit="GBP",
    description="saving of the block over the recommended term at central demand and growth",
)

# %% [markdown]
# ## What if? Try your own numbers
#
# Move the sliders (each spans its parameter's cited range) to change the block price, the
# spot price and the number of beds: the lines
# show the cost per filled bed-week for the block and for spot purchase, and where they cross is
# the break-even occupancy. The chart recomputes in your browser; nothing is sent anywhere.

# %%
# the sliders span each parameter's cited low-high range
lo, hi = assumptions["low"], assumptions["high"]
block_slider = alt.param(
    name="block_price",
    value=float(block_price),
    bind=alt.binding_range(
        min=lo["block_weekly_price"], max=hi["block_weekly_price"], name="Block price, £/bed-week "
    ),
)
spot_slider = alt.param(
    name="spot_price",
    value=float(spot_price),
    bind=alt.binding_range(
        min=lo["spot_weekly_price"], max=hi["spot_weekly_price"], name="Spot price, £/week "
    ),
)
beds_slider = alt.param(
    name="beds",
    value=float(beds),
    bind=alt.binding_range(min=lo["block_beds"], max=hi["block_beds"], step=1, name="Beds "),
)
curve = pd.DataFrame({"occupancy": [x / 100 for x in range(30, 101, 2)]})
base = alt.Chart(curve).add_params(block_slider, spot_slider, beds_slider)
block_line = (
    base.mark_line(color="#1f4e9c")
    .encode(
        x=alt.X("occupancy:Q", title="Share of block beds filled", axis=alt.Axis(format="%")),
        y=alt.Y("block_cost:Q", title="£ per filled bed-week"),
    )
    .transform_calculate(block_cost="block_price / datum.occupancy")
)
spot_line = (
    base.mark_line(color="#b35900", strokeDash=[6, 3])
    .encode(x="occupancy:Q", y="spot_cost:Q")
    .transform_calculate(spot_cost="spot_price")
)
yearly = (
    base.mark_text(align="left", dx=4, dy=-6)
    .encode(x=alt.value(8), y=alt.value(8), text="label:N")
    .transform_filter("datum.occupancy == 1")
    .transform_calculate(
        label="'Break-even: ' + format(block_price / spot_price, '.0%') + ' full; block costs £' "
        f"+ format(beds * block_price * {WEEKS_PER_YEAR}, ',.0f') + ' a year'"
    )
)
(block_line + spot_line + yearly).properties(
    width=520,
    height=300,
    title="Block (solid) and spot (dashed) cost per filled bed-week",
    description=(
        "Interactive chart: cost per filled bed-week of a block (solid line, falling as occupancy "
        "rises) and of spot purchase (dashed, flat). With the central parameters the lines cross "
        f"at {breakeven:.0%} occupancy."
    ),
)
