# %% [markdown]
# # Block or spot: when does a block contract cost less?
#
# A council that buys a block pays for every contracted bed each week, filled or not; a spot
# placement is paid only while a child lives there. The 2014 briefing argued that a fixed-price
# block with fewer providers lowers cost [@nottscc2014membersbriefing]. Whether it does depends
# on how full the block stays, and a block bed empties every time one child leaves and the next
# has not yet arrived. This page answers with a probability and a range under the cited
# assumptions of the [model parameters](data.md#table-assumptions) table, which the
# [contract-length model](contract_length.md) shares. Money is in 2023 prices (real terms):
# contract prices of 2023 to 2026 are used as stated, without a deflator, which if anything
# overstates a block's cost.

# %%
import altair as alt
import numpy as np
import pandas as pd
from evidence import load, publish, show
from evidence import models as m
from evidence.formatting import shown_with_unit

a = m.Assumptions(load("assumptions"))
correlations = load("assumption_correlations")
arrangements = load("arrangements")
placements = load("cla_placements")
YEAR = "GBP per year (2023 prices)"
WEEK = "GBP per week (2023 prices)"
TOTAL = "GBP (2023 prices, present value)"

# %% [markdown]
# ## What blocks cost: observed prices per bed-week
#
# The price of a block is derived from every block arrangement whose row states a contract
# value, a number of beds and the period the value covers: value ÷ years ÷ beds ÷ 52. The period
# is read from the row's own words: a value "per year" covers one year; a value "including
# extensions" covers the initial term plus the extensions. Rows whose period is not stated are
# left out, and the table says why. Most values are contract maxima (what the council may spend,
# not what it paid), so these prices are upper bounds; they are marked as such.

# %%
observed = m.observed_block_prices(arrangements)
observed.attrs["units"] = {"Value": "GBP", "Price per bed-week": "GBP per bed-week (cash prices)"}
show(observed, caption="Block prices per contracted bed-week derived from the arrangements")
prices = observed["Price per bed-week"].dropna().astype(float)
block_low, block_mid, block_high = prices.min(), prices.median(), prices.max()
publish(
    "block_vs_spot.observed_block_price_count",
    len(prices),
    unit="block contracts",
    description="block arrangements that state a value, beds and the period the value covers",
)
for label, value in {"low": block_low, "median": block_mid, "high": block_high}.items():
    publish(
        f"block_vs_spot.observed_block_price_{label}",
        float(value),
        unit=WEEK,
        description=f"{label} of the observed block prices per contracted bed-week (mostly maxima)",
    )
block = m.Parameter("block_weekly_price", block_mid, block_low, block_high, WEEK)

# %% [markdown]
# ## How full a block stays
#
# A bed is full while a child stays and empty from the day one child leaves until the next moves
# in. With a stay of S weeks and E empty weeks per change of child, a bed is full S ÷ (S + E)
# of the time; a child who must live alone keeps the other beds of the home empty too, and a
# new block fills only gradually. None of these is published for blocks, so they are stated
# assumptions; the independent sector's own 80–85 % occupancy [@dialogue2021icha] is the check
# on them.

# %%
stay, empty = a.get("stay_weeks", "weeks"), a.get("empty_weeks", "weeks per change of child")
solo = a.value("solo_share", "share of children")
home = a.value("home_beds", "beds per home")
grid = pd.DataFrame(
    [
        {"Stay": s, **{f"{e:g} empty weeks": m.occupancy(s, e, solo, home) for e in (2, 8, 20)}}
        for s in (13, 26, 52, 104, 156)
    ]
)
grid.attrs["units"] = {"Stay": "weeks"} | {c: "share of beds" for c in grid.columns[1:]}
show(grid, caption="Occupancy by length of stay and empty weeks per change of child")
central_occupancy = m.occupancy(stay.value, empty.value, solo, home)
publish(
    "block_vs_spot.central_occupancy",
    round(float(central_occupancy), 3),
    unit="share of beds",
    description="steady occupancy of a block bed with the central stay, empty weeks and solo share",
)

# %% [markdown]
# ## Break-even, and the empty time a block can afford
#
# The block costs no more than spot purchase of the same children once occupancy reaches
# (block price × share paid for empty beds + the council's own cost per bed-week) ÷ (spot price −
# block price × share not paid). With the median observed block price, the central spot price
# and take-or-pay, that is {{ result("block_vs_spot.breakeven_occupancy") }}; Herefordshire said
# its own block homes had to be at least {{ result("block_vs_spot.stated_breakeven_occupancy") }}
# full [@rossgazette2023hereford]. A contract manager can watch the empty weeks between children:
# the table gives the most that each length of stay can afford.

