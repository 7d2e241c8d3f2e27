# %% [markdown]
# # How councils buy residential places: the arrangements compared
#
# In 2014 Nottinghamshire's members were told that several councils had moved from buying
# children's home places one at a time (spot purchasing) to fixed-price block contracts with
# fewer providers [@nottscc2014membersbriefing]. The briefing named the councils but gave no
# dates, sizes, prices or sources. This page gathers every arrangement we could document, each
# row with its sources and an evidence grade: *primary* (a council decision, tender or award
# notice), *secondary* (press, trade journals, aggregator copies of notices) or *briefing-only*
# (nothing but the 2014 briefing says it, so it is unconfirmed; the briefing has no public copy,
# so a reader cannot check these rows against it).

# %%
import altair as alt
import pandas as pd
from evidence import load, publish, show
from evidence.formatting import format_money_short

arrangements = load("arrangements")
authorities = load("authorities").set_index("ons_code")

# %% [markdown]
# ## How much of the evidence is confirmed
#
# The count of arrangements by model and evidence grade shows how much rests on primary
# documents and how much only on the 2014 briefing.

# %%
by_grade = (
    arrangements.groupby(["model", "evidence_grade"]).size().unstack(fill_value=0).reset_index()
)
by_grade.columns.name = None
show(by_grade, caption="Arrangements by model and evidence grade (count of rows)")

publish(
    "comparison.arrangement_count",
    len(arrangements),
    unit="arrangements",
    description="commissioning arrangements documented in the evidence table",
)
publish(
    "comparison.block_count",
    int((arrangements["model"] == "block").sum()),
    unit="arrangements",
    description="arrangements in the evidence table that are block contracts",
)
publish(
    "comparison.briefing_only_count",
    int((arrangements["evidence_grade"] == "briefing-only").sum()),
    unit="arrangements",
    description="arrangements that only the 2014 briefing reports (unconfirmed elsewhere)",
)


# %% [markdown]
# ## The arrangements
#
# One row per arrangement, with the facts a reader compares first. The arrangement's name opens
# its own page: what was bought, from whom, for how long, at what value and what happened after,
# each fact with its source and grade. Empty cells mean no source we found states the fact.
# Contract values are rounded here to three figures (the exact published sum is on the
# arrangement's page and in the [data table](data.md#table-arrangements)) and cover the period
# the notice states, which differs from row to row. A grade of *briefing only* means unconfirmed.
# Sort by any column, or filter: type "block", "primary" or an authority's name.


# %%
def authority_names(codes: str) -> str:
    if pd.isna(codes):
        return ""
    names = []
    for code in (c.strip() for c in codes.split(";")):
        if code not in authorities.index:
            raise ValueError(f"arrangements: unknown authority code {code!r}")
        names.append(authorities.loc[code, "name"])
    return "; ".join(names)


def who(row) -> str:
    """The lead authority, and how many others take part (the full list is on the row's page)."""
    names = [n for n in authority_names(row["authorities"]).split("; ") if n]
    lead = authority_names(row["lead_authority"]) or (names[0] if names else "")
    others = len([n for n in names if n != lead])
    if not lead:
        return str(row["partners"]) if isinstance(row["partners"], str) else ""
    return lead + (f" and {others} other{'s' if others > 1 else ''}" if others else "")


def value_shown(row) -> str:
    if pd.isna(row["contract_value_gbp"]):
        return ""
    return format_money_short(row["contract_value_gbp"])


table = pd.DataFrame(
    {
        "Arrangement": arrangements["name"],
        "Authority": arrangements.apply(who, axis=1),
        "Model": arrangements["model"],
        "Start": arrangements["start_year"],
        "Beds": arrangements["beds"],
        "Term": arrangements["term_years"],
        "Value": arrangements.apply(value_shown, axis=1),
        "Outcome evidence": arrangements["outcome_evidence"].map(
            lambda text: "reported" if isinstance(text, str) and text.strip() else "none found"
        ),
        "Grade": arrangements["evidence_grade"].map(
            lambda g: "briefing only" if g == "briefing-only" else g
        ),
    }
)
# each row can be linked to, e.g. from the briefing: comparison/#arrangement-ID
table.attrs["row_ids"] = ["arrangement-" + i for i in arrangements["id"]]
table.attrs["links"] = {"Arrangement": [f"arrangements/{i}.md" for i in arrangements["id"]]}
table.attrs["cards"] = True
table.attrs["units"] = {
    "Start": "year",
    "Term": "years",
    "Value": "£, period varies",
}
show(table, caption="Commissioning arrangements for children's residential care in England")

