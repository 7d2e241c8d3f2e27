"""The cost model of buying children's home places by block or spot, as plain vectorised functions.

Kept in the package (not in an analysis) so the property-based tests can exercise them; their
bytes are part of the cache key of every analysis that imports them (run.package_modules).
About 400 lines because the two analyses share one model: parameters and their checks, draws,
occupancy, the council's saving, block size and the provider's price must stay one consistent
set of definitions.

Definitions used throughout (all money in the real prices of the model's price year):
- a *block* of `beds` is paid `block_price` per contracted bed-week; an empty bed-week is paid
  `void_share` of it (1 for take-or-pay, less under a minimum-occupancy guarantee);
- a *spot* placement costs `spot_price` per occupied child-week, only while it is used;
- *occupancy* is the share of block bed-weeks with a child in them. It follows from how beds
  turn over: a child stays `stay` weeks, then the bed is empty for `empty` weeks before the next
  child arrives; a share `solo` of children must live alone, keeping a home of `home_beds` beds
  to themselves; a new block fills over `ramp` weeks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from evidence.errors import EvidenceError

WEEKS_PER_YEAR = 52  # contract prices are quoted per week; councils budget per year
DRAWS = 10_000  # Monte Carlo draws: P10/P90 move by well under 1 % between seeds at this size
SEED = 2014  # fixed, so every build draws the same numbers
PRICE_BASIS_PARTS = 3  # "2023 prices; per occupied child-week; paid"


# ---- the one rounding rule for money on pages ---------------------------------------------


def round_money(value: float, unit: str) -> float:
    """Money as precisely as the model's inputs support: weekly figures to the nearest £10,
    yearly figures and totals to the nearest £10,000. Exact values stay in results.json."""
    step = 10 if "week" in unit else 10_000
    rounded = round(value / step) * step
    return 0.0 if rounded == 0 else float(rounded)


# ---- parameters ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Parameter:
    name: str
    value: float
    low: float
    high: float
    unit: str


class Assumptions:
    """The `assumptions` table with the checks a model needs, each naming file, row and column."""

    def __init__(self, frame, where: str | None = None):
        self.where = where or table_path(frame)
        self.rows = {}
        for index, row in frame.reset_index(drop=True).iterrows():
            line = index + 2  # the header is row 1
            if str(row["unit"]).startswith("GBP") and not _text(row.get("price_basis")):
                raise EvidenceError(
                    f"row {line}, column 'price_basis': {row['name']} is a price, so it needs a "
                    "price basis such as '2023 prices; per occupied child-week; paid'",
                    where=self.where,
                )
            basis = _text(row.get("price_basis"))
            if basis and len(basis.split(";")) != PRICE_BASIS_PARTS:
                raise EvidenceError(
                    f"row {line}, column 'price_basis': {basis!r} should read "
                    "'YEAR prices; per UNIT; maximum|paid|estimate|cost'",
                    where=self.where,
                )
            self.rows[row["name"]] = (line, row)

    def get(self, name: str, unit: str) -> Parameter:
        if name not in self.rows:
            raise EvidenceError(
                f"the model needs the parameter {name!r} ({unit}), which the file lacks; "
                "add a row for it",
                where=self.where,
            )
        line, row = self.rows[name]
        if row["unit"] != unit:
            raise EvidenceError(
                f"row {line}, column 'unit': {name} is in {row['unit']!r}; the model expects "
                f"{unit!r}",
                where=self.where,
            )
        value = float(row["value"])
        low = value if _missing(row["low"]) else float(row["low"])
        high = value if _missing(row["high"]) else float(row["high"])
        return Parameter(name, value, low, high, unit)

    def value(self, name: str, unit: str) -> float:
        return self.get(name, unit).value


def table_path(frame) -> str:
    """Where a loaded table's file is, for messages (as the loader names it)."""
    from evidence.api import session

    return session().package.display(frame.attrs.get("table", "assumptions"))