# %%
spot = a.get("spot_weekly_price", "GBP per child-week")
beds = a.get("block_beds", "beds")
void = a.get("void_share", "share of block price")
council = a.get("council_cost", "GBP per year")
per_bed = council.value / (m.WEEKS_PER_YEAR * beds.value)
breakeven = m.breakeven_occupancy(block.value, spot.value, void.value, per_bed)
publish(
    "block_vs_spot.breakeven_occupancy",
    round(float(breakeven), 4),
    unit="share of beds",
    description="occupancy above which the block costs less than spot (central, general formula)",
)
publish(
    "block_vs_spot.stated_breakeven_occupancy",
    a.value("stated_breakeven_occupancy", "share of beds"),
    unit="share of beds",
    description="the break-even occupancy Herefordshire stated for its own block homes (2023)",
)
affordable = []
for weeks in (13, 26, 52, 104):
    low_price = m.breakeven_occupancy(block.high, spot.value, void.value, per_bed)
    high_price = m.breakeven_occupancy(block.low, spot.value, void.value, per_bed)
    row = {
        "Stay": weeks,
        "At the highest observed block price": m.affordable_empty_weeks(
            weeks, low_price, solo, home
        ),
        "At the median": m.affordable_empty_weeks(weeks, breakeven, solo, home),
        "At the lowest": m.affordable_empty_weeks(weeks, high_price, solo, home),
    }
    affordable.append(row)
    publish(
        f"block_vs_spot.affordable_empty_weeks_stay_{weeks}",
        round(float(row["At the median"]), 1),
        unit="weeks per change of child",
        description=f"empty weeks per change of child at break-even when children stay {weeks} "
        "weeks (median observed block price, central spot price)",
    )
affordable = pd.DataFrame(affordable).round(1)
affordable.attrs["units"] = {"Stay": "weeks"} | {
    c: "weeks per change of child" for c in affordable.columns[1:]
}
show(affordable, caption="Affordable empty weeks per change of child, at break-even")

# %% [markdown]
# ## The range over the uncertain parameters
#
# The model is run {{ result("block_vs_spot.draws") }}. Each parameter is drawn from a PERT
# distribution over its low–central–high range, with the
# correlations stated in the [correlations table](data.md#table-assumption_correlations). The
# block runs for the {{ result("block_vs_spot.term_years") }} the 2014 briefing recommended;
# spot prices grow in real terms, the block price moves with its indexation clause, and the
# present value uses the Green Book's 3.5 % real discount rate [@hmt2025greenbookdiscounting].
# The block saves money with probability {{ result("block_vs_spot.p_saving") }}. Its yearly
# saving in a settled year lies between {{ number("block_vs_spot.yearly_saving_p10") }} (P10, a
# loss where negative) and {{ result("block_vs_spot.yearly_saving_p90") }} (P90), median
# {{ result("block_vs_spot.yearly_saving_p50") }}; over the term, in present value, between
# {{ number("block_vs_spot.pv_saving_p10") }} and {{ result("block_vs_spot.pv_saving_p90") }}.
# These figures price the block at the prices councils have agreed; the
# [contract-length page](contract_length.md) asks what a provider's lowest price for each term
# would give, and says why its answer is more favourable.

# %%
names = {
    "spot_weekly_price": spot,
    "block_beds": beds,
    "stay_weeks": stay,
    "empty_weeks": empty,
    "solo_share": a.get("solo_share", "share of children"),
    "home_beds": a.get("home_beds", "beds per home"),
    "ramp_weeks": a.get("ramp_weeks", "weeks"),
    "void_share": void,
    "council_cost": council,
    "spot_price_growth": a.get("spot_price_growth", "share per year (real)"),
    "block_indexation": a.get("block_indexation", "share of inflation passed on"),
    "general_inflation": a.get("general_inflation", "share per year"),
    "block_weekly_price": block,
}
pairs = m.correlation_pairs(correlations, set(names))
term = int(a.value("recommended_term", "years"))
rate = a.value("discount_rate", "share per year (real)")


