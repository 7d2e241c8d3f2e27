# %% [markdown]
# # How long should a block contract run?
#
# The 2014 briefing recommended seven years, arguing that a longer term lets a provider spread
# its costs and so offer a lower rate, while a one-year no-fault termination clause lets either
# side leave [@nottscc2014membersbriefing]. This page prices a block as a provider would: the
# lowest price per contracted bed-week at which the provider's expected net present value is
# zero, for each term and each kind of exit clause. It then asks which term gives the council
# the most expected value without too great a chance of a large loss. It shares the
# [model parameters](data.md#table-assumptions) and the occupancy model of the
# [block-or-spot page](block_vs_spot.md); money is in 2023 prices (real terms).

# %%
import altair as alt
import numpy as np
import pandas as pd
from evidence import load, publish, show
from evidence import models as m

a = m.Assumptions(load("assumptions"))
correlations = load("assumption_correlations")
observed = m.observed_block_prices(load("arrangements"))["Price per bed-week"].dropna()
WEEK = "GBP per week (2023 prices)"
YEAR = "GBP per year (2023 prices)"
TOTAL = "GBP (2023 prices, present value)"

# %% [markdown]
# ## What a bed costs a provider
#
# A provider's weekly cost per bed (staff, the running and financing of the property,
# overheads) is taken from the market itself: the spot price less the largest providers'
# operating margin found by the CMA [@communitycare2022cmafinal], spread over the beds at the
# sector's occupancy [@dialogue2021icha]. The NCERCC study's cost of a full home, about a fifth
# below the average price, points the same way [@cypnow2020nercccosts]. The stored copies of the
# PSSRU unit costs and the 2015 Oxford Brookes study for DfE give no per-bed figure to check it
# against. The property inside that cost is recovered over the home's life, not the contract's:
# the provider keeps the home afterwards.

# %%
spot = a.get("spot_weekly_price", "GBP per child-week")
market = a.get("market_occupancy", "share of beds")
margin = a.get("spot_margin", "share of price")
markup = a.get("block_markup", "share of cost")
capital = a.value("capital_cost_per_bed", "GBP per bed")
life = a.get("asset_years", "years")
rate = a.get("cost_of_capital", "share per year (real)")
home_beds = a.value("home_beds", "beds per home")
upfront = a.value("mobilisation_cost_per_home", "GBP per home") / home_beds
end_void = a.get("end_void_weeks", "weeks")
term7 = int(a.value("recommended_term", "years"))
cost = m.provider_cost_bed_week(spot.value, market.value, margin.value)
buildup = pd.DataFrame(
    [
        {"Item": "Spot price per occupied child-week", "Value": spot.value},
        {"Item": "less the operating margin (CMA)", "Value": -spot.value * margin.value},
        {"Item": "Cost per occupied child-week", "Value": spot.value * (1 - margin.value)},
        {"Item": "Cost per bed-week at market occupancy", "Value": cost},
        {
            "Item": "of which property, recovered over the home's life",
            "Value": m.property_charge(capital, rate.value, life.value, life.value),
        },
        {
            "Item": f"property if written off over {term7} years instead",
            "Value": m.property_charge(capital, rate.value, term7, term7),
        },
    ]
)
buildup.attrs["units"] = {"Value": WEEK}
show(buildup, caption="A provider's weekly cost per bed, built up (central values)")
zero = m.zero_commitment_price(cost, margin.value, market.value, 0.0, life.value, rate.value)
publish(
    "contract_length.provider_cost_per_bed_week",
    float(cost),
    unit=WEEK,
    description="provider's weekly cost per bed, filled or not (central)",
)
publish(
    "contract_length.zero_commitment_price",
    float(zero),
    unit=WEEK,
    description="price per occupied child-week with no commitment, from the provider's costs",
)

# %% [markdown]
# ## The provider's lowest price by term
#
# Under a block the council pays for empty beds, so the provider needs a smaller margin
# ({{ result("contract_length.block_markup") }} of cost rather than the spot margin). Costs that
# exist only because of this contract are spread over its term: opening a new home (staff
# before opening, registration) and the empty weeks after it ends. The provider also prices the
# chance that the council leaves early, which depends on the exit clause: none, a no-fault exit
# on one year's notice in any year (the 2014 proposal), or break clauses at years five and seven
# (Nottinghamshire's 2025 successor [@nottscc2025ebdphase1fts]).