def correlation_pairs(frame, names: set[str]) -> list[tuple[str, str, float]]:
    """The stated correlations, each naming parameters the model draws."""
    where = table_path(frame)
    pairs = []
    for index, row in frame.reset_index(drop=True).iterrows():
        for column in ("a", "b"):
            if row[column] not in names:
                raise EvidenceError(
                    f"row {index + 2}, column {column!r}: {row[column]!r} is not a parameter the "
                    f"model draws; expected one of: {', '.join(sorted(names))}",
                    where=where,
                )
        pairs.append((row["a"], row["b"], float(row["rho"])))
    return pairs


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or str(x) in ("", "<NA>", "nan")


def _text(x) -> str:
    return "" if _missing(x) else str(x).strip()


def pert(rng: np.random.Generator, low: float, mode: float, high: float, n: int) -> np.ndarray:
    """Draws from the PERT distribution over low-mode-high (a beta scaled to the range, with the
    usual weight of 4 on the mode); a parameter without a range stays at its value."""
    if high <= low:
        return np.full(n, float(mode))
    a = 1 + 4 * (mode - low) / (high - low)
    b = 1 + 4 * (high - mode) / (high - low)
    return low + (high - low) * rng.beta(a, b, n)


def correlate(draws: dict, pairs: list[tuple[str, str, float]], rng: np.random.Generator) -> dict:
    """Reorder independent draws so that their rank correlations follow `pairs` (Iman and Conover,
    1982): each parameter keeps its own distribution; only the pairing of draws changes."""
    names = sorted({n for a, b, _ in pairs for n in (a, b)})
    if not names:
        return draws
    matrix = np.eye(len(names))
    for a, b, rho in pairs:
        i, j = names.index(a), names.index(b)
        matrix[i, j] = matrix[j, i] = rho
    n = len(draws[names[0]])
    scores = rng.standard_normal((n, len(names))) @ np.linalg.cholesky(matrix).T
    out = dict(draws)
    for k, name in enumerate(names):
        ranks = np.argsort(np.argsort(scores[:, k]))
        out[name] = np.sort(draws[name])[ranks]
    return out


def draw(params: dict[str, Parameter], pairs, n: int = DRAWS, seed: int = SEED) -> dict:
    """One array of `n` draws per parameter (PERT over its range), correlated as stated."""
    rng = np.random.default_rng(seed)
    draws = {name: pert(rng, p.low, p.value, p.high, n) for name, p in sorted(params.items())}
    return correlate(draws, [(a, b, r) for a, b, r in pairs if a in draws and b in draws], rng)


# ---- observed block prices ------------------------------------------------------------------


def _years_covered(row):
    """Years a row's contract value covers, from its own value_period wording: a value
    'including extensions' covers the initial term plus the extensions; 'per year' one year."""
    text = str(row["value_period"] or "").lower()
    if "extension" in text and "incl" in text:
        return row["term_years"] + row["extension_years"]
    if "per year" in text:
        return 1
    return None


def observed_block_prices(arrangements):
    """Price per contracted bed-week of every block row stating a value: value ÷ years ÷ beds ÷
    52, with the kind of value (maximum, estimate or stated) and why a row is left out."""
    import pandas as pd

    rows = []
    blocks = arrangements[arrangements["model"] == "block"].sort_values("id")
    for _, row in blocks.iterrows():
        if pd.isna(row["contract_value_gbp"]):
            continue
        text = str(row["value_period"] or "").lower()
        years = _years_covered(row)
        reason = "beds not stated" if pd.isna(row["beds"]) else ""
        if not reason and (years is None or pd.isna(years)):
            reason = "period of the value not stated"
        price = None if reason else row["contract_value_gbp"] / years / row["beds"] / 52
        rows.append(
            {
                "Arrangement": row["id"],
                "Value": row["contract_value_gbp"],
                "Beds": row["beds"],
                "Years covered": None if reason else years,
                "Kind": "maximum"
                if "maximum" in text
                else "estimate"
                if "estimat" in text
                else "stated",
                "Price per bed-week": price,
                "Left out because": reason,
            }
        )
    return pd.DataFrame(rows)


