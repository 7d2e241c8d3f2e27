"""The cost model's invariants (Hypothesis) and its bad-input messages."""

import math

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT
from evidence import models
from evidence.data import DataPackage
from evidence.errors import EvidenceError
from hypothesis import given
from hypothesis import strategies as st

price = st.floats(min_value=1000, max_value=20000, allow_nan=False)
share = st.floats(min_value=0.05, max_value=1.0, allow_nan=False)
margin = st.floats(min_value=0.0, max_value=0.4)
rate = st.floats(min_value=0.0, max_value=0.15)
hazard = st.floats(min_value=0.0, max_value=0.3)
term = st.integers(min_value=1, max_value=12)
clause = st.sampled_from(["none", "no-fault", "breaks"])


def central(name):
    frame = pd.read_csv(ROOT / "analyses/data/assumptions.csv").set_index("name")
    return float(frame.loc[name, "value"])


@given(
    st.floats(5000, 20000),
    st.floats(0.7, 1),
    margin,
    st.floats(0, 125_000),
    st.integers(20, 40),
    rate,
)
def test_zero_commitment_price_is_near_the_spot_price_at_market_occupancy(
    spot, occ, m, upfront, life, r
):
    cost = models.provider_cost_bed_week(spot, occ, m)
    exact = models.zero_commitment_price(cost, m, occ, 0.0, life, r)
    assert math.isclose(exact, spot, rel_tol=1e-9)
    with_opening = models.zero_commitment_price(cost, m, occ, upfront, life, r)
    assert spot * (1 - 1e-9) <= with_opening <= spot * 1.1


def test_long_term_block_price_is_inside_the_observed_block_range():
    pkg = DataPackage(ROOT / "analyses/data")
    observed = models.observed_block_prices(pkg.read("arrangements"))["Price per bed-week"]
    observed = observed.dropna()
    cost = models.provider_cost_bed_week(
        central("spot_weekly_price"), central("market_occupancy"), central("spot_margin")
    )
    alive = models.survival(10, central("council_exit_hazard"), [])
    upfront = central("mobilisation_cost_per_home") / central("home_beds")
    long_term = models.provider_price(
        10,
        cost,
        central("block_markup"),
        upfront,
        central("end_void_weeks"),
        central("cost_of_capital"),
        alive,
    )
    assert observed.min() <= float(long_term) <= observed.max()


@given(price, st.floats(min_value=0.01, max_value=0.99), st.floats(0.01, 1), st.floats(0, 1))
def test_breakeven_is_in_the_unit_interval_when_the_block_is_cheaper(spot, ratio, void, cost):
    block = spot * ratio
    council = cost * (spot - block) * 0.999  # a council cost that leaves the block cheaper
    b = models.breakeven_occupancy(block, spot, void, council)
    assert 0 < b <= 1
    # and at that occupancy the two cost the same
    saving = models.yearly_saving(1, b, block, spot, void, council * models.WEEKS_PER_YEAR)
    assert abs(saving) < 1e-6 * spot * models.WEEKS_PER_YEAR


@given(
    price, st.floats(0, 0.3), st.floats(0, 200_000), st.floats(0, 26), rate, hazard, term, clause
)
def test_provider_npv_is_zero_at_its_minimum_price(cost, markup, up, void, r, h, t, c):
    alive = models.survival(t, h, models.exit_years(c, t, 1, (5, 7)))
    p = models.provider_price(t, cost, markup, up, void, r, alive)
    npv = models.provider_npv(p, t, cost, up, void, r, alive, 0.0, markup)
    assert abs(float(npv)) < 1e-6 * (up + cost * 52 * t)
    assert float(models.provider_npv(p * 1.01, t, cost, up, void, r, alive, 0.0, markup)) > 0


@given(price, st.floats(0, 0.3), st.floats(1, 200_000), rate, hazard)
def test_a_longer_term_never_raises_the_providers_price_without_exits(cost, markup, up, r, h):
    prices = [
        float(models.provider_price(t, cost, markup, up, 0.0, r, models.survival(t, h, [])))
        for t in range(1, 11)
    ]
    assert all(a >= b - 1e-6 for a, b in zip(prices, prices[1:], strict=False))


@given(st.floats(1, 300), st.floats(0, 52), st.floats(0, 0.5), st.sampled_from([1, 2, 4]))
def test_affordable_empty_weeks_bring_occupancy_to_breakeven(stay, empty, solo, beds):
    occ = models.occupancy(stay, empty, solo, beds)
    weeks = models.affordable_empty_weeks(stay, occ, solo, beds)
    assert math.isclose(float(weeks), empty, rel_tol=1e-6, abs_tol=1e-6)


