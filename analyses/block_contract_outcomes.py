# %% [markdown]
# # What did block contracts do? An outcomes study across every authority
#
# The 2014 briefing told members that block purchase "has been proven" to improve outcomes and
# reduce cost, but showed no figures [@nottscc2014membersbriefing]. This page tests the claim
# with published statistics for all 153 authorities: did the authorities that let a block
# contract change, afterwards, more than comparable authorities that did not? It asks three
# questions, one per outcome, each answered as an estimate with an interval and a
# permutation p-value, and says how large an effect the data could have detected at all.
#
# **Treatment is defined by a rule fixed before any result was read**, and the list of treated
# authorities follows from it and from the [arrangements table](comparison.md) (never by hand):
# an arrangement counts if (1) it is a block contract, (2) its evidence grade is *primary*
# (a council decision, tender or award notice), (3) it names a lead authority among the 153,
# (4) it gives a start year, and (5) it covers at least
# {{ result("block_contract_outcomes.rule_min_beds") }}. An authority with several such
# contracts is treated from the earliest. Authorities
# with any other block contract or joint venture that the rule does not select (start unknown,
# too small, or secondary evidence) are left out of the comparison altogether unless that
# contract starts after the data end, so that no control was possibly treated.
#
# **Outcomes** (one definition each, at 31 March):
#
# 1. *placed outside*: the percentage of the authority's children in children's homes who were
#    placed outside its boundary, 2014 to 2024 [@dfefoi20240040813];
# 2. *in children's homes*: children in children's homes as a percentage of all children
#    looked after. Children in homes are derived from the same release (the number placed
#    outside divided by its percentage; DfE rounds the percentage to a whole number, so the
#    count is off by up to half a point in that percentage, most where it is small, and an
#    authority with none placed outside has no count); children looked after are from DfE's
#    statistics [@dfesfrcla2011to2017; @dfe2023cla; @dfe2025cla]. DfE's release for 31 March
#    2018 is not held, so 2018 is missing for every authority;
# 3. *spending per child in homes*: gross spending on residential care for children looked
#    after in the financial year ending that 31 March, divided by the children in homes, as a
#    logarithm (so the estimate is a percentage change). Section 251 outturn gives 2009-10 to
#    2013-14 [@dfes251outturn200910; @dfes251outturn201011; @dfes251outturn201112;
#    @dfes251outturn201213; @dfes251outturn201314] and RO3 2022-23 onwards [@ro3outturn202223;
#    @ro3outturn202324; @ro3outturn202425]. **No file for 2014-15 to 2021-22 is held** (DfE
#    published Section 251 outturn for those years too, e.g. [@dfes251outturn201415]), and
#    2008-09 is not imported because two of its counties have no ONS code. Since children in
#    homes are counted only from 2014, the years usable here are 2013-14, 2022-23 and 2023-24.
#    Amounts are in cash: we did not find HM Treasury's GDP deflator series in a source we
#    could cite, so no real-terms figure is shown. The estimate does not depend on it: a price
#    index common to all authorities shifts every authority's logarithm by the same amount in
#    a year, and the year effects remove it. The two returns differ, and the year effects
#    remove that common break too.
#
# **Method.** A stacked difference-in-differences: for each treated authority, its average in
# the years after the start minus its average in the years up to the start (the start year's
# 31 March is before a contract that begins in the spring), less the same change averaged over
# its clean controls: authorities never treated, or not yet treated by the end of the window,
# with figures in every year compared. Outcomes 1 and 2 compare the three 31 Marches up to the
# start with the three after it; outcome 3 compares every year available before with every
# year after. The estimate is the mean over treated authorities. In a balanced stack this is
# exactly the two-way fixed-effects regression (authority and year effects), which the page
# fits with statsmodels as a check. **Inference is by permutation**: the same start years are
# given to authorities drawn at random from the comparison pool
# {{ result("block_contract_outcomes.placebo_draws") }} times, and the p-value is the share of
# placebo estimates at least as large as the real one. With so few treated authorities the
# usual standard errors are unreliable; the interval shown is Conley and Taber's, built from
# the placebo estimates, which assumes the effect is the same for every treated authority
# [@conleytaber2005].
#
# **Which library.** Any of pyfixest, linearmodels, differences, csdid or statsmodels can fit
# the two-way fixed-effects check; the placebo loop is array arithmetic in every case, since a
# model fit per draw would cost minutes. What each adds to the project, counted as the packages
# pip installs into an empty environment: statsmodels 13 (with scipy, patsy, formulaic and
# pandas); linearmodels 16 (statsmodels plus pyhdfe and two small ones); differences 19 (adds
# polars, joblib and tqdm); csdid 56 and pyfixest 57 (plotting, notebook and publishing
# packages among them). statsmodels is the smallest, long maintained, and fits ordinary least
# squares with errors clustered by authority, which is all the check needs.

