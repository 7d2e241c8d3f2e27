"""Property-based tests of the cost models the analyses use."""

import math

from evidence import models
from hypothesis import given
from hypothesis import strategies as st

price = st.floats(min_value=1000, max_value=20000, allow_nan=False)
share = st.floats(min_value=0.05, max_value=1.0, allow_nan=False)
beds = st.integers(min_value=1, max_value=60)


@given(price, price)
def test_breakeven_is_block_over_spot_and_costs_match_there(block, spot):
    b = models.breakeven_occupancy(block, spot)
    assert math.isclose(b, block / spot)
    if 0 < b <= 1:
        cost = models.block_cost_per_occupied_bed_week(block, b)
        assert math.isclose(cost, spot, rel_tol=1e-9)


@given(price, share, share)
def test_cost_per_filled_bed_week_falls_as_occupancy_rises(block, a, b):
    low, high = sorted((a, b))
    assert models.block_cost_per_occupied_bed_week(
        block, high
    ) <= models.block_cost_per_occupied_bed_week(block, low)


@given(beds, price, price, share)
def test_saving_is_positive_exactly_above_breakeven(n, block, spot, occupancy):
    saving = models.block_saving(n, block, n * occupancy, spot)
    breakeven = models.breakeven_occupancy(block, spot)
    if occupancy > breakeven * (1 + 1e-9):
        assert saving > 0
    elif occupancy < breakeven * (1 - 1e-9):
        assert saving < 0


@given(beds, price, price, share, st.floats(min_value=0, max_value=0.1))
def test_spot_inflation_only_raises_a_fixed_block_saving(n, block, spot, occupancy, growth):
    flat = models.saving_over_term(n, block, n * occupancy, spot, 0.0, 7)
    rising = models.saving_over_term(n, block, n * occupancy, spot, growth, 7)
    assert rising >= flat - 1e-6


terms = st.integers(min_value=1, max_value=10)
rate = st.floats(min_value=0.0, max_value=0.2)
risk = st.floats(min_value=0.0, max_value=0.5)
upfront = st.floats(min_value=0, max_value=1_000_000)


@given(st.floats(min_value=1000, max_value=10000), upfront, rate, risk)
def test_rate_falls_with_term_and_stays_finite(running, up, r, q):
    rates = [models.provider_weekly_rate(running, up, t, r, q, 1) for t in range(1, 11)]
    assert all(math.isfinite(x) and x >= running for x in rates)
    assert all(a >= b - 1e-9 for a, b in zip(rates, rates[1:], strict=False))


@given(upfront.filter(lambda u: u > 1000), terms, rate, risk)
def test_exit_risk_never_lowers_the_rate(up, t, r, q):
    with_risk = models.capital_charge_per_bed_week(up, t, r, q, 1)
    without = models.capital_charge_per_bed_week(up, t, r, 0.0, 1)
    assert with_risk >= without - 1e-9


def test_flattening_term_finds_the_first_small_step():
    rates = {1: 100.0, 2: 90.0, 3: 85.0, 4: 84.5, 5: 84.4}
    assert models.flattening_term(rates, 0.01) == 3
    assert models.flattening_term(rates, 0.0001) is None
