# %% [markdown]
# # How long should a block contract run?
#
# The 2014 briefing recommended seven years, arguing that a longer term lets a provider spread
# its capital costs and so offer a lower rate, while a one-year no-fault termination clause lets
# either side leave [@nottscc2014membersbriefing]. This page makes that argument a model: the
# provider's weekly rate is its running cost plus the charge that recovers the up-front cost of a
# bed (building or buying and fitting out a home, and opening it) over the contract, allowing for
# the chance that the contract ends early. The running cost is the national average cost of a
# place [@nao2025pressrelease], which already carries providers' margins, so the level of the
# rate is high and the savings below are cautious; the page is about how the rate changes with
# the term. All parameters are in the
# [model parameters](data.md#table-assumptions) table.

# %%
import altair as alt
import pandas as pd
from evidence import load, publish, show
from evidence.models import WEEKS_PER_YEAR, flattening_term, provider_weekly_rate

assumptions = load("assumptions").set_index("name")
p = assumptions["value"]
lo, hi = assumptions["low"], assumptions["high"]
terms = range(1, 11)


def upfront(capital=None, mobilisation=None):
    """Up-front cost per bed: the bed's capital plus its share of opening the home."""
    capital = p["capital_cost_per_bed"] if capital is None else capital
    mobilisation = p["mobilisation_cost_per_home"] if mobilisation is None else mobilisation
    return capital + mobilisation / p["beds_per_home"]


# Running cost per bed-week: the NAO's average cost to councils of a children's home place. It
# already includes providers' margins and some capital costs, so the modelled rate is on the high
# side; the shape of the curve over the term, not its level, is what this page tests.
running = p["cost_per_place_year"] / WEEKS_PER_YEAR


def rates(rate=None, termination=None, capital=None, mobilisation=None):
    return {
        t: provider_weekly_rate(
            running,
            upfront(capital, mobilisation),
            t,
            p["cost_of_capital"] if rate is None else rate,
            p["termination_probability"] if termination is None else termination,
            p["notice_years"],
        )
        for t in terms
    }


# %% [markdown]
# ## The weekly rate by term
#
# Short contracts must recover the whole up-front cost in a few years, so their rate is high; the
# rate falls as the term lengthens, fast at first and then slowly. The council's saving compares
# a block of {{ result("contract_length.block_beds") }} at the central occupancy with buying the
# filled places spot.

# %%
central = rates()
beds, occupancy, spot = p["block_beds"], p["occupancy"], p["spot_weekly_price"]
by_term = pd.DataFrame(
    {
        "Term": list(terms),
        "Weekly rate": [central[t] for t in terms],
        "Yearly saving": [WEEKS_PER_YEAR * beds * (occupancy * spot - central[t]) for t in terms],
    }
)
by_term.attrs["units"] = {
    "Term": "years",
    "Weekly rate": "GBP per bed per week",
    "Yearly saving": "GBP per year",
}
show(by_term, caption="Provider's weekly rate and council's yearly saving by contract term")
seven = int(p["recommended_term"])
publish("contract_length.block_beds", beds, unit="beds", description="beds in the modelled block")
publish(
    "contract_length.rate_at_recommended_term",
    round(central[seven]),
    unit="GBP per bed per week",
    description="provider's weekly rate at the recommended seven-year term",
)
publish(
    "contract_length.saving_at_recommended_term",
    round(by_term.set_index("Term").loc[seven, "Yearly saving"]),
    unit="GBP per year",
    description="council's yearly saving against spot purchase at the seven-year term",
)
publish(
    "contract_length.saving_gain_1_to_7_years",
    round(by_term.set_index("Term").loc[seven, "Yearly saving"] - by_term.loc[0, "Yearly saving"]),
    unit="GBP per year",
    description="how much more a seven-year term saves each year than a one-year term",
)
for t in terms:
    publish(
        f"contract_length.saving_term_{t}",
        round(by_term.set_index("Term").loc[t, "Yearly saving"]),
        unit="GBP per year",
        description=f"council's yearly saving against spot purchase with a {t}-year term",
    )

# %%
alt.Chart(by_term, title="Weekly rate per bed by contract term").mark_line(point=True).encode(
    x=alt.X("Term:Q", title="Contract term (years)"),
    y=alt.Y("Weekly rate:Q", title="£ per bed per week", scale=alt.Scale(zero=False)),
    tooltip=["Term", alt.Tooltip("Weekly rate:Q", format=",.0f")],
).properties(
    width=520,
    height=280,
    description=(
        f"Line chart: the provider's weekly rate falls from £{central[1]:,.0f} for a one-year term "
        f"to £{central[seven]:,.0f} at seven years and £{central[10]:,.0f} at ten."
    ),
)

# %% [markdown]
# ## What the one-year no-fault exit is worth
#
# The exit lets the council leave a failing contract, and the provider leave an unviable one;
# but a provider that may be given notice prices that risk into its rate. The table shows the
# rate at seven years without the risk and with it. The difference is what the clause costs the
# council each year; it is worth having if the expected cost it avoids (a year of a poor or
# unneeded contract) is larger.