def test_draws_are_fixed_by_the_seed_and_keep_the_stated_correlation():
    p = {
        "x": models.Parameter("x", 5, 1, 10, "u"),
        "y": models.Parameter("y", 5, 1, 10, "u"),
    }
    one, two = models.draw(p, [("x", "y", 0.6)]), models.draw(p, [("x", "y", 0.6)])
    assert np.array_equal(one["x"], two["x"]) and len(one["x"]) >= 10_000
    ranks = [np.argsort(np.argsort(one[k])) for k in ("x", "y")]
    assert 0.5 < np.corrcoef(*ranks)[0, 1] < 0.7
    assert one["x"].min() >= 1 and one["x"].max() <= 10


def test_block_size_buys_beds_while_their_use_pays():
    used = models.poisson_at_least(np.arange(1, 30), np.array(20.0))
    ratio = 0.8
    n = models.recommended_beds(used, ratio)
    assert used[n - 1] >= ratio > used[n]


@pytest.mark.parametrize(
    "value,unit,shown",
    [(1_234_567, "GBP per year (2023 prices)", 1_230_000), (6278.02, "GBP per week", 6280)],
)
def test_money_is_rounded_to_what_the_inputs_support(value, unit, shown):
    assert models.round_money(value, unit) == shown


# ---- bad input: one clear message with file, row and column --------------------------------

WHERE = "analyses/data/assumptions.csv"


def frame(**change):
    row = {
        "name": "spot_weekly_price",
        "value": 7500.0,
        "unit": "GBP per child-week",
        "low": 6000.0,
        "high": 8000.0,
        "price_basis": "2023 prices; per occupied child-week; paid",
    }
    return pd.DataFrame([row | change])


def test_a_price_without_a_price_basis_names_file_row_and_column():
    with pytest.raises(EvidenceError) as e:
        models.Assumptions(frame(price_basis=None), WHERE)
    assert str(e.value).startswith(f"{WHERE}: row 2, column 'price_basis':")


def test_a_unit_the_model_does_not_expect_names_file_row_and_column():
    a = models.Assumptions(frame(unit="GBP per place per year"), WHERE)
    with pytest.raises(EvidenceError) as e:
        a.get("spot_weekly_price", "GBP per child-week")
    assert str(e.value).startswith(f"{WHERE}: row 2, column 'unit':")


def test_a_parameter_the_model_needs_but_the_file_lacks_is_named_with_the_file():
    a = models.Assumptions(frame(), WHERE)
    with pytest.raises(EvidenceError) as e:
        a.get("stay_weeks", "weeks")
    assert WHERE in str(e.value) and "'stay_weeks'" in str(e.value)


def test_low_above_high_stops_validation_with_row_and_column(tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(ROOT / "analyses/data", data)
    path = data / "assumptions.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    idx = next(i for i, x in enumerate(lines) if x.startswith("block_beds,"))
    lines[idx] = lines[idx].replace("block_beds,10,beds,2,24", "block_beds,10,beds,12,24")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(EvidenceError) as e:
        DataPackage(data).validate("assumptions")
    assert "assumptions.csv" in str(e.value) and f"row {idx + 1}, column 'value'" in str(e.value)


def test_a_correlation_naming_an_unknown_parameter_names_row_and_column(monkeypatch):
    monkeypatch.setattr(models, "table_path", lambda frame: "correlations.csv")
    bad = pd.DataFrame([{"a": "spot_weekly_price", "b": "nonsense", "rho": 0.5}])
    with pytest.raises(EvidenceError) as e:
        models.correlation_pairs(bad, {"spot_weekly_price"})
    assert str(e.value).startswith("correlations.csv: row 2, column 'b':")


# ---- the same mistakes, end to end: one message from the command, no traceback --------------


@pytest.mark.parametrize(
    "analysis,old,new,expected",
    [
        (
            "block_vs_spot",
            "\nstay_weeks,",
            "\nstay_weeks_typo,",
            "the model needs the parameter 'stay_weeks' (weeks), which the file lacks",
        ),
        (
            "contract_length",
            "cited,2023 prices; per occupied child-week; paid,",
            "cited,,",
            "row 2, column 'price_basis': spot_weekly_price is a price, so it needs a price basis",
        ),
        (
            "contract_length",
            "spot_weekly_price,7500,GBP per child-week,",
            "spot_weekly_price,7500,GBP per place per year,",
            "row 2, column 'unit': spot_weekly_price is in 'GBP per place per year'",
        ),
    ],
)
def test_a_model_stops_on_bad_parameters_with_file_row_and_column(
    tmp_path, capsys, analysis, old, new, expected
):
    import shutil

    from conftest import _NOT_PROJECT, evidence

    root = tmp_path / "project"
    shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns(*_NOT_PROJECT))
    path = root / "analyses/data/assumptions.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    status, err = evidence(root, "run", str(root / f"analyses/{analysis}.py"), capsys=capsys)
    assert status != 0
    assert "assumptions.csv" in err and expected in err, err
    assert "Traceback" not in err and "KeyError" not in err and 'File "' not in err
