"""Staggered difference-in-differences on an authority-by-year panel, with placebo inference.

Kept in the package (not in an analysis) so tests can check it on panels they make; the
analysis `block_contract_outcomes` calls it.

The design (one *stack* per treated authority, as in a stacked event study):
- a stack compares the treated authority's change from its pre-start years to its post-start
  years with the same change in every *clean control*: an authority in the pool with data in all
  of the stack's years that is not treated by the end of the stack's window (never treated, or
  not yet treated);
- in a balanced stack that comparison is exactly the two-way fixed-effects estimate (authority
  and year effects, one post-start indicator), which `library_estimate` fits with statsmodels to
  check the array form;
- the estimate is the mean of the stacks' estimates (each treated authority counts once);
- placebo draws give the same start years to authorities drawn at random from the pool (each
  with data in its stack's years): thousands of draws are a few array operations each, never a
  model fit per draw.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Design:
    """One outcome's panel and the treated stacks.

    y: (authorities, years) outcome, NaN where missing; years: (years,) calendar years;
    pool: (authorities,) who may be a control or a placebo; starts: (stacks,) start years;
    pre/post: (stacks, years) the years each stack compares; horizon: (stacks,) last year a
    control must still be untreated.
    """

    y: np.ndarray
    years: np.ndarray
    pool: np.ndarray
    starts: np.ndarray
    pre: np.ndarray
    post: np.ndarray
    horizon: np.ndarray


def windows(years, starts, before: int | None, after: int | None):
    """Pre and post masks: years start-before..start and start+1..start+after (None: every
    year of the panel on that side). The start year's 31 March is before a contract starting
    in the spring, so it counts as pre-start."""
    years = np.asarray(years)
    starts = np.asarray(starts)[:, None]
    lo = -np.inf if before is None else starts - before
    hi = np.inf if after is None else starts + after
    pre = (years[None, :] >= lo) & (years[None, :] <= starts)
    post = (years[None, :] > starts) & (years[None, :] <= hi)
    return pre, post


def design(y, years, pool, starts, before, after, have) -> Design:
    """A Design whose pre/post years are those of `windows` where the panel has any data."""
    years = np.asarray(years)
    starts = np.asarray(starts, dtype=float)
    pre, post = windows(years, starts, before, after)
    pre, post = pre & have[None, :], post & have[None, :]
    horizon = np.array(
        [years[p].max() if p.any() else s for p, s in zip(post, starts, strict=True)]
    )
    return Design(np.asarray(y, float), years, np.asarray(pool, bool), starts, pre, post, horizon)


def long_differences(d: Design) -> np.ndarray:
    """(stacks, authorities): mean of the post years minus mean of the pre years, NaN unless
    the authority has data in every year of the stack."""
    out = np.full((len(d.starts), d.y.shape[0]), np.nan)
    for k in range(len(d.starts)):
        both = d.pre[k] | d.post[k]
        if not d.pre[k].any() or not d.post[k].any():
            continue
        complete = np.isfinite(d.y[:, both]).all(axis=1)
        diff = d.y[:, d.post[k]].mean(axis=1) - d.y[:, d.pre[k]].mean(axis=1)
        out[k] = np.where(complete, diff, np.nan)
    return out


def stack_estimates(d: Design, units: np.ndarray, diffs: np.ndarray | None = None) -> np.ndarray:
    """(draws, stacks) estimates when stack k's authority is units[:, k].

    Controls of stack k: pool authorities with a long difference, less every assigned
    authority whose start is on or before the stack's horizon (treated by then)."""
    diffs = long_differences(d) if diffs is None else diffs
    units = np.atleast_2d(units)
    draws, stacks = units.shape
    ok = np.isfinite(diffs) & d.pool[None, :]
    values = np.where(ok, diffs, 0.0)
    total, count = values.sum(axis=1), ok.sum(axis=1)
    out = np.empty((draws, stacks))
    for k in range(stacks):
        drop = np.zeros(draws)
        dropped = np.zeros(draws)
        for j in range(stacks):
            if d.starts[j] <= d.horizon[k]:
                hit = ok[k, units[:, j]]
                drop += np.where(hit, values[k, units[:, j]], 0.0)
                dropped += hit
        out[:, k] = diffs[k, units[:, k]] - (total[k] - drop) / (count[k] - dropped)
    return out


