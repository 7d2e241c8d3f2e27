# %% [markdown]
# # Did block contracts change where children were placed?
#
# The 2014 briefing said a block purchase approach "has been proven" to improve outcomes and
# reduce cost, but showed no figures [@nottscc2014membersbriefing]. Published statistics allow one
# narrow check: whether the authorities that let documented arrangements placed fewer of their
# children in children's homes outside their own boundary afterwards, compared with their region
# and England. The arrangements and their start years are from the
# [comparison of arrangements](comparison.md).
#
# For each arrangement with a known start year and a lead authority, the table sets the share of
# the authority's children in children's homes who were placed outside its boundary before and
# after the start, beside the same share for its region and for England
# [@dfefoi20240040813]. *Before* is the average of the 31 March figures for the start year and
# the two years before it; *after* the average of the three years that follow (31 March comes
# before a contract that starts in April). Only years the release covers (2014 to 2024) count;
# suppressed years are left out, and the table says how many years each average uses.
#
# **What this can and cannot show.** It describes; it does not test. The authorities chose their
# arrangements for their own reasons (there is no random assignment), there are few of them,
# several arrangements overlap in time and place, the start years come from the documents in the
# evidence table and some are uncertain, national and regional figures are rounded to the
# nearest 10, and a change in the share placed outside can follow from many things besides one
# contract (the number of homes opening or closing nearby, the needs of the children, Ofsted
# judgements). The *difference from the region* (the authority's change minus its region's)
# removes only what the region shared. Spending and local supply are not compared: spending is
# published for 2013-14 and from 2022-23 only, from two different returns, and Ofsted's lists of
# homes here start in 2023. Each authority's own series, with the break between the 2011-2017
# and 2020+ placement categories, is on its [profile](authorities.md).

# %%
import pandas as pd
from evidence import load, publish, show

arrangements = load("arrangements")
authorities = load("authorities").set_index("ons_code")

# %%
outside = load("childrens_homes_outside")
share = outside.set_index(["area_code", "year"])["percent"]
first_year, last_year = int(outside["year"].min()), int(outside["year"].max())
region_rows = outside[outside["level"] == "region"]
region_codes = dict(zip(region_rows["area_name"], region_rows["area_code"], strict=True))


def window_mean(code, years):
    values = [share.get((code, y)) for y in years]
    values = [float(v) for v in values if v is not None and not pd.isna(v)]
    return (sum(values) / len(values) if values else None), len(values)


def change(code, before, after):
    b, nb = window_mean(code, before)
    a, na = window_mean(code, after)
    return b, a, (None if a is None or b is None else round(a - b, 1)), nb, na


def rounded(value):
    return None if value is None else round(value, 1)


rows = []
for _, row in arrangements.dropna(subset=["start_year", "lead_authority"]).iterrows():
    code, start = row["lead_authority"], int(row["start_year"])
    before = [y for y in range(start - 2, start + 1) if first_year <= y <= last_year]
    after = [y for y in range(start + 1, start + 4) if first_year <= y <= last_year]
    if code not in authorities.index or not before or not after:
        continue
    region = region_codes.get(authorities.loc[code, "region"])
    own_b, own_a, own_change, nb, na = change(code, before, after)
    reg_b, reg_a, reg_change, _, _ = change(region, before, after)
    eng_b, eng_a, eng_change, _, _ = change("E92000001", before, after)
    rows.append(
        {
            "Arrangement": row["name"],
            "Model": row["model"],
            "Evidence": row["evidence_grade"],
            "Authority": authorities.loc[code, "name"],
            "Start": str(start),
            "Before (31 March)": f"{before[0]}-{before[-1]}" if len(before) > 1 else str(before[0]),
            "After (31 March)": f"{after[0]}-{after[-1]}" if len(after) > 1 else str(after[0]),
            "Years used before/after": f"{nb}/{na}",
            "Authority before": rounded(own_b),
            "Authority after": rounded(own_a),
            "Authority change": own_change,
            "Region change": reg_change,
            "England change": eng_change,
            "Difference from region": (
                None
                if own_change is None or reg_change is None
                else round(own_change - reg_change, 1)
            ),
        }
    )
before_after = pd.DataFrame(rows)
before_after.attrs["units"] = {
    "Authority before": "percent",
    "Authority after": "percent",
    "Authority change": "percentage points",
    "Region change": "percentage points",
    "England change": "percentage points",
    "Difference from region": "percentage points",
}
show(
    before_after,
    caption="Share of children in children's homes placed outside the authority, before and "
    "after each arrangement's start, for the lead authority, its region and England (percent; "
    "changes in percentage points)",
)
blocks = before_after[
    (before_after["Model"] == "block") & before_after["Difference from region"].notna()
]
publish(
    "block_contract_outcomes.arrangement_count",
    len(before_after),
    unit="arrangements",
    description="arrangements with published placed-outside shares before and after their start",
)
publish(
    "block_contract_outcomes.block_count",
    len(blocks),
    unit="block contracts",
    description="block contracts among them with a change for both the authority and its region",
)
if len(blocks):
    gaps = blocks["Difference from region"]
    publish(
        "block_contract_outcomes.block_gap_min",
        float(gaps.min()),
        unit="percentage points",
        description="smallest difference from the region in the change of the share placed "
        "outside, block contracts (negative: fell more than in the region)",
    )
    publish(
        "block_contract_outcomes.block_gap_max",
        float(gaps.max()),
        unit="percentage points",
        description="largest difference from the region in the change of the share placed "
        "outside, block contracts",
    )

# %% [markdown]
# ## What the table shows
#
# {% if value("block_contract_outcomes.block_count") %}For
# {{ result("block_contract_outcomes.block_count") }} with figures before and after for both the
# authority and its region, the authority's change in the share placed outside
# differed from its region's by between {{ result("block_contract_outcomes.block_gap_min") }} and
# {{ result("block_contract_outcomes.block_gap_max") }}. With so few cases and no comparison
# group chosen in advance, this range describes what happened; it cannot show that the contracts
# caused it.{% else %}No block contract has figures before and after its start for both the
# authority and its region in the imported releases, so nothing can be compared.{% endif %}