# %%
import altair as alt
import numpy as np
import pandas as pd
from evidence import did, load, models, publish, show

MIN_BEDS = 5  # fixed before results were read: a smaller block is a home or two at most
PLACEBO_DRAWS = 5000
SEED = 20261202
ALPHA, POWER = 0.05, 0.8
EVENTS = np.arange(-5, 4)
PRE_TREND_QUANTILE = 0.90

authorities = load("authorities").set_index("ons_code")
codes = list(authorities.index)
row_of = {c: i for i, c in enumerate(codes)}
arrangements = load("arrangements")
publish(
    "block_contract_outcomes.rule_min_beds",
    MIN_BEDS,
    unit="beds",
    description="fewest beds a block contract must cover to count as treatment (fixed in advance)",
)
publish(
    "block_contract_outcomes.placebo_draws",
    PLACEBO_DRAWS,
    unit="draws",
    description="placebo assignments of the treated start years to random authorities",
)

# %% [markdown]
# ## Who is treated, by the rule

# %%
TREATMENT_MODELS = {"block", "joint-venture"}


def reason_excluded(row) -> str:
    """The first part of the rule an arrangement fails, or '' if it is treatment."""
    if row["model"] != "block":
        return f"not a block contract ({row['model']})"
    if row["evidence_grade"] != "primary":
        return f"evidence grade {row['evidence_grade']}, not primary"
    if pd.isna(row["lead_authority"]) or row["lead_authority"] not in row_of:
        return "no lead authority among the 153"
    if pd.isna(row["start_year"]):
        return "no start year"
    if pd.isna(row["beds"]):
        return "beds not stated"
    if row["beds"] < MIN_BEDS:
        return f"{int(row['beds'])} beds, fewer than {MIN_BEDS}"
    return ""


arrangements["reason"] = arrangements.apply(reason_excluded, axis=1)
selected = arrangements[arrangements["reason"] == ""].sort_values(["start_year", "id"])
first = selected.drop_duplicates("lead_authority", keep="first")
treated = {r["lead_authority"]: int(r["start_year"]) for _, r in first.iterrows()}
later = selected[~selected["id"].isin(first["id"])]
arrangements.loc[arrangements["id"].isin(later["id"]), "reason"] = (
    "the authority is already treated from an earlier contract"
)

# %%
outside = load("childrens_homes_outside")
outside = outside[outside["area_code"].isin(row_of)]
years = np.arange(int(outside["year"].min()), int(outside["year"].max()) + 1)
last_year = int(years.max())
excluded_pool = set()
for _, r in arrangements.iterrows():
    if r["model"] not in TREATMENT_MODELS or r["lead_authority"] in treated:
        continue
    if pd.isna(r["lead_authority"]) or r["lead_authority"] not in row_of:
        continue
    if pd.isna(r["start_year"]) or r["start_year"] <= last_year:
        excluded_pool.add(r["lead_authority"])