# ---- occupancy from how beds turn over ----------------------------------------------------


def solo_factor(solo, home_beds):
    """Children housed per bed-week used: a solo child takes a whole home of `home_beds` beds."""
    return 1.0 / ((1 - solo) + solo * home_beds)


def occupancy(stay, empty, solo=0.0, home_beds=1.0):
    """Steady-state share of bed-weeks filled when each child stays `stay` weeks and each change
    of child leaves the bed empty for `empty` weeks."""
    return stay / (stay + empty) * solo_factor(solo, home_beds)


def first_year_occupancy(steady, ramp):
    """A new block fills evenly over `ramp` weeks, so its first year loses half of them."""
    return steady * np.clip(1 - ramp / (2 * WEEKS_PER_YEAR), 0, 1)


# ---- the council's saving -----------------------------------------------------------------


def breakeven_occupancy(block_price, spot_price, void_share=1.0, council_cost_bed_week=0.0):
    """Occupancy at which the block costs the council what spot purchase of the same children
    would: spot × o = block × (o + void_share × (1 − o)) + council-side cost per bed-week."""
    return (block_price * void_share + council_cost_bed_week) / (
        spot_price - block_price * (1 - void_share)
    )


def affordable_empty_weeks(stay, breakeven, solo=0.0, home_beds=1.0):
    """Empty weeks per change of child at which occupancy falls to the break-even (0 when even
    no empty time is affordable)."""
    return np.maximum(stay * (solo_factor(solo, home_beds) / breakeven - 1), 0.0)


def yearly_saving(beds, occ, block_price, spot_price, void_share=1.0, council_cost=0.0):
    """A year's saving of the block against buying its children spot (negative: it costs more)."""
    paid = block_price * (occ + void_share * (1 - occ))
    return WEEKS_PER_YEAR * beds * (occ * spot_price - paid) - council_cost


def real_change(indexation, inflation):
    """Yearly real change of a block price whose clause passes on `indexation` of inflation
    (1: fully indexed, 0: fixed in cash, so it falls in real terms)."""
    return (1 + indexation * inflation) / (1 + inflation) - 1


def discount_factors(rate: float, years: int) -> np.ndarray:
    """Green Book convention: year 0 (the first year) is not discounted."""
    return (1 + rate) ** -np.arange(years, dtype=float)


def saving_paths(
    years, beds, occ, ramp, block_price, spot_price, spot_growth, block_change, void_share, cost
):
    """Yearly savings (draws × years) as spot prices and the block price move in real terms."""
    t = np.arange(years, dtype=float)
    col = np.asarray
    steady = col(occ)[..., None]
    occ_t = np.where(t == 0, first_year_occupancy(steady, col(ramp)[..., None]), steady)
    spot_t = col(spot_price)[..., None] * (1 + col(spot_growth)[..., None]) ** t
    block_t = col(block_price)[..., None] * (1 + col(block_change)[..., None]) ** t
    return yearly_saving(
        col(beds)[..., None],
        occ_t,
        block_t,
        spot_t,
        col(void_share)[..., None],
        col(cost)[..., None],
    )


def summary(values: np.ndarray) -> dict:
    p10, p50, p90 = np.percentile(values, [10, 50, 90])
    return {"p_positive": float(np.mean(values > 0)), "p10": p10, "p50": p50, "p90": p90}


# ---- block size ---------------------------------------------------------------------------


