"""The staggered difference-in-differences helpers (evidence.did): the array form against
statsmodels' regression, recovery of a known effect, the placebo test's size and power, and the
outcomes analysis on the real assignment."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from evidence import did
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
YEARS = np.arange(2014, 2025)


def panel(seed, n=40, effect=0.0, starts=(2018, 2021), noise=1.0, missing=0.0):
    """Authority and year effects plus noise; `effect` added to treated units after start."""
    rng = np.random.default_rng(seed)
    y = rng.normal(0, 5, (n, 1)) + rng.normal(0, 2, (1, len(YEARS)))
    y = y + rng.normal(0, noise, y.shape)
    for k, s in enumerate(starts):
        y[k, YEARS > s] += effect
    if missing:
        holes = rng.random(y.shape) < missing
        holes[: len(starts)] = False  # the treated keep their figures
        y[holes] = np.nan
    pool = np.ones(n, bool)
    have = np.isfinite(y).any(axis=0)
    d = did.design(y, YEARS, pool, np.array(starts, float), 2, 3, have)
    return d, np.array([list(range(len(starts)))])


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.floats(0, 0.2))
def test_array_estimate_equals_statsmodels_regression(seed, missing):
    d, units = panel(seed, missing=missing)
    ours = did.stack_estimates(d, units)[0]
    coefs, mean, (low, high) = did.library_estimate(d, units[0], [f"A{i}" for i in range(40)])
    assert np.allclose(ours, coefs, atol=1e-9)
    assert low <= mean <= high


def test_known_effect_is_recovered_without_noise():
    d, units = panel(1, effect=-7.5, noise=0.0)
    assert np.allclose(did.stack_estimates(d, units)[0], -7.5)


def test_not_yet_treated_are_controls_until_they_are_treated():
    """The 2021 stack's window ends in 2024: the 2018 authority is treated by then, so it is
    not one of its controls; the 2018 stack's window ends in 2021, before the other starts."""
    d, units = panel(2, effect=0.0, noise=0.0)
    d.y[0, YEARS > 2018] += 100.0  # only the 2018 authority moves
    est = did.stack_estimates(d, units)[0]
    assert est[0] == pytest.approx(100.0)
    assert est[1] == pytest.approx(0.0, abs=1e-9)


def test_placebo_draws_are_distinct_and_have_data():
    d, _ = panel(3, missing=0.15)
    units = did.draw_units(d, 500, seed=7)
    assert all(len(set(row)) == len(row) for row in units)
    diffs = did.long_differences(d)
    assert np.isfinite(diffs[0, units[:, 0]]).all() and np.isfinite(diffs[1, units[:, 1]]).all()


def test_placebo_test_rejects_a_large_effect_and_not_a_null_one():
    for effect, small in ((-20.0, True), (0.0, False)):
        d, units = panel(4, n=120, effect=effect)
        diffs = did.long_differences(d)
        observed = did.stack_estimates(d, units, diffs).mean()
        placebo = did.stack_estimates(d, did.draw_units(d, 2000, 5, diffs), diffs).mean(axis=1)
        p, p_fall = did.permutation_p(observed, placebo)
        assert (p < 0.01) is small and 0 < p <= 1 and 0 < p_fall <= 1


def test_minimum_detectable_effect_is_where_power_reaches_80_percent():
    placebo = np.random.default_rng(6).normal(0, 2.0, 5000)
    mde = did.minimum_detectable(placebo, 0.05, 0.8)
    assert did.power_against(mde, placebo) >= 0.8 > did.power_against(0.95 * mde, placebo)
    assert mde == pytest.approx(2.0 * (1.96 + 0.84), rel=0.05)  # the normal-theory value


def test_placebo_interval_contains_the_estimate_shifted_by_placebo_quantiles():
    placebo = np.linspace(-1, 1, 1001)
    assert did.placebo_interval(3.0, placebo) == pytest.approx((3.0 - 0.95, 3.0 + 0.95))


def test_pre_slopes_match_least_squares_and_need_three_years():
    y = np.array([[1.0, 3.0, 5.0, 7.0], [2.0, np.nan, np.nan, 4.0]])
    years = np.array([2014, 2015, 2016, 2017])
    slopes = did.pre_slopes(y, years, 2014, 2017)
    assert slopes[0] == pytest.approx(2.0) and np.isnan(slopes[1])


def test_outcomes_analysis_on_the_real_assignment():
    """The analysis's array estimates equal statsmodels' on the real treated authorities, with
    at least 2,000 placebo draws, and a diverging pre-start trend is flagged by the rule."""
    out = subprocess.run(
        [
            str(Path(sys.executable).parent / "evidence"),
            "--project",
            str(ROOT),
            "run",
            "analyses/block_contract_outcomes.py",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    results = json.loads(out.stdout[out.stdout.index("\n{") :])
    value = {k: v["value"] for k, v in results.items()}
    assert value["block_contract_outcomes.placebo_draws"] >= 2000
    for key in ("placed_outside", "in_homes", "spend_per_child"):
        base = f"block_contract_outcomes.{key}"
        assert value[f"{base}.library_check"] < 1e-9
        assert value[f"{base}.interval_low"] <= value[f"{base}.estimate"]
        assert value[f"{base}.estimate"] <= value[f"{base}.interval_high"]
        assert 0 < value[f"{base}.p_value"] <= 1 and value[f"{base}.mde"] > 0
    # Lancashire's share placed outside rose far faster than other authorities' before 2019
    assert "Lancashire" in value["block_contract_outcomes.pretrend_flagged_names"]