pool = np.array([c not in excluded_pool for c in codes])

rule_table = pd.DataFrame(
    {
        "Arrangement": arrangements["name"],
        "Authority": [
            authorities["name"].get(c, "") if isinstance(c, str) else ""
            for c in arrangements["lead_authority"]
        ],
        "Model": arrangements["model"],
        "Evidence": arrangements["evidence_grade"],
        "Start": arrangements["start_year"].map(lambda v: "" if pd.isna(v) else str(int(v))),
        "Beds": arrangements["beds"],
        "Treated?": np.where(arrangements["reason"] == "", "treated", "not treated"),
        "Why not": arrangements["reason"],
    }
).sort_values(["Treated?", "Authority", "Start"], ascending=[False, True, True])
rule_table = rule_table.drop(columns=["Model", "Evidence"]).reset_index(drop=True)
show(
    rule_table,
    caption="Every arrangement in the evidence table and whether the treatment rule selects it",
)
publish(
    "block_contract_outcomes.treated_count",
    len(treated),
    unit="authorities",
    description="authorities the treatment rule selects (block, primary source, lead authority, "
    "start year, enough beds)",
)
publish(
    "block_contract_outcomes.pool_size",
    int(pool.sum()),
    unit="authorities",
    description="authorities in the comparison pool (the 153 less those with another block "
    "contract or joint venture the rule cannot date or select)",
)

# %% [markdown]
# The rule selects {{ result("block_contract_outcomes.treated_count") }}; the comparison pool
# holds {{ result("block_contract_outcomes.pool_size") }} of the 153 authorities (those left out
# have another block contract or joint venture that cannot be dated, or that the rule does not
# select).


# %%
def panel(frame, column, year_column="year"):
    wide = frame.pivot_table(index="area_code", columns=year_column, values=column, aggfunc="first")
    return wide.reindex(index=codes, columns=years).to_numpy(dtype=float)


placed_outside = panel(outside, "percent")
homes = np.where(placed_outside > 0, panel(outside, "children") * 100 / placed_outside, np.nan)

rates = load("cla_rates")
sfr = load("cla_placements")
sfr = sfr[(sfr["series"] == "2011 to 2017") & (sfr["category"] == "all")]
looked_after = pd.concat(
    [
        sfr[["area_code", "year", "children"]],
        rates[rates["level"] == "authority"][["area_code", "year", "children"]],
    ]
)
looked_after = looked_after[looked_after["area_code"].isin(row_of)]
cla = panel(looked_after, "children")
in_homes = 100 * homes / cla

spend = load("residential_spend")
spend = spend[(spend["measure"] == "total expenditure") & spend["area_code"].isin(row_of)].copy()
spend["year"] = spend["financial_year"].str[:4].astype(int) + 1  # the 31 March ending it
spend_years = sorted(spend["year"].unique())
gross = panel(spend, "gbp")
with np.errstate(divide="ignore", invalid="ignore"):
    per_child = np.where((gross > 0) & (homes > 0), gross / homes, np.nan)
log_per_child = np.log(per_child)

OUTCOMES = {
    "placed_outside": {
        "y": placed_outside,
        "label": "Placed outside the authority",
        "unit": "percentage points",
        "window": (2, 3),
    },
    "in_homes": {
        "y": in_homes,
        "label": "Children looked after in children's homes",
        "unit": "percentage points",
        "window": (2, 3),
    },
    "spend_per_child": {
        "y": log_per_child,
        "label": "Spending per child in homes",
        "unit": "log points",
        "window": (None, None),
    },
}

# %% [markdown]
# ## The panels: which years each series has
#
# Every authority and every 31 March from 2011 to 2025, and where each figure comes from. A
# year with no figures for any authority is a year with no release held here, not a zero.
# Areas since merged or split keep their figures under their former codes and are not among
# the 153 compared here, so earlier years count fewer authorities.