def draw_units(d: Design, draws: int, seed: int, diffs: np.ndarray | None = None) -> np.ndarray:
    """(draws, stacks) distinct pool authorities, each with data in its stack's years."""
    diffs = long_differences(d) if diffs is None else diffs
    rng = np.random.default_rng(seed)
    keys = rng.random((draws, d.y.shape[0]))
    taken = np.zeros_like(keys, dtype=bool)
    rows = np.arange(draws)
    units = np.empty((draws, len(d.starts)), dtype=int)
    eligible = np.isfinite(diffs) & d.pool[None, :]
    for k in range(len(d.starts)):
        masked = np.where(eligible[k][None, :] & ~taken, keys, np.inf)
        units[:, k] = masked.argmin(axis=1)
        taken[rows, units[:, k]] = True
    return units


def event_study(d: Design, units: np.ndarray, events: np.ndarray) -> np.ndarray:
    """(draws, events): mean over stacks of the treated authority's change from the start year
    to start+e, less the clean controls' mean change; NaN where no stack reaches e."""
    units = np.atleast_2d(units)
    draws, stacks = units.shape
    year_index = {int(y): i for i, y in enumerate(d.years)}
    total = np.zeros((draws, len(events)))
    weight = np.zeros((draws, len(events)))
    for k in range(stacks):
        ref = year_index.get(int(d.starts[k]))
        if ref is None:
            continue
        for m, e in enumerate(events):
            col = year_index.get(int(d.starts[k] + e))
            if col is None:
                continue
            diff = d.y[:, col] - d.y[:, ref]
            ok = np.isfinite(diff) & d.pool
            values = np.where(ok, diff, 0.0)
            drop = np.zeros(draws)
            dropped = np.zeros(draws)
            for j in range(stacks):
                if d.starts[j] <= d.horizon[k]:
                    hit = ok[units[:, j]]
                    drop += np.where(hit, values[units[:, j]], 0.0)
                    dropped += hit
            treated = diff[units[:, k]]
            with np.errstate(invalid="ignore", divide="ignore"):
                est = treated - (values.sum() - drop) / (ok.sum() - dropped)
            good = np.isfinite(est)
            total[:, m] += np.where(good, est, 0.0)
            weight[:, m] += good
    with np.errstate(invalid="ignore"):
        return np.where(weight > 0, total / np.maximum(weight, 1), np.nan)


def permutation_p(observed: float, placebo: np.ndarray) -> tuple[float, float]:
    """(two-sided, one-sided for a fall) permutation p-values, the observed assignment counted
    once. Two-sided is equal-tailed (twice the smaller tail), so it agrees with the interval
    below when the placebo distribution is skewed."""
    n = len(placebo)
    low = (1 + np.sum(placebo <= observed)) / (n + 1)
    high = (1 + np.sum(placebo >= observed)) / (n + 1)
    return float(min(1.0, 2 * min(low, high))), float(low)


def placebo_interval(observed: float, placebo: np.ndarray, level: float = 0.95):
    """Conley and Taber's interval for few treated units: the observed estimate less the
    placebo estimates' central quantiles (a constant effect, noise like the placebos')."""
    tail = (1 - level) / 2
    lo, hi = np.quantile(placebo, [tail, 1 - tail])
    return float(observed - hi), float(observed - lo)


def power_against(fall: float, placebo: np.ndarray, alpha: float = 0.05) -> float:
    """Share of estimates (a true fall of `fall` plus a placebo draw) that the equal-tailed
    placebo test at `alpha` rejects."""
    lo, hi = np.quantile(placebo, [alpha / 2, 1 - alpha / 2])
    shifted = placebo - fall
    return float(np.mean((shifted <= lo) | (shifted >= hi)))