# %%
hazard = a.get("council_exit_hazard", "share per year")
notice = int(a.value("notice_years", "years"))
breaks = (
    int(a.value("break_year_first", "years")),
    int(a.value("break_year_second", "years")),
)
clauses = {"none": "No exit clause", "no-fault": "No-fault exit", "breaks": "Breaks at 5 and 7"}
terms = range(1, 11)


def price(term, clause, c=cost, h=hazard.value, r=rate.value, up=upfront, mk=markup.value):
    alive = m.survival(term, h, m.exit_years(clause, term, notice, breaks))
    return m.provider_price(term, c, mk, up, end_void.value, r, alive)


table = pd.DataFrame(
    [{"Term": t} | {label: float(price(t, c)) for c, label in clauses.items()} for t in terms]
)
table.attrs["units"] = {"Term": "years"} | {label: WEEK for label in clauses.values()}
show(table, caption="Provider's lowest price per contracted bed-week, by term and exit clause")
publish(
    "contract_length.block_markup",
    markup.value,
    unit="share of cost",
    description="margin over cost a provider needs under a block (central)",
)
publish(
    "contract_length.price_at_recommended_term",
    float(price(term7, "no-fault")),
    unit=WEEK,
    description="provider's lowest price at seven years with a no-fault exit (central)",
)
publish(
    "contract_length.price_one_year",
    float(price(1, "none")),
    unit=WEEK,
    description="provider's lowest price for a one-year block (central)",
)
publish(
    "contract_length.price_ten_years",
    float(price(10, "none")),
    unit=WEEK,
    description="provider's lowest price for ten years without an exit clause (central)",
)
publish(
    "contract_length.observed_block_price_range",
    f"£{m.round_money(observed.min(), WEEK):,.0f} to £{m.round_money(observed.max(), WEEK):,.0f}",
    unit="GBP per week (cash)",
    description="range of the observed block prices per bed-week (mostly maxima)",
)
premium = price(term7, "no-fault") - price(term7, "none")
beds = a.get("block_beds", "beds")
publish(
    "contract_length.block_beds", beds.value, unit="beds", description="beds in the modelled block"
)
publish(
    "contract_length.exit_clause_premium",
    float(premium),
    unit=WEEK,
    description="rise in the seven-year price that prices the council's no-fault exit",
)
publish(
    "contract_length.exit_clause_cost_per_year",
    float(premium * beds.value * m.WEEKS_PER_YEAR),
    unit=YEAR,
    description="yearly cost to the council of that premium on the whole block",
)

# %% [markdown]
# ## The council's value by term, with exits on both sides
#
# The model is run {{ result("contract_length.draws") }}, each time drawing every uncertain
# parameter (PERT over its range, correlations as stated). In a draw, the council's need for the
# block may fall in any year; it then leaves at the next exit the clause allows, paying for a
# part-empty block until then. The provider leaves at an exit once spot prices have risen so
# far above the block price that the block no longer covers its marked-up cost at market
# prices. After either exit the children are placed spot (no saving, no loss). Present values
# use the Green Book's 3.5 % real rate [@hmt2025greenbookdiscounting].
#
# The recommended term is the one with the highest expected value among terms whose P10 is no
# worse than a loss of {{ result("contract_length.loss_tolerance") }}:
# {{ result("contract_length.recommended_term") }}. Ignoring that tolerance, the highest
# expected value comes from {{ result("contract_length.best_expected_term") }}: expected present
# value {{ result("contract_length.best_expected_pv") }}, but P10
# {{ result("contract_length.best_pv_p10") }} against P90
# {{ result("contract_length.best_pv_p90") }}, and a chance of
# {{ result("contract_length.best_p_saving") }} that it saves money at all. A long term helps
# only by holding a fixed real price while spot prices rise; an exit clause cuts the worst
# losses but lets the provider leave as soon as spot prices pull ahead.
#
# **How this page and the block-or-spot page fit together.** Both read the same assumptions
# and the same arrangement rows, but they price the block differently. The
# [block-or-spot page](block_vs_spot.md) uses what councils have agreed to pay: the median of
# the observed block prices, {{ result("block_vs_spot.observed_block_price_median") }} (mostly
# contract maxima), for the 2014 briefing's seven years; there a block saves money with
# probability {{ result("block_vs_spot.p_saving") }}. This page uses the lowest price a provider
# could accept for each term, built up from its costs, for example
# {{ result("contract_length.price_ten_years") }} for ten years without an exit clause, below
# most observed prices. Its more favourable chance of a saving therefore rests on the provider
# pricing at cost plus the block margin, which is this model's own assumption, not a price any
# council has been offered. Read the block-or-spot figure as the case for prices like those
# paid so far, and this page's as the case for a keenly priced tender.