# %%
all_years = np.arange(2011, 2026)


def count_by_year(frame, column):
    frame = frame[frame["area_code"].isin(row_of) & frame[column].notna()]
    return frame.groupby("year")["area_code"].nunique().reindex(all_years, fill_value=0)


spend_counts = spend[spend["gbp"].notna()].groupby("year")["area_code"].nunique().reindex(all_years)
coverage_table = pd.DataFrame(
    {
        "31 March": [str(y) for y in all_years],
        "Children looked after": count_by_year(looked_after, "children").tolist(),
        "Children in homes (derived)": [
            int(np.isfinite(homes[:, years == y]).sum()) if y in years else 0 for y in all_years
        ],
        "Share placed outside": count_by_year(outside, "percent").tolist(),
        "Residential spending (year to 31 March)": spend_counts.fillna(0).astype(int).tolist(),
        "Sources": [
            "; ".join(
                part
                for part, ok in (
                    ("DfE SFR (looked after)", y <= 2017),
                    ("no DfE release held for looked after", y == 2018),
                    ("DfE 2023 edition (looked after)", y in (2019, 2020)),
                    ("DfE 2025 edition (looked after)", y >= 2021),
                    ("DfE FOI 2024-0040813 (homes, placed outside)", 2014 <= y <= 2024),
                    ("Section 251 outturn", 2010 <= y <= 2014),
                    ("no spending file held", 2015 <= y <= 2022),
                    ("RO3", y >= 2023),
                )
                if ok
            )
            for y in all_years
        ],
    }
)
show(
    coverage_table,
    caption="Authorities (of 153) with a figure in each series, by 31 March, and the release "
    "it comes from (suppressed figures count as missing)",
)

# %% [markdown]
# ## Estimates, intervals and what the design could detect

# %%
rows, events, trends = [], [], []
treated_codes = sorted(treated, key=lambda c: (treated[c], c))
for key, spec in OUTCOMES.items():
    y = spec["y"]
    have = np.isfinite(y).any(axis=0)
    starts_all = np.array([treated[c] for c in treated_codes], dtype=float)
    full = did.design(
        y, years, pool | np.isin(codes, treated_codes), starts_all, *spec["window"], have
    )
    diffs = did.long_differences(full)
    usable = [
        k
        for k, c in enumerate(treated_codes)
        if full.pre[k].sum() >= (2 if spec["window"][0] else 1)
        and full.post[k].any()
        and np.isfinite(diffs[k, row_of[c]])
    ]
    for k, c in enumerate(treated_codes):
        trends.append(
            {
                "outcome": key,
                "code": c,
                "used": k in usable,
                "why": ""
                if k in usable
                else (
                    "no year after the start in the data"
                    if not full.post[k].any()
                    else "figures missing in the years compared"
                ),
            }
        )
    if not usable:
        continue
    d = did.Design(
        full.y,
        full.years,
        full.pool,
        full.starts[usable],
        full.pre[usable],
        full.post[usable],
        full.horizon[usable],
    )
    diffs = diffs[usable]
    real_units = np.array([[row_of[treated_codes[k]] for k in usable]])
    observed = float(did.stack_estimates(d, real_units, diffs).mean())
    draws = did.draw_units(d, PLACEBO_DRAWS, SEED, diffs)
    placebo = did.stack_estimates(d, draws, diffs).mean(axis=1)
    p_two, p_fall = did.permutation_p(observed, placebo)
    low, high = did.placebo_interval(observed, placebo)
    mde = did.minimum_detectable(placebo, ALPHA, POWER)
    coefs, lib_mean, (lib_low, lib_high) = did.library_estimate(d, real_units[0], codes)
    check = float(np.max(np.abs(coefs - did.stack_estimates(d, real_units, diffs)[0])))
    if check > 1e-8:
        raise RuntimeError(f"{key}: the array estimate differs from statsmodels' by {check}")
    rows.append(
        {
            "key": key,
            "label": spec["label"],
            "unit": spec["unit"],
            "treated": len(usable),
            "estimate": observed,
            "low": low,
            "high": high,
            "p": p_two,
            "p_fall": p_fall,
            "mde": mde,
            "lib_low": lib_low,
            "lib_high": lib_high,
            # Rounded: the raw gap is floating-point noise that differs between machines.
            "check": round(check, 9),
        }
    )
    study = did.event_study(d, real_units, EVENTS)[0]
    placebo_events = did.event_study(d, draws, EVENTS)
    reached = np.isfinite(placebo_events).any(axis=0)  # years no stack reaches stay empty
    band = np.full((2, len(EVENTS)), np.nan)
    band[:, reached] = np.nanquantile(placebo_events[:, reached], [0.025, 0.975], axis=0)
    for e, est, lo, hi in zip(EVENTS, study, band[0], band[1], strict=True):
        if np.isfinite(est):
            events.append(
                {"outcome": spec["label"], "event": int(e), "estimate": est, "low": lo, "high": hi}
            )