def run(d):
    occ = m.occupancy(d["stay_weeks"], d["empty_weeks"], d["solo_share"], d["home_beds"])
    paths = m.saving_paths(
        term,
        np.round(d["block_beds"]),
        occ,
        d["ramp_weeks"],
        d["block_weekly_price"],
        d["spot_weekly_price"],
        d["spot_price_growth"],
        m.real_change(d["block_indexation"], d["general_inflation"]),
        d["void_share"],
        d["council_cost"],
    )
    return paths[..., 1], paths @ m.discount_factors(rate, term)


draws = m.draw(names, pairs)
yearly, pv = run(draws)
publish("block_vs_spot.draws", m.DRAWS, unit="times", description="Monte Carlo draws")
publish("block_vs_spot.term_years", term, unit="years", description="term of the modelled block")
stats = m.summary(pv)
publish(
    "block_vs_spot.p_saving",
    round(stats["p_positive"], 3),
    unit="share of draws",
    description="probability that the block's present-value saving over the term is positive",
)
for p in ("p10", "p50", "p90"):
    publish(
        f"block_vs_spot.yearly_saving_{p}",
        float(np.percentile(yearly, int(p[1:]))),
        unit=YEAR,
        description=f"{p.upper()} of the block's saving in its second (settled) year",
    )
    publish(
        f"block_vs_spot.pv_saving_{p}",
        float(stats[p]),
        unit=TOTAL,
        description=f"{p.upper()} of the present value of the block's saving over the term",
    )
ranges = pd.DataFrame(
    {
        "Measure": ["Saving in a settled year", "Present value over the term"],
        "P10": [np.percentile(yearly, 10), stats["p10"]],
        "Median": [np.percentile(yearly, 50), stats["p50"]],
        "P90": [np.percentile(yearly, 90), stats["p90"]],
    }
)
ranges.attrs["units"] = {c: "GBP (2023 prices)" for c in ("P10", "Median", "P90")}
show(ranges, caption="The block's saving against spot purchase: P10, median and P90 of the draws")

# %% [markdown]
# ## What moves the answer most
#
# Each bar sets one parameter to the low and then the high end of its range, all others at their
# central values, and shows the present value of the saving over the term. The longest bars are
# the assumptions most worth checking before a decision.

# %%
central = {k: np.array([p.value]) for k, p in names.items()}
base_pv = float(run(central)[1][0])
swings = []
for key, param in names.items():
    if param.low == param.high:
        continue
    ends = [float(run(central | {key: np.array([x])})[1][0]) for x in (param.low, param.high)]
    swings.append(
        {
            "Parameter": key,
            "At low end": ends[0],
            "At high end": ends[1],
            "Swing": ends[1] - ends[0],
        }
    )
tornado = pd.DataFrame(swings).sort_values("Swing", key=abs, ascending=False, ignore_index=True)
tornado.attrs["units"] = {c: TOTAL for c in ("At low end", "At high end", "Swing")}
publish(
    "block_vs_spot.most_influential",
    tornado.loc[0, "Parameter"],
    unit="parameter",
    description="the parameter whose range moves the present-value saving most",
)
bars = tornado.melt(
    id_vars="Parameter", value_vars=["At low end", "At high end"], var_name="End", value_name="PV"
)
bars["Central"] = base_pv  # each bar runs from the all-central value to that end's value
alt.Chart(bars, title="Present value of the saving with one parameter at each end").mark_bar(
    opacity=0.85
).encode(
    y=alt.Y(
        "Parameter:N", sort=list(tornado["Parameter"]), title=None, axis=alt.Axis(labelLimit=200)
    ),
    x=alt.X("PV:Q", title="Present value over the term, £ (2023 prices)", stack=None),
    x2="Central:Q",
    color=alt.Color("End:N", title="Parameter at", legend=alt.Legend(orient="bottom")),
    tooltip=["Parameter", "End", alt.Tooltip("PV:Q", format=",.0f")],
).properties(
    width=480,
    height=22 * len(tornado),
    padding={"left": 30, "top": 5, "right": 5, "bottom": 5},
    description=(
        "Tornado chart: the present value of the block's saving when each parameter is set to "
        f"the low and the high end of its range. The largest swing comes from "
        f"{tornado.loc[0, 'Parameter']}; with every parameter central the present value is about "
        f"{shown_with_unit(base_pv, TOTAL)}."
    ),
)