# %%
names = {
    "spot_weekly_price": spot,
    "market_occupancy": market,
    "spot_margin": margin,
    "block_markup": markup,
    "cost_of_capital": rate,
    "end_void_weeks": end_void,
    "council_exit_hazard": hazard,
    "stay_weeks": a.get("stay_weeks", "weeks"),
    "empty_weeks": a.get("empty_weeks", "weeks per change of child"),
    "solo_share": a.get("solo_share", "share of children"),
    "ramp_weeks": a.get("ramp_weeks", "weeks"),
    "council_cost": a.get("council_cost", "GBP per year"),
    "spot_price_growth": a.get("spot_price_growth", "share per year (real)"),
    "block_indexation": a.get("block_indexation", "share of inflation passed on"),
    "general_inflation": a.get("general_inflation", "share per year"),
    "low_demand_occupancy": a.get("low_demand_occupancy", "share of beds"),
}
d = m.draw(names, m.correlation_pairs(correlations, set(names) | {"block_weekly_price"}))
rng = np.random.default_rng(m.SEED + 1)
need_falls = rng.geometric(np.clip(d["council_exit_hazard"], 1e-9, 1)) - 1  # year it falls
discount = a.value("discount_rate", "share per year (real)")
occ = m.occupancy(d["stay_weeks"], d["empty_weeks"], d["solo_share"], home_beds)
change = m.real_change(d["block_indexation"], d["general_inflation"])
cost_d = m.provider_cost_bed_week(d["spot_weekly_price"], d["market_occupancy"], d["spot_margin"])


def council_pv(term, clause):
    """Present value of the council's saving in each draw for one term and clause."""
    opportunities = m.exit_years(clause, term, notice, breaks)
    alive = m.survival(term, d["council_exit_hazard"], opportunities)
    p0 = m.provider_price(
        term, cost_d, d["block_markup"], upfront, d["end_void_weeks"], d["cost_of_capital"], alive
    )
    t = np.arange(term)
    spot_t = d["spot_weekly_price"][:, None] * (1 + d["spot_price_growth"][:, None]) ** t
    block_t = p0[:, None] * (1 + change[:, None]) ** t
    fallen = t[None, :] >= need_falls[:, None]
    occ_t = np.where(fallen, d["low_demand_occupancy"][:, None], occ[:, None])
    occ_t[:, 0] = m.first_year_occupancy(occ_t[:, 0], d["ramp_weeks"])
    market_cost = spot_t * (1 - d["spot_margin"][:, None]) * d["market_occupancy"][:, None]
    provider_leaves = market_cost * (1 + d["block_markup"][:, None]) > block_t
    running = np.ones((len(p0), term), dtype=bool)
    for y in opportunities:  # the contract ends before year y if either side leaves then
        leave = (need_falls < y) | provider_leaves[:, y - 1]
        running[:, y:] &= ~leave[:, None]
    saving = m.yearly_saving(beds.value, occ_t, block_t, spot_t, 1.0, d["council_cost"][:, None])
    return (saving * running) @ m.discount_factors(discount, term)


tolerance = a.value("loss_tolerance", "GBP")
rows = []
for t in terms:
    for clause, label in clauses.items():
        pv = council_pv(t, clause)
        s = m.summary(pv)
        rows.append(
            {
                "Term": t,
                "Clause": label,
                "Expected PV": float(pv.mean()),
                "P10": s["p10"],
                "P90": s["p90"],
                "P(saves)": s["p_positive"],
                "Within tolerance": bool(s["p10"] >= -tolerance),
            }
        )