estimates = pd.DataFrame(rows).set_index("key")


def as_percent(value):
    """Log points to the percentage change they mean."""
    return 100 * (np.exp(value) - 1)


for key, r in estimates.iterrows():
    base = f"block_contract_outcomes.{key}"
    if r["unit"] == "log points":  # spending: a percentage change reads better than a log
        unit, conv, mde = "percent", as_percent, 100 * (1 - np.exp(-r["mde"]))
    else:
        unit, conv, mde = r["unit"], float, r["mde"]
    publish(
        f"{base}.estimate",
        conv(r["estimate"]),
        unit=unit,
        description=f"{r['label']}: change after the start less the clean controls' change",
    )
    publish(
        f"{base}.interval_low",
        conv(r["low"]),
        unit=unit,
        description=f"{r['label']}: low end of the 95% placebo interval",
    )
    publish(
        f"{base}.interval_high",
        conv(r["high"]),
        unit=unit,
        description=f"{r['label']}: high end of the 95% placebo interval",
    )
    publish(
        f"{base}.p_value",
        r["p"],
        unit="",
        description=f"{r['label']}: two-sided (equal-tailed) permutation p-value",
    )
    publish(
        f"{base}.mde",
        float(mde),
        unit=unit,
        description=f"{r['label']}: smallest fall detectable with 80% power by a two-sided "
        "test at the 5% level",
    )
    publish(
        f"{base}.treated",
        int(r["treated"]),
        unit="",
        description=f"{r['label']}: treated authorities with figures in the years compared",
    )
    publish(
        f"{base}.library_check",
        r["check"],
        unit="difference",
        description=f"{r['label']}: largest gap between the array estimate and statsmodels' "
        "regression on the real assignment, to 9 decimal places (0 means they agree)",
    )


# %%
def shown(value, unit):
    if unit == "log points":
        return f"{as_percent(value):+.0f}%"
    return f"{value:+.1f}"


table = pd.DataFrame(
    {
        # each outcome with its unit in brackets: one column fewer, so the table fits the page
        "Outcome (unit)": [
            f"{label} ({'percent change' if u == 'log points' else u})"
            for label, u in zip(estimates["label"], estimates["unit"], strict=True)
        ],
        "Treated councils": estimates["treated"].astype(int).tolist(),
        "Estimate": [
            shown(v, u) for v, u in zip(estimates["estimate"], estimates["unit"], strict=True)
        ],
        "95% placebo interval": [
            f"{shown(lo, u)} to {shown(hi, u)}"
            for lo, hi, u in zip(
                estimates["low"], estimates["high"], estimates["unit"], strict=True
            )
        ],
        "Permutation p (two-sided)": estimates["p"].round(2).tolist(),
        "Smallest detectable fall": [
            shown(-m, u) for m, u in zip(estimates["mde"], estimates["unit"], strict=True)
        ],
        "Cluster-robust interval (statsmodels)": [
            f"{shown(lo, u)} to {shown(hi, u)}"
            for lo, hi, u in zip(
                estimates["lib_low"], estimates["lib_high"], estimates["unit"], strict=True
            )
        ],
    }
)
show(
    table,
    caption="Estimated effect of a block contract on each outcome, its 95% placebo interval, "
    "permutation p-value and the smallest fall the design detects with 80% power at 5% "
    f"(two-sided), from {PLACEBO_DRAWS:,} placebo draws",
)

