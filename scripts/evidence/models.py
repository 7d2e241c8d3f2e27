"""Cost models for buying children's home places, as plain functions the analyses call.

Kept in the package (not in an analysis) so the property-based tests can exercise them; their
bytes are part of every analysis's cache key (see run.RUNTIME_MODULES).

Definitions used throughout:
- a *block* of `beds` is paid for every week at `block_price` per bed, filled or not;
- *occupancy* is the share of block beds filled;
- a *spot* placement costs `spot_price` per week, only while it is used.
"""

from __future__ import annotations

WEEKS_PER_YEAR = 52  # contract prices are quoted per week; councils budget per year


def block_cost_per_occupied_bed_week(block_price: float, occupancy: float) -> float:
    """What each filled bed-week really costs when empty beds are paid for too."""
    if not 0 < occupancy <= 1:
        raise ValueError("occupancy must be in (0, 1]")
    return block_price / occupancy


def breakeven_occupancy(block_price: float, spot_price: float) -> float:
    """Occupancy at which a block bed-week filled costs the same as a spot week."""
    return block_price / spot_price


def annual_cost_block(beds: float, block_price: float, demand: float, spot_price: float) -> float:
    """A year of a block of `beds`, with demand above the block bought spot."""
    overflow = max(demand - beds, 0.0)
    return WEEKS_PER_YEAR * (beds * block_price + overflow * spot_price)


def annual_cost_spot(demand: float, spot_price: float) -> float:
    return WEEKS_PER_YEAR * demand * spot_price


def block_saving(beds: float, block_price: float, demand: float, spot_price: float) -> float:
    """Yearly saving of the block against buying the same demand spot (negative: it costs more)."""
    spot = annual_cost_spot(demand, spot_price)
    return spot - annual_cost_block(beds, block_price, demand, spot_price)


def spot_price_in_year(spot_price: float, growth: float, year: int) -> float:
    """Spot price after `year` years of growth (year 0 is the contract's first year)."""
    return spot_price * (1 + growth) ** year


def saving_over_term(
    beds: float, block_price: float, demand: float, spot_price: float, growth: float, years: int
) -> float:
    """Total saving of a fixed-price block over `years` while spot prices grow by `growth`."""
    return sum(
        block_saving(beds, block_price, demand, spot_price_in_year(spot_price, growth, y))
        for y in range(years)
    )


def payment_factor(term: int, rate: float, termination: float, notice: float) -> float:
    """Present value of one unit paid yearly for the term, when each year the contract may be
    ended with `notice` years' notice with probability `termination` (years within the notice
    period are always paid)."""
    factor = 0.0
    for year in range(1, term + 1):
        survive = (1 - termination) ** max(0.0, year - 1 - notice)
        factor += survive / (1 + rate) ** year
    return factor


def capital_charge_per_bed_week(
    upfront_per_bed: float, term: int, rate: float, termination: float, notice: float
) -> float:
    """The weekly charge that recovers a bed's up-front cost over the contract, risk included."""
    return upfront_per_bed / payment_factor(term, rate, termination, notice) / WEEKS_PER_YEAR


def provider_weekly_rate(
    running_cost_week: float,
    upfront_per_bed: float,
    term: int,
    rate: float,
    termination: float,
    notice: float,
) -> float:
    """The lowest weekly rate per bed a provider can offer for a term of `term` years."""
    return running_cost_week + capital_charge_per_bed_week(
        upfront_per_bed, term, rate, termination, notice
    )


def flattening_term(rates: dict[int, float], threshold: float) -> int | None:
    """First term after which one more year lowers the rate by less than `threshold` (a share)."""
    terms = sorted(rates)
    for term, following in zip(terms, terms[1:], strict=False):
        if (rates[term] - rates[following]) / rates[term] < threshold:
            return term
    return None