# %% [markdown]
# ## The East Midlands market position
#
# The 2014 briefing (paragraphs 4–7) set Nottinghamshire's position in its region
# [@nottscc2014membersbriefing]. From the table: the briefing lists
# {{ result("comparison.em_framework_members") }} as buying residential placements through the
# East Midlands framework contract, while Nottinghamshire bought through its own approved provider
# list (which no other source we found describes). The framework was under review in 2014; by 2016
# a new regional framework agreement had {{ result("comparison.emrcf_member_count") }} member
# authorities [@emrcf2018tendernotice]. Both Nottingham City and Nottinghamshire then chose
# fixed-price block contracts with fewer providers; the East Midlands arrangements in the table
# are listed below.

# %%
region = authorities["region"]
arrangements["lead_region"] = arrangements["lead_authority"].map(region)
arrangements["member_regions"] = arrangements["authorities"].map(
    lambda codes: {region[c.strip()] for c in codes.split(";")} if isinstance(codes, str) else set()
)
east_midlands = arrangements[
    arrangements["member_regions"].map(lambda regions: "East Midlands" in regions)
]


def names_list(codes: str) -> str:
    names = sorted(authority_names(codes).split("; "))
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


framework = arrangements.set_index("id").loc["east-midlands-framework-pre2016"]
emrcf = arrangements.set_index("id").loc["emrcf-2016"]
publish(
    "comparison.em_framework_members",
    names_list(framework["authorities"]),
    unit="authorities",
    description="authorities the 2014 briefing lists as using the East Midlands framework contract",
)
publish(
    "comparison.emrcf_member_count",
    # Northamptonshire's two successor councils share one former member's place
    len(emrcf["authorities"].split(";")) - 1,
    unit="authorities",
    description="member authorities of the 2016 East Midlands regional framework agreement",
)
regional = east_midlands[["name", "model", "status", "start_year", "evidence_grade"]].rename(
    columns={
        "name": "Arrangement",
        "model": "Model",
        "status": "Status",
        "start_year": "Start",
        "evidence_grade": "Grade",
    }
)
regional.attrs["links"] = {"Arrangement": [f"arrangements/{i}.md" for i in east_midlands["id"]]}
regional.attrs["units"] = {"Start": "year"}
regional.attrs["cards"] = True
show(regional, caption="Arrangements involving East Midlands authorities (sources on each page)")

# %% [markdown]
# ## When the arrangements ran
#
# Each bar runs from an arrangement's start year to its end year, or to the end of its initial
# term where only the term is known; where neither is known the bar is one year long and drawn
# faint. The label gives the beds or places covered where a source states them (the scale of the
# arrangement); changes of scale that sources report, such as a block growing from 12 to 17 beds,
# are in each row's outcome evidence. Arrangements with no known start year are left out of the
# chart but stay in the table above.

# %%
timeline = arrangements.dropna(subset=["start_year"]).copy()
timeline["end"] = timeline["end_year"].fillna(timeline["start_year"] + timeline["term_years"])
timeline["end known"] = timeline["end"].notna().map({True: "known", False: "not known"})
timeline["end"] = timeline["end"].fillna(timeline["start_year"] + 1)
timeline["scale"] = timeline["beds"].map(lambda b: "" if pd.isna(b) else f"{int(b)} beds")
timeline = timeline[
    ["name", "model", "evidence_grade", "start_year", "end", "end known", "scale"]
].astype({"start_year": "int64", "end": "float64"})
timeline = timeline.sort_values(["start_year", "name"])
bars = (
    alt.Chart(timeline, title="Arrangements by start year, term and size")
    .mark_bar()
    .encode(
        x=alt.X(
            "start_year:Q", title="Year", scale=alt.Scale(zero=False), axis=alt.Axis(format="d")
        ),
        x2="end:Q",
        y=alt.Y("name:N", sort=None, title=None),
        color=alt.Color("model:N", title="Model"),
        opacity=alt.Opacity("end known:N", title="End year", scale=alt.Scale(range=[1.0, 0.35])),
        tooltip=["name", "model", "evidence_grade", "start_year", "end", "end known", "scale"],
    )
)
labels = bars.mark_text(align="left", dx=4, fontSize=10).encode(
    x="end:Q", text="scale:N", color=alt.value("#333333"), opacity=alt.value(1)
)
chart = (bars + labels).properties(
    width=560,
    height=alt.Step(14),
    description=(
        f"Timeline of {len(timeline)} arrangements with a known start year, from "
        f"{timeline['start_year'].min()} to {int(timeline['end'].max())}, coloured by model, "
        f"faint where the end is not known, labelled with beds where known "
        f"({(timeline['scale'] != '').sum()} of them)."
    ),
)
chart