# %%
coverage = pd.DataFrame(trends)
listing = first.set_index("lead_authority").loc[treated_codes]
treated_table = pd.DataFrame(
    {
        "Authority": [authorities.loc[c, "name"] for c in treated_codes],
        "Arrangement": listing["name"].tolist(),
        "Start": [str(treated[c]) for c in treated_codes],
        "Beds": listing["beds"].astype(int).tolist(),
        **{
            OUTCOMES[key]["label"]: [
                "used" if r["used"] else f"not used: {r['why']}"
                for _, r in coverage[coverage["outcome"] == key]
                .set_index("code")
                .loc[treated_codes]
                .iterrows()
            ]
            for key in OUTCOMES
        },
    }
)
show(
    treated_table,
    caption="The treated authorities the rule selects, and whether each outcome can use them",
)

# %% [markdown]
# The table shows each outcome's estimate, its interval and p-value. Read the last column first:
# it is the smallest fall the study would detect four times out of five. For the share placed
# outside, a block contract would have had to cut it by more than
# {{ result("block_contract_outcomes.placed_outside.mde") }} for the study to be likely to notice;
# for the share of children looked after in homes, by more than
# {{ result("block_contract_outcomes.in_homes.mde") }}; for spending per child, by more than
# {{ result("block_contract_outcomes.spend_per_child.mde") }}. The cluster-robust interval from
# the regression is shown only to compare: with so few treated authorities its standard errors are
# far too small [@conleytaber2005].

# %% [markdown]
# ## Pre-start trends: was a treated authority already diverging?
#
# A difference-in-differences assumes the treated authority would have moved like its
# controls without the contract. The rule for a warning, fixed in advance: over the years up to
# the start (at most six), fit each authority's straight-line trend; an authority is **flagged**
# if its trend differs from the median authority's by more than nine in ten authorities' trends
# do (beyond the 90th percentile of the absolute differences over all authorities with at least
# three of those years). An estimate for a flagged authority reflects a trend that began before
# its contract, not only the contract.

# %%
flags = []
for key in ("placed_outside", "in_homes"):
    y = OUTCOMES[key]["y"]
    for c in treated_codes:
        s0 = treated[c]
        if s0 > last_year or s0 - 5 < years.min() - 3:
            continue
        slopes = did.pre_slopes(y, years, s0 - 5, s0)
        own = slopes[row_of[c]]
        if not np.isfinite(own):
            continue
        others = slopes[np.isfinite(slopes)]
        gap = np.abs(others - np.median(others))
        cut = float(np.quantile(gap, PRE_TREND_QUANTILE))
        flags.append(
            {
                "Authority": authorities.loc[c, "name"],
                "Outcome": OUTCOMES[key]["label"],
                "Years": f"{max(s0 - 5, int(years.min()))}-{s0}",
                "Trend (points a year)": round(float(own), 1),
                "Median authority": round(float(np.median(others)), 1),
                "Percentile of all authorities": int(round(100 * float(np.mean(others <= own)))),
                "Flagged": "yes" if abs(own - np.median(others)) > cut else "no",
                "Authorities compared": int(len(others)),
            }
        )