value = pd.DataFrame(rows)
value.attrs["units"] = {
    "Term": "years",
    "Expected PV": TOTAL,
    "P10": TOTAL,
    "P90": TOTAL,
    "P(saves)": "share of draws",
}
show(value, caption="The council's present-value saving by term and exit clause")
publish("contract_length.draws", m.DRAWS, unit="times", description="Monte Carlo draws")
publish(
    "contract_length.loss_tolerance",
    tolerance,
    unit=TOTAL,
    description="P10 loss the council accepts (assumption)",
)
eligible = value[value["Within tolerance"]]
best_any = value.sort_values(["Expected PV", "Term"], ascending=[False, True]).iloc[0]
best = (
    eligible.sort_values(["Expected PV", "Term"], ascending=[False, True]).iloc[0]
    if len(eligible)
    else None
)
publish(
    "contract_length.recommended_term",
    f"{int(best['Term'])} years ({str(best['Clause']).lower()})"
    if best is not None
    else f"none of {min(terms)} to {max(terms)} years",
    unit="term",
    description="term with the highest expected value whose P10 stays within the loss tolerance",
)
publish(
    "contract_length.best_expected_term",
    f"{int(best_any['Term'])} years ({str(best_any['Clause']).lower()})",
    unit="term",
    description="term and clause with the highest expected value, ignoring the loss tolerance",
)
for key, column, unit in (
    ("expected_pv", "Expected PV", TOTAL),
    ("pv_p10", "P10", TOTAL),
    ("pv_p90", "P90", TOTAL),
    ("p_saving", "P(saves)", "share of draws"),
):
    publish(
        f"contract_length.best_{key}",
        round(float(best_any[column]), 3) if unit.startswith("share") else float(best_any[column]),
        unit=unit,
        description=f"{column} of the council's saving at the highest-expected-value term",
    )
# %% [markdown]
# ## What an exit clause is worth
#
# An exit clause cuts both ways: the provider charges for it up front (a higher price per
# bed-week), and either side may leave at an exit. Over a {{ result("contract_length.term7") }}
# block, against the same block with no exit clause, the table gives the provider's price, the
# council's expected present-value saving with its P10 and P90, and the change in that expected
# saving: what the clause is worth to the council once the provider's repricing is paid. A
# negative worth means the clause costs the council more than the protection it buys.

# %%
at7 = value[value["Term"] == term7].set_index("Clause")
worth = pd.DataFrame(
    [
        {
            "Exit clause": label,
            "Provider's price": float(price(term7, clause)),
            "Expected PV": float(at7.loc[label, "Expected PV"]),
            "P10": float(at7.loc[label, "P10"]),
            "P90": float(at7.loc[label, "P90"]),
            "Worth against none": float(
                at7.loc[label, "Expected PV"] - at7.loc[clauses["none"], "Expected PV"]
            ),
        }
        for clause, label in clauses.items()
    ]
)
worth.attrs["units"] = {"Provider's price": WEEK} | {
    c: TOTAL for c in ("Expected PV", "P10", "P90", "Worth against none")
}
show(worth, caption=f"What each exit clause is worth to the council over {term7} years")
publish("contract_length.term7", f"{term7}-year", unit="term", description="term the table uses")
at7 = at7["Expected PV"]
for clause in ("no-fault", "breaks"):
    publish(
        f"contract_length.option_value_{clause.replace('-', '_')}",
        float(at7[clauses[clause]] - at7[clauses["none"]]),
        unit=TOTAL,
        description=f"expected value to the council of the {clauses[clause].lower()} clause "
        f"over a {term7}-year block, against none (provider's repricing included)",
    )

# %%
alt.Chart(value, title="The council's expected present-value saving by term").mark_line(
    point=True
).encode(
    x=alt.X("Term:O", title="Contract term (years)"),
    y=alt.Y("Expected PV:Q", title="Expected present value, £ (2023 prices)"),
    color=alt.Color("Clause:N", title="Exit clause"),
    tooltip=["Term", "Clause", alt.Tooltip("Expected PV:Q", format=",.0f")],
).properties(
    width=520,
    height=280,
    description=(
        "Line chart: the council's expected present-value saving by contract term for three "
        "exit clauses (none, no-fault exit, breaks at years five and seven). The table beside "
        "it gives P10, P90 and the chance of a saving for each."
    ),
)