def poisson_at_least(k: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """P(D >= k) for Poisson demand D with the given mean (arrays broadcast)."""
    k = np.asarray(k, dtype=int)
    mean = np.asarray(mean, dtype=float)
    top = int(k.max()) if k.size else 0
    j = np.arange(top)
    lgamma = np.vectorize(math.lgamma)(j + 1.0)
    pmf = np.exp(j * np.log(mean[..., None]) - mean[..., None] - lgamma)
    below = np.concatenate([np.zeros(mean.shape + (1,)), np.cumsum(pmf, axis=-1)], axis=-1)
    return np.clip(1 - np.take(below, k, axis=-1), 0, 1)


def recommended_beds(p_used: np.ndarray, price_ratio: float) -> int:
    """Beds worth buying: bed k earns its price only while P(bed k used) >= block ÷ spot price."""
    worth = np.asarray(p_used) >= price_ratio
    return int(np.argmin(worth)) if not worth.all() else len(worth)


# ---- the provider's price for a term --------------------------------------------------------


def annuity_factor(rate, years):
    """Present value of 1 a year for `years` years, paid from year 0 (as discount_factors)."""
    return sum((1 + rate) ** -t for t in range(int(years)))


def exit_years(clause: str, term: int, notice: int, breaks: tuple[int, ...]) -> list[int]:
    """Years after which the contract may end early: a no-fault clause from the end of the notice
    period in every year; break clauses only at their years; none without a clause."""
    if clause == "no-fault":
        return list(range(notice + 1, term))
    if clause == "breaks":
        return [b for b in breaks if b < term]
    return []


def survival(term: int, hazard, opportunities: list[int]) -> np.ndarray:
    """P(contract still running) in each year 0..term-1 when the council leaves at an exit
    opportunity with probability 1 − (1 − hazard)^(years since the last one)."""
    hazard = np.asarray(hazard, dtype=float)[..., None]
    alive = np.ones(hazard.shape[:-1] + (term,))
    last, keep = 0, np.ones(hazard.shape[:-1] + (1,))
    for year in range(term):
        if year in opportunities:
            keep = keep * (1 - hazard) ** (year - last)
            last = year
        alive[..., year : year + 1] = keep
    return alive


def provider_cost_bed_week(spot_price, market_occupancy, spot_margin):
    """What a bed costs a provider each week, filled or not (staff, property, overheads): the
    spot price less the operating margin (CMA), spread over the beds at market occupancy."""
    return spot_price * (1 - spot_margin) * market_occupancy


def provider_npv(
    price, term, cost, upfront, end_void_weeks, rate, alive, block_change=0.0, markup=0.0
):
    """Provider's expected net present value of a block bed after the margin it needs: price
    less marked-up cost each year the contract runs, the up-front cost of opening, and the
    empty weeks after the contract ends before spot purchase refills the bed."""
    total = -np.asarray(upfront, dtype=float)
    ended = 0.0
    for year in range(term):
        running = alive[..., year]
        earned = price * (1 + block_change) ** year - cost * (1 + markup)
        total = total + (1 + rate) ** -year * running * WEEKS_PER_YEAR * earned
        ends = running - (alive[..., year + 1] if year + 1 < term else 0.0)
        ended = ended + ends * (1 + rate) ** -(year + 1)
    return total - ended * end_void_weeks * cost


def provider_price(term, cost, markup, upfront, end_void_weeks, rate, alive, block_change=0.0):
    """The lowest block price per contracted bed-week at which the provider's NPV is zero."""
    at_zero = provider_npv(0.0, term, cost, upfront, end_void_weeks, rate, alive, 0.0, markup)
    per_pound = provider_npv(1.0, term, 0.0, 0.0, 0.0, rate, alive, block_change)
    return -at_zero / per_pound


def property_charge(capital, rate, years, asset_years):
    """Weekly charge per bed that recovers a home's capital over `years` when the provider keeps
    what is left of it afterwards (straight-line over `asset_years`, valued at the end)."""
    residual = capital * max(0.0, 1 - years / asset_years)
    recovered = capital - residual * (1 + rate) ** -years
    return recovered / annuity_factor(rate, years) / WEEKS_PER_YEAR


def zero_commitment_price(cost, spot_margin, market_occupancy, upfront, asset_years, rate):
    """Price per occupied child-week with no commitment: the provider carries the voids, needs
    the spot margin and recovers its opening cost over the home's life."""
    per_bed = (
        cost / (1 - spot_margin) + upfront / annuity_factor(rate, asset_years) / WEEKS_PER_YEAR
    )
    return per_bed / market_occupancy