flags = pd.DataFrame(flags)
show(
    flags,
    caption="Treated authorities' trend before the start, against every authority's over the "
    "same years (percentage points a year), and whether it is flagged as diverging",
)
flagged = flags[flags["Flagged"] == "yes"] if len(flags) else flags
publish(
    "block_contract_outcomes.pretrend_flagged",
    int(flagged["Authority"].nunique()) if len(flags) else 0,
    unit="treated authorities",
    description="treated authorities whose trend before the start diverges (beyond the 90th "
    "percentile of all authorities) on at least one outcome",
)
if len(flagged):
    publish(
        "block_contract_outcomes.pretrend_flagged_names",
        "; ".join(sorted(flagged["Authority"].unique())),
        unit="names",
        description="treated authorities flagged for a diverging trend before the start",
    )

# %% [markdown]
# {% if value("block_contract_outcomes.pretrend_flagged") %}**Flagged:**
# {{ result("block_contract_outcomes.pretrend_flagged_names") }} (see the table for which
# outcome). Before its contract the flagged outcome was already moving faster than nine in ten
# authorities', so a change after the start cannot be credited to the contract: part of it may
# be a return from an unusual movement.{% else %}No treated authority's trend before its
# start is beyond the 90th percentile of all authorities.{% endif %}

# %% [markdown]
# ## The event study: year by year around the start
#
# Each point is the treated authorities' change from the start year (year 0) to that year, less
# their controls' change; the band is where 95% of the placebo estimates fall. Points before
# year 0 show the pre-start trend; a model that fits would keep them near zero.

# %%
events = pd.DataFrame(events)
outside_band = int(
    ((events["estimate"] < events["low"]) | (events["estimate"] > events["high"])).sum()
)
events["band"] = "95% of placebo estimates"
base = alt.Chart().encode(
    x=alt.X("event:O", title="Years from the start (0 = last 31 March before)")
)
band = base.mark_area(opacity=0.25).encode(
    y=alt.Y("low:Q", title="Difference from controls (points)"),
    y2="high:Q",
    color=alt.Color("band:N", title=""),
)
line = base.mark_line(point=True).encode(
    y="estimate:Q", tooltip=["outcome", "event", alt.Tooltip("estimate:Q", format=".1f")]
)
zero = alt.Chart().mark_rule(strokeDash=[4, 4], aria=False).encode(y=alt.datum(0))
chart = (
    alt.layer(band, line, zero, data=events)
    .properties(width=240, height=200)
    .facet(column=alt.Column("outcome:N", title=None))
    .resolve_scale(y="independent")
    .properties(
        title="Treated authorities against their controls, by year from the start",
        description=(
            "Event-study estimates for "
            + ", ".join(sorted(events["outcome"].unique()))
            + f", years {int(events['event'].min())} to {int(events['event'].max())} from the "
            f"start, with the band of 95% of placebo estimates; {outside_band} of the "
            f"{len(events)} points lie outside their band."
        ),
    )
)
chart

# %%
prices = load("assumptions").set_index("name")["value"]
# the block or spot model's central block price: the median observed in the arrangements
observed = models.observed_block_prices(arrangements)["Price per bed-week"].dropna()
claimed = 1 - observed.median() / prices["spot_weekly_price"]
publish(
    "block_contract_outcomes.claimed_saving",
    float(claimed),
    unit="share of the spot price",
    description="saving per placement-week that councils' block and spot prices imply (the "
    "block or spot model's median observed block price and central spot price)",
)
used = [
    c
    for c in treated_codes
    if any(t["used"] and t["code"] == c and t["outcome"] == "placed_outside" for t in trends)
]
bed_rows = first.set_index("lead_authority")
shares = []
for c in used:
    col = int(np.nonzero(years == treated[c])[0][0])
    if np.isfinite(homes[row_of[c], col]) and homes[row_of[c], col] > 0:
        shares.append(100 * float(bed_rows.loc[c, "beds"]) / homes[row_of[c], col])
