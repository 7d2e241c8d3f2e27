"""The briefing's charts: the authority's children in children's homes, and the modelled range of
saving (unfavourable and favourable cases side by side). Each is drawn once with vl-convert, as
an SVG for the page and a PNG for the Word document (both the same bytes for the same spec), and
carries its figures as a table, so no reader depends on the picture."""

from __future__ import annotations

from dataclasses import dataclass

from evidence import charts, models
from evidence.formatting import format_number, money_millions

PNG_SCALE = 2  # sharp enough in print at the Word document's 16 cm width


@dataclass
class BriefingChart:
    name: str
    spec: dict
    description: str
    columns: list[str]
    rows: list[list[str]]

    @property
    def svg(self) -> bytes:
        return charts.render_svg(self.spec).encode("utf-8")

    @property
    def png(self) -> bytes:
        import vl_convert

        return bytes(vl_convert.vegalite_to_png(self.spec, scale=PNG_SCALE))


def homes_chart(local) -> BriefingChart | None:
    spec = local.chart_spec()
    if spec is None:
        return None
    rows = [
        [str(p["year"]), p["series"], format_number(p["children"])] for p in spec["data"]["values"]
    ]
    description = (
        f"Children looked after by {local.name} living in children's homes at 31 March, by year. "
        "The DfE counted a different category before 2018 (including hostels) from the one it "
        "counts since 2020, so the two lines are not one trend; 2018 and 2019 are not held."
    )
    return BriefingChart("homes", spec, description, ["31 March", "DfE category", "Children"], rows)


SAVING_ROWS = (
    # (label, low, middle, high, what the middle is)
    (
        "Block against spot, over its term",
        "block_vs_spot.pv_saving_p10",
        "block_vs_spot.pv_saving_p50",
        "block_vs_spot.pv_saving_p90",
        "median",
    ),
    (
        "Block at the best-valued term",
        "contract_length.best_pv_p10",
        "contract_length.best_expected_pv",
        "contract_length.best_pv_p90",
        "mean",
    ),
)


def saving_chart(results) -> BriefingChart | None:
    """The modelled present value of a saving against spot purchase: worst tenth, middle and
    best tenth of draws for each model, from the named results."""
    values, rows = [], []
    for label, low, mid, high, what in SAVING_ROWS:
        if not all(n in results for n in (low, mid, high)):
            continue
        r = {k: results[n] for k, n in (("low", low), ("mid", mid), ("high", high))}
        m = {k: models.round_money(v.value, v.unit) / 1e6 for k, v in r.items()}
        values.append({"option": label, "low": m["low"], "mid": m["mid"], "high": m["high"]})
        rows.append(
            [label]
            + [money_millions(models.round_money(v.value, v.unit)) for v in r.values()]
            + [what]
        )
    if not values:
        return None
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "description": "Modelled present value of a saving against spot purchase, GBP million",
        "width": 460,
        "height": 110,
        "data": {"values": values},
        "encoding": {
            "y": {"field": "option", "type": "nominal", "title": None, "axis": {"labelLimit": 260}}
        },
        "layer": [
            {
                "mark": {"type": "rule", "strokeWidth": 3},
                "encoding": {
                    "x": {
                        "field": "low",
                        "type": "quantitative",
                        "title": "Saving, £ million (2023 prices, present value)",
                    },
                    "x2": {"field": "high"},
                },
            },
            {
                "mark": {"type": "point", "filled": True, "size": 80},
                "encoding": {"x": {"field": "mid", "type": "quantitative"}},
            },
            {
                "data": {"values": [{"zero": 0}]},
                "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#555"},
                "encoding": {"x": {"field": "zero", "type": "quantitative"}, "y": None},
            },
        ],
    }
    description = (
        "For each modelled option, the present value of its saving against spot purchase: the "
        "line runs from the worst tenth of the model's draws to the best tenth, the dot is the "
        "middle; left of the dashed line the option costs more than spot purchase."
    )
    columns = ["Option", "Worst tenth", "Middle", "Best tenth", "Middle is the"]
    return BriefingChart("saving", spec, description, columns, rows)