# %% [markdown]
# ## How many beds? Nottinghamshire's own demand
#
# A marginal bed is worth buying while the chance that it is used is at least block price ÷ spot
# price. For Nottinghamshire (E10000024), demand is the share of its own children in children's
# homes whose needs and location fit one block. The DfE category "secure homes and children's
# homes" includes secure homes, so the count overstates the children a block could serve
# [@dfe2025cla]. At {{ result("block_vs_spot.notts_children_in_homes") }} in
# {{ result("block_vs_spot.notts_year") }}, the model recommends
# {{ result("block_vs_spot.recommended_beds") }} at the median observed block price and
# {{ result("block_vs_spot.recommended_beds_at_lowest_price") }} at the lowest: even a bed that is
# always wanted is empty between children, so it must be cheap enough to carry that empty time.

# %%
notts = placements[
    (placements["area_code"] == "E10000024")
    & (placements["category"] == "secure homes and children's homes")
].dropna(subset=["children"])
latest = notts.sort_values("year").iloc[-1]
match = a.get("match_share", "share of children")
shares = m.draw({"match_share": match, "stay_weeks": stay, "empty_weeks": empty}, pairs)
turnover = m.occupancy(shares["stay_weeks"], shares["empty_weeks"], solo, home)
k = np.arange(1, 41)
used = (m.poisson_at_least(k, shares["match_share"] * latest["children"]) * turnover[:, None]).mean(
    axis=0
)
ratio = block.value / spot.value
size = m.recommended_beds(used, ratio)
publish(
    "block_vs_spot.notts_children_in_homes",
    int(latest["children"]),
    unit="children",
    description="Nottinghamshire's children in secure homes and children's homes at 31 March",
)
publish("block_vs_spot.notts_year", int(latest["year"]), unit="year", description="year of count")
publish(
    "block_vs_spot.recommended_beds",
    size,
    unit="beds",
    description="beds worth buying for Nottinghamshire: P(bed used) >= block price ÷ spot price",
)
size_low = m.recommended_beds(used, block.low / spot.value)
publish(
    "block_vs_spot.recommended_beds_at_lowest_price",
    size_low,
    unit="beds",
    description="beds worth buying for Nottinghamshire at the lowest observed block price",
)
sizing = pd.DataFrame({"Bed": k[:20], "P(used)": used[:20]})
sizing["Worth buying"] = np.where(sizing["P(used)"] >= ratio, "yes", "no")
sizing.attrs["units"] = {"P(used)": "share of weeks"}
show(sizing, caption=f"Chance each extra bed is used (buy while at least {ratio:.0%})")

# %% [markdown]
# ## What if? Try your own prices
#
# Move the sliders to change the block price, the spot price and the share paid for empty beds:
# the line shows the empty weeks per change of child the block can afford at break-even for each
# length of stay. It uses the same formula as above; the chart recomputes in your browser.

# %%
factor = float(m.solo_factor(solo, home))
sliders = {
    "block_price": alt.param(
        name="block_price",
        value=float(round(block.value, -1)),
        bind=alt.binding_range(
            min=float(round(block.low, -1)),
            max=float(round(block.high, -1)),
            step=10,
            name="Block price, £ per bed-week ",
        ),
    ),
    "spot_price": alt.param(
        name="spot_price",
        value=spot.value,
        bind=alt.binding_range(
            min=spot.low, max=spot.high, step=10, name="Spot price, £ per child-week "
        ),
    ),
    "void_share": alt.param(
        name="void_share",
        value=void.value,
        bind=alt.binding_range(
            min=void.low, max=void.high, step=0.05, name="Share paid for empty beds "
        ),
    ),
}
breakeven_expr = (
    f"(block_price * void_share + {per_bed}) / (spot_price - block_price * (1 - void_share))"
)
alt.Chart(pd.DataFrame({"stay": list(range(4, 157, 4))})).add_params(
    *sliders.values()
).transform_calculate(
    breakeven=breakeven_expr,
    affordable=f"max(0, datum.stay * ({factor} / datum.breakeven - 1))",
).mark_line().encode(
    x=alt.X("stay:Q", title="Length of stay (weeks)"),
    y=alt.Y("affordable:Q", title="Affordable empty weeks per change of child"),
    tooltip=[alt.Tooltip("stay:Q"), alt.Tooltip("affordable:Q", format=".1f")],
).properties(
    width=520,
    height=280,
    title="Empty weeks per change of child the block can afford (interactive)",
    description=(
        "Interactive line chart: affordable empty weeks per change of child at break-even, "
        "rising with the length of stay; sliders change the block price, the spot price and "
        "the share paid for empty beds. At the central values a one-year stay affords about "
        f"{float(affordable.loc[2, 'At the median']):.0f} empty weeks."
    ),
)