def minimum_detectable(placebo: np.ndarray, alpha: float = 0.05, power: float = 0.8) -> float:
    """Smallest fall that the equal-tailed placebo test at `alpha` detects with `power`
    (bisection on a power curve that rises with the fall)."""
    low, high = 0.0, float(np.ptp(placebo)) * 2 + 1e-12
    for _ in range(60):
        mid = (low + high) / 2
        if power_against(mid, placebo, alpha) >= power:
            high = mid
        else:
            low = mid
    return high


def pre_slopes(y: np.ndarray, years: np.ndarray, first: float, last: float, least: int = 3):
    """(authorities,) least-squares slope per year over first..last; NaN with fewer than
    `least` years of data."""
    cols = (years >= first) & (years <= last)
    sub, t = y[:, cols], years[cols].astype(float)
    ok = np.isfinite(sub)
    n = ok.sum(axis=1)
    tt = np.where(ok, t[None, :], 0.0)
    yy = np.where(ok, sub, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        tm, ym = tt.sum(1) / n, yy.sum(1) / n
        cov = (np.where(ok, (tt - tm[:, None]) * (yy - ym[:, None]), 0)).sum(1)
        var = (np.where(ok, (tt - tm[:, None]) ** 2, 0)).sum(1)
        slope = cov / var
    return np.where(n >= least, slope, np.nan)


def library_estimate(d: Design, units, codes):
    """The same stacks fitted as two-way fixed-effects regressions by statsmodels OLS
    (authority x stack and year x stack effects, one post-start indicator per stack), with
    standard errors clustered by authority. Returns (per-stack coefficients, their mean, the
    mean's 95% interval)."""
    # the regression module alone: statsmodels.api also imports every other model (a third more)
    from statsmodels.regression.linear_model import OLS

    diffs = long_differences(d)
    ok = np.isfinite(diffs) & d.pool[None, :]
    units = [int(u) for u in np.atleast_1d(units)]
    y, unit_fe, year_fe, post, cluster = [], [], [], [], []
    for k, unit in enumerate(units):
        drop = {u for j, u in enumerate(units) if d.starts[j] <= d.horizon[k] and u != unit}
        members = [int(a) for a in np.nonzero(ok[k])[0] if int(a) not in drop]
        cols = np.nonzero(d.pre[k] | d.post[k])[0]
        for a in members:
            for c in cols:
                y.append(d.y[a, c])
                unit_fe.append((k, a))
                year_fe.append((k, int(c)))
                post.append(
                    [float(j == k and a == unit and d.post[k, c]) for j in range(len(units))]
                )
                cluster.append(a)
    units_index = {u: i for i, u in enumerate(sorted(set(unit_fe)))}
    years_index = {t: i for i, t in enumerate(sorted(set(year_fe)))}
    rows = np.arange(len(y))
    a_dummies = np.zeros((len(y), len(units_index)))
    a_dummies[rows, [units_index[u] for u in unit_fe]] = 1
    # one year effect per stack is absorbed by that stack's authority effects
    first_year = {k: min(t for kk, t in years_index if kk == k) for k in range(len(units))}
    keep = [i for (k, t), i in years_index.items() if t != first_year[k]]
    t_dummies = np.zeros((len(y), len(years_index)))
    t_dummies[rows, [years_index[t] for t in year_fe]] = 1
    X = np.column_stack([np.array(post), a_dummies, t_dummies[:, sorted(keep)]])
    fit = OLS(np.array(y), X).fit(cov_type="cluster", cov_kwds={"groups": np.array(cluster)})
    coefs = np.asarray(fit.params[: len(units)])
    weights = np.zeros(X.shape[1])
    weights[: len(units)] = 1 / len(units)
    low, high = (float(v) for v in np.asarray(fit.t_test(weights).conf_int(alpha=0.05)).ravel())
    return coefs, float(coefs.mean()), (low, high)
