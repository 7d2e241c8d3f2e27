# %% [markdown]
# # National policy since 2014: what has changed for a council buying residential care
#
# The 2014 briefing weighed a block contract against spot purchasing in a market that councils
# shaped one authority at a time [@nottscc2014membersbriefing]. Since then the Competition and
# Markets Authority has studied the market, an independent review has proposed regional
# commissioning, Parliament has given government new powers over providers and councils, and
# the procurement rules a council tenders under have been replaced. This page lists each of
# those steps from the [national policy](data.md#table-policy_events) table, with what it did
# and our reading, from its sources, of what it means for a council deciding how to buy places.
# Every row cites its sources; a date is only as precise as they allow.

# %%
import altair as alt
import pandas as pd
from evidence import load, publish, show

events = load("policy_events")
# A date may be a year, a year and month, or a day: place each on the axis at its first day
# and keep how precise it is, so the chart never shows a day no source gives.
precision = events["date"].str.len().map({4: "year", 7: "month", 10: "day"})
if precision.isna().any():
    bad = events.loc[precision.isna(), "id"].tolist()
    raise ValueError(f"policy_events: dates of rows {bad} are not YYYY, YYYY-MM or YYYY-MM-DD")
events = events.assign(
    when=pd.to_datetime(
        events["date"] + precision.map({"year": "-01-01", "month": "-01", "day": ""}),
        format="%Y-%m-%d",
    ),
    precision=precision,
).sort_values(["when", "id"], kind="stable")


def shown_date(row) -> str:
    when = row["when"]
    return {"day": f"{when.day} {when:%B %Y}", "month": f"{when:%B %Y}", "year": f"{when:%Y}"}[
        row["precision"]
    ]


events["shown"] = events.apply(shown_date, axis=1)
first, last = events.iloc[0], events.iloc[-1]
publish(
    "policy_timeline.event_count",
    len(events),
    unit="documents and decisions",
    description="national policy documents and decisions since 2014 in the policy table",
)
publish(
    "policy_timeline.first_year",
    int(first["when"].year),
    unit="year",
    description="year of the earliest entry in the national policy table",
)
publish(
    "policy_timeline.last_year",
    int(last["when"].year),
    unit="year",
    description="year of the latest entry in the national policy table",
)

# %% [markdown]
# ## The timeline
#
# Each point is one document or decision, on the line for its kind. Points drawn faint are dated
# only to a month or a year. The table under the chart's Table tab lists the same points.

# %%
points = events[["when", "shown", "precision", "kind", "title", "body", "sources"]].rename(
    columns={"when": "date", "shown": "date as the sources give it"}
)
alt.Chart(points, title="National policy on children's residential care since 2014").mark_point(
    filled=True, size=90
).encode(
    x=alt.X("date:T", title="Date", axis=alt.Axis(format="%Y")),
    y=alt.Y("kind:N", title=None, sort=sorted(events["kind"].unique())),
    color=alt.Color("kind:N", legend=None),
    opacity=alt.Opacity(
        "precision:N",
        title="Dated to",
        scale=alt.Scale(domain=["day", "month", "year"], range=[1.0, 0.6, 0.35]),
    ),
    tooltip=["date as the sources give it", "kind", "title", "body"],
).properties(
    width=560,
    height=300,
    description=(
        f"{len(events)} points from {first['shown']} ({first['title']}) to {last['shown']} "
        f"({last['title']}), one line per kind of document: "
        + "; ".join(f"{k} {n}" for k, n in events["kind"].value_counts().sort_index().items())
        + "."
    ),
)

# %% [markdown]
# ## The market study and the care review, 2021–2022
#
# The CMA found too few suitable placements in the right places, and the largest providers
# earning more and charging more than a working market would allow; it suggested stronger
# buying by councils, including block contracts, frameworks and regional bodies
# [@millsreeve2021cmainterim; @communitycare2022cmafinal]. The care review went further and
# proposed regional care co-operatives that would take over commissioning and run homes
# [@mutualventures2022rcc]. In February 2023 the government accepted the CMA's recommendations
# for England and published its strategy in reply to both [@cma2023recommendationsaccepted;
# @commonslibrary2023stablehomes].
#
# ## Regional care co-operatives, 2024–2026
#
# Two pathfinder regions were funded in 2024 and launched their co-operatives in 2025; in
# February 2026 the department set out how the model would be spread nationally, and the 2026
# Act lets the Secretary of State direct councils to form one [@dfe2024rccpathfinders;
# @dfe2026rccpolicy; @decorum2026cwsa].
#
# ## The Children's Wellbeing and Schools Act 2026
#
# The Act gives the Secretary of State financial oversight of large or hard-to-replace providers,
# a power to cap providers' profits by regulations, and gives Ofsted fines for offences such as
# running an unregistered home [@legislation2026cwsas16; @legislation2026cwsas17;
# @legislation2026cwsas15]. The profit cap and the oversight conditions both wait on
# regulations [@vwv2026profitcap].
#
# ## Procurement rules
#
# Children's residential placements are light touch services. Under the Procurement Act 2023,
# in force from February 2025, a light touch framework has no maximum term, where other
# frameworks are limited to four years [@wardhadaway2024lighttouch; @wardhadaway2023frameworks;
# @muckle2024lighttouch].
#
# ## Money for council-run homes, and the auditors
#
# The department has paid capital towards new council homes, half of the cost for open homes,
# and in 2025 targeted money at places for children deprived of their liberty
# [@parliament2024capitalanswer; @socialworktoday2025capital]. The National Audit Office (2025)
# and the Public Accounts Committee (2026) both found a market that does not work for the
# children with the most complex needs [@nao2025pressrelease; @wiredgov2026pac].

# %%
# Who issued each document and what kind it is go in brackets after its title, and the notes
# on its sources in a line under it, so the table fits the text column with room for what it
# did and what it means.
document = events["title"] + " (" + events["kind"] + ", " + events["body"] + ")"
table = (
    events.assign(document=document)
    .rename(
        columns={
            "shown": "Date",
            "document": "Document or decision (kind, by)",
            "summary": "What it did",
            "for_commissioning": "What it means for commissioning (our reading)",
            "notes": "Notes",
        }
    )[
        [
            "Date",
            "Document or decision (kind, by)",
            "What it did",
            "What it means for commissioning (our reading)",
            "sources",
            "Notes",
        ]
    ]
    .reset_index(drop=True)
)
table.attrs["row_ids"] = ["policy-" + i for i in events["id"]]
table.attrs["notes"] = {"Notes": "Document or decision (kind, by)"}
show(table, caption="National policy on children's residential care since 2014, with sources")