# %%
no_risk = rates(termination=0.0)
premium = central[seven] - no_risk[seven]
publish(
    "contract_length.exit_clause_premium",
    round(premium, 2),
    unit="GBP per bed per week",
    description="rise in the seven-year weekly rate that prices the no-fault exit risk",
)
publish(
    "contract_length.exit_clause_cost_per_year",
    round(premium * beds * WEEKS_PER_YEAR),
    unit="GBP per year",
    description="yearly cost to the council of the exit-risk premium on the whole block",
)

# %% [markdown]
# ## Is seven years where the curve flattens?
#
# Call the curve flat once one more year lowers the rate by less than
# {{ result("contract_length.flattening_threshold") }} of it. Under the central parameters that
# happens after {{ result("contract_length.flattening_term") }}. The table repeats the test across
# the low and high ends of the uncertain parameters: where most answers lie near seven, the
# briefing's choice holds up; where they spread widely, the conclusion is fragile.

# %%
threshold = p["flattening_threshold"]
flat = flattening_term(central, threshold)
publish(
    "contract_length.flattening_threshold",
    threshold,
    unit="share of weekly rate",
    description="a further year must lower the rate by at least this share to be worth it",
)
publish(
    "contract_length.flattening_term",
    flat,
    unit="years",
    description="term after which one more year lowers the weekly rate by less than the threshold",
)
cases = []
for label, kwargs in {
    "central": {},
    "cheaper capital": {"rate": lo["cost_of_capital"]},
    "dearer capital": {"rate": hi["cost_of_capital"]},
    "low up-front cost": {
        "capital": lo["capital_cost_per_bed"],
        "mobilisation": lo["mobilisation_cost_per_home"],
    },
    "high up-front cost": {
        "capital": hi["capital_cost_per_bed"],
        "mobilisation": hi["mobilisation_cost_per_home"],
    },
    "no early exits": {"termination": lo["termination_probability"]},
    "frequent early exits": {"termination": hi["termination_probability"]},
}.items():
    curve = rates(**kwargs)
    cases.append(
        {
            "Case": label,
            "Flat after (threshold central)": flattening_term(curve, threshold),
            "Flat after (threshold low)": flattening_term(curve, lo["flattening_threshold"]),
            "Flat after (threshold high)": flattening_term(curve, hi["flattening_threshold"]),
            "Rate at seven years": curve[seven],
        }
    )
sensitivity = pd.DataFrame(cases)
sensitivity.attrs["units"] = {"Rate at seven years": "GBP per bed per week"}
show(sensitivity, caption="Term after which the rate curve is flat, across the parameter ranges")
spread = sensitivity.iloc[:, 1:4].stack()
publish(
    "contract_length.flattening_term_min",
    int(spread.min()),
    unit="years",
    description="shortest flattening term across the sensitivity cases",
)
publish(
    "contract_length.flattening_term_max",
    int(spread.max()),
    unit="years",
    description="longest flattening term across the sensitivity cases (10 means not within 10)",
)

# %% [markdown]
# ## What if? Change the term and the up-front cost
#
# The sliders span the cited and assumed ranges. The chart recomputes the rate curve in your
# browser using the same formula as above (running cost plus the up-front cost recovered over
# the term at the cost of capital, with the chance of an early exit).

# %%
rate_slider = alt.param(
    name="r",
    value=p["cost_of_capital"],
    bind=alt.binding_range(
        min=lo["cost_of_capital"], max=hi["cost_of_capital"], step=0.005, name="Cost of capital "
    ),
)
up_slider = alt.param(
    name="upfront",
    value=upfront(),
    bind=alt.binding_range(
        min=upfront(lo["capital_cost_per_bed"], lo["mobilisation_cost_per_home"]),
        max=upfront(hi["capital_cost_per_bed"], hi["mobilisation_cost_per_home"]),
        step=5000,
        name="Up-front cost per bed, £ ",
    ),
)
exit_slider = alt.param(
    name="q",
    value=p["termination_probability"],
    bind=alt.binding_range(
        min=lo["termination_probability"],
        max=hi["termination_probability"],
        step=0.01,
        name="Chance of early exit a year ",
    ),
)
# The payment factor as a closed sum over at most ten years, written out for Vega's expressions.
factor = " + ".join(
    f"(datum.Term >= {y} ? pow(1 - q, max(0, {y} - 1 - {p['notice_years']})) / pow(1 + r, {y}) : 0)"
    for y in terms
)
alt.Chart(pd.DataFrame({"Term": list(terms)})).add_params(
    rate_slider, up_slider, exit_slider
).transform_calculate(rate=f"{running} + upfront / ({factor}) / {WEEKS_PER_YEAR}").mark_line(
    point=True
).encode(
    x=alt.X("Term:Q", title="Contract term (years)"),
    y=alt.Y("rate:Q", title="£ per bed per week", scale=alt.Scale(zero=False)),
).properties(
    width=520,
    height=280,
    title="Weekly rate by term (interactive)",
    description="Interactive line chart of the provider's weekly rate by contract term; sliders "
    "change the cost of capital, the up-front cost per bed and the yearly chance of early exit.",
)