if shares:
    publish(
        "block_contract_outcomes.beds_share",
        float(np.mean(shares)),
        unit="percentage points",
        description="block beds as a share of the treated authority's children in homes at the "
        "start: the most the contract could move the share placed outside",
    )

# %% [markdown]
# ## Could the design detect what councils claim?
#
# Councils' own figures put a block place at about
# {{ result("block_contract_outcomes.claimed_saving") }} less a week than a spot place (the
# central block and spot prices of the [block or spot](block_vs_spot.md) model). A saving of
# that size per child is {% if value("block_contract_outcomes.spend_per_child.mde") / 100 >
# value("block_contract_outcomes.claimed_saving") %}smaller{% else %}no smaller{% endif %}
# than the smallest fall in spending per child this design could detect
# ({{ result("block_contract_outcomes.spend_per_child.mde") }}). For the
# share placed outside, the most a contract could move it is if every bed took a child who
# would otherwise have gone out of area: {{ result("block_contract_outcomes.beds_share") }} of
# the treated authority's children in homes in its start year, against a smallest detectable
# fall of {{ result("block_contract_outcomes.placed_outside.mde") }}.

# %% [markdown]
# ## What this means
#
# The rule selects {{ result("block_contract_outcomes.treated_count") }}; of these,
# {{ result("block_contract_outcomes.placed_outside.treated") }}
# {{ "has" if value("block_contract_outcomes.placed_outside.treated") == 1 else "have" }}
# published figures both before and after the start, and
# {{ "decides" if value("block_contract_outcomes.placed_outside.treated") == 1 else "decide" }}
# the estimates. The share placed outside changed by
# {{ result("block_contract_outcomes.placed_outside.estimate") }} against the controls (95%
# placebo interval {{ number("block_contract_outcomes.placed_outside.interval_low") }} to
# {{ result("block_contract_outcomes.placed_outside.interval_high") }}, permutation p
# {{ result("block_contract_outcomes.placed_outside.p_value") }}); the share of children looked
# after in homes by {{ result("block_contract_outcomes.in_homes.estimate") }} (p
# {{ result("block_contract_outcomes.in_homes.p_value") }}); and spending per child in homes by
# {{ result("block_contract_outcomes.spend_per_child.estimate") }} (p
# {{ result("block_contract_outcomes.spend_per_child.p_value") }}){% if
# value("block_contract_outcomes.spend_per_child.estimate") > 0 %}, a rise, not a saving{% endif
# %}, measured across a gap of years with no spending figures. An estimate resting on so few
# authorities and such a gap says nothing about what the contract itself did to spending: prices,
# the children placed and the authority's other services changed over the same years.
#
# {% if value("block_contract_outcomes.spend_per_child.mde") / 100 >
# value("block_contract_outcomes.claimed_saving") %}**In plain words: this evidence cannot show
# that block contracts improved outcomes or cut cost, and it could not have shown it.**{% else
# %}**In plain words: read the estimates with their intervals; one authority decides them.**{%
# endif %} The effect councils claim on cost is about
# {{ result("block_contract_outcomes.claimed_saving") }} a placement; the smallest fall this
# design detects is {{ result("block_contract_outcomes.spend_per_child.mde") }}.{% if
# value("block_contract_outcomes.pretrend_flagged") %} A flagged authority's change follows a
# movement that was already unusual before its contract.{% endif %} What moves the answer most is
# the treated set: a handful of authorities decide every estimate, so each new dated block
# contract of {{ result("block_contract_outcomes.rule_min_beds") }} or more added to the evidence
# table changes the list, the estimates and the detectable effect.
#
# **What else could explain a change.** The authorities chose their contracts for their own
# reasons; a contract often comes with other changes (new homes opening or closing nearby,
# different children, Ofsted judgements); DfE suppresses small numbers, which removes some
# authorities from the years compared; children in homes are derived from rounded
# percentages; and the spending series joins two different returns across a gap. Each
# authority's own series is on its [profile](authorities.md).
