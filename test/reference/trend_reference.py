#!/usr/bin/python3
"""Reference values for uprate's seasonal quasi-binomial trend (src/stats/seasonal-trend.ts).

Run with Debian's python3 (apt-get install python3-scipy python3-statsmodels):

    /usr/bin/python3 test/reference/trend_reference.py > test/reference/trend-reference.json

Each case is a synthetic series drawn here from a seeded numpy generator (so the file is
reproducible) and fitted with statsmodels' GLM, Binomial family, logit link, on an intercept,
the period index t and (when the window spans two seasonal cycles, m >= 2s periods counting any
without offers) treatment-coded season dummies, the lowest season level as reference (as patsy's C(month) would code it).

Dispersion. statsmodels 0.13 `GLM(endog=[k, n - k], ...).fit(scale='X2')` leaves the number
of trials out of its Pearson scale (statsmodels issue #3612: `_estimate_x2_scale` uses the
proportion residual without n; #3612 fixed only `pearson_chi2`), so for counts its "X2" scale is not Pearson X^2 / df. The
quasi-binomial dispersion phi = X^2 / (m - p) (McCullagh & Nelder 1989, sec. 4.5; R's
`summary(glm(..., family = quasibinomial))`) is what the same call gives with the proportion as
endog and n as `var_weights`; that fit is the reference here, and the script checks that its
params equal the two-column fit's and its scale equals the two-column fit's `pearson_chi2 /
df_resid`. The slope test uses phi floored at 1 and a t distribution on m - p degrees of
freedom (scipy `t.sf`); `pValueRaw` is statsmodels' own `use_t=True` p-value with the raw phi.
Floats are written with repr(), so they round-trip exactly.
"""
import datetime
import json
import sys
import warnings

import numpy as np
import scipy
import statsmodels
import statsmodels.api as sm
from scipy import stats

# Log-odds swing by calendar month, January first: the demo's Q4 peak and Q3 dip.
MONTH_SWING = [-0.05, -0.05, -0.05, 0.0, 0.0, 0.0, -0.1, -0.1, -0.1, 0.12, 0.18, 0.15]
QUARTER_SWING = [-0.05, 0.0, -0.12, 0.15]
SEASON_LENGTH = {'month': 12, 'quarter': 4}
DEFAULT_WINDOW = {'month': 36, 'quarter': 12}


def f(x):
    return float(x)


def month_starts(year, month, count):
    out = []
    for i in range(count):
        y, m = divmod(month - 1 + i, 12)
        out.append(datetime.date(year + y, m + 1, 1))
    return out


def quarter_starts(year, quarter, count):
    return [datetime.date(d.year, d.month, 1) for d in month_starts(year, 3 * (quarter - 1) + 1, 3 * count)[::3]]


def day_starts(first, step, count):
    return [first + datetime.timedelta(days=step * i) for i in range(count)]


def season_of(grain, day):
    if grain == 'month':
        return day.month
    if grain == 'quarter':
        return (day.month - 1) // 3 + 1
    return None


def draw(rng, grain, starts, base, trend, noise, n_range, empty=()):
    """k of n per period: logit = base + season + trend * t + N(0, noise)."""
    periods = []
    for t, day in enumerate(starts):
        season = 0.0
        if grain == 'month':
            season = MONTH_SWING[day.month - 1]
        elif grain == 'quarter':
            season = QUARTER_SWING[(day.month - 1) // 3]
        n = 0 if t in empty else int(rng.integers(n_range[0], n_range[1] + 1))
        eta = base + season + trend * t + noise * rng.standard_normal()
        k = int(rng.binomial(n, 1 / (1 + np.exp(-eta)))) if n > 0 else 0
        periods.append([k, n, day.isoformat()])
    return periods


def fit(case):
    grain = case['grain']
    periods = case['periods']
    window = case.get('window') or DEFAULT_WINDOW.get(grain, 12)
    last = periods[-window:]
    m = len(last)
    rows = [(t, p) for t, p in enumerate(last) if p[1] > 0]
    s = SEASON_LENGTH.get(grain)
    seasonal = s is not None and m >= 2 * s  # the window spans two cycles
    k = np.array([p[0] for _, p in rows], dtype=float)
    n = np.array([p[1] for _, p in rows], dtype=float)
    t = np.array([t for t, _ in rows], dtype=float)
    columns = [np.ones_like(t), t]
    names = ['intercept', 't']
    levels = []
    if seasonal:
        season = [season_of(grain, datetime.date.fromisoformat(p[2])) for _, p in rows]
        levels = sorted(set(season))
        for level in levels[1:]:
            columns.append(np.array([1.0 if x == level else 0.0 for x in season]))
            names.append(f'season{level}')
    X = np.column_stack(columns)

    counts = sm.GLM(np.column_stack([k, n - k]), X, family=sm.families.Binomial()).fit(tol=1e-13, maxiter=200)
    quasi = sm.GLM(k / n, X, family=sm.families.Binomial(), var_weights=n).fit(
        scale='X2', use_t=True, tol=1e-13, maxiter=200)
    X2 = f(counts.pearson_chi2)
    df = int(quasi.df_resid)
    phi = X2 / df
    assert np.allclose(counts.params, quasi.params, rtol=1e-10, atol=1e-12), 'two-column and var_weights fits differ'
    assert abs(quasi.scale - phi) <= 1e-10 * phi, (quasi.scale, phi)
    assert np.allclose(quasi.bse, counts.bse * np.sqrt(phi), rtol=1e-8), 'bse is not sqrt(phi) * binomial bse'
    assert abs(f(counts.deviance) - f(quasi.deviance)) <= 1e-8 * abs(f(counts.deviance)) + 1e-10

    # Over-dispersion test of the linear (intercept + t) fit: Pearson X^2 on m - 2 df.
    linear = sm.GLM(np.column_stack([k, n - k]), X[:, :2], family=sm.families.Binomial()).fit(tol=1e-13, maxiter=200)
    phi_used = max(phi, 1.0)
    beta = f(counts.params[1])
    se = f(counts.bse[1]) * np.sqrt(phi_used)
    z = beta / se
    p_value = f(2 * stats.t.sf(abs(z), df))
    pbar = f(k.sum() / n.sum())
    return {
        'label': case['label'],
        'grain': grain,
        'window': case.get('window'),
        'periods': periods,
        'windowPeriods': m,
        'rows': [int(x) for x in t],
        'k': [int(x) for x in k],
        'n': [int(x) for x in n],
        'design': [[f(v) for v in row] for row in X],
        'seasonal': bool(seasonal),
        'seasonLevels': levels,
        'names': names,
        'params': [f(x) for x in quasi.params],
        'bse': [f(x) for x in quasi.bse],
        'bseBinomial': [f(x) for x in counts.bse],
        'pearsonChi2': X2,
        'deviance': f(counts.deviance),
        'dfResid': df,
        'dispersion': phi,
        'dispersionStatsmodelsCountsX2': f(sm.GLM(np.column_stack([k, n - k]), X, family=sm.families.Binomial())
                                          .fit(scale='X2', tol=1e-13, maxiter=200).scale),
        'tRaw': f(quasi.tvalues[1]),
        'pValueRaw': f(quasi.pvalues[1]),
        'dispersionUsed': phi_used,
        'z': f(z),
        'pValue': p_value,
        'pbar': pbar,
        'slope': beta * pbar * (1 - pbar),
        'linearPearsonChi2': f(linear.pearson_chi2),
        'linearDf': int(linear.df_resid),
        'overdispersionP': f(stats.chi2.sf(linear.pearson_chi2, linear.df_resid)),
    }


def cases():
    rng = np.random.default_rng(20240607)
    out = []
    out.append({'label': 'seasonal, no trend, 36 months', 'grain': 'month',
                'periods': draw(rng, 'month', month_starts(2022, 1, 36), -1.6, 0.0, 0.12, (400, 700))})
    out.append({'label': 'seasonal plus trend -0.02/month, 30 months from April', 'grain': 'month',
                'periods': draw(rng, 'month', month_starts(2022, 4, 30), -1.5, -0.02, 0.1, (400, 700))})
    out.append({'label': 'short: 12 months, seasonal, no trend', 'grain': 'month',
                'periods': draw(rng, 'month', month_starts(2024, 1, 12), -1.6, 0.0, 0.12, (400, 700))})
    out.append({'label': 'quarterly, 12 quarters, season and a small trend', 'grain': 'quarter',
                'periods': draw(rng, 'quarter', quarter_starts(2021, 1, 12), -1.4, 0.01, 0.05, (1500, 2100))})
    out.append({'label': 'over-dispersed, 24 months, one month without offers', 'grain': 'month',
                'periods': draw(rng, 'month', month_starts(2023, 1, 24), -1.7, 0.0, 0.3, (300, 600), empty=(10,))})
    out.append({'label': 'weekly, 20 weeks, last 12 tested', 'grain': 'week',
                'periods': draw(rng, 'week', day_starts(datetime.date(2024, 1, 1), 7, 20), -1.2, 0.015, 0.05, (80, 160))})
    out.append({'label': 'long: 40 months, last 36 tested', 'grain': 'month',
                'periods': draw(rng, 'month', month_starts(2021, 9, 40), -1.6, 0.005, 0.1, (400, 700))})
    out.append({'label': 'binomial noise only, 24 months (dispersion below 1 floored)', 'grain': 'month',
                'periods': draw(rng, 'month', month_starts(2023, 1, 24), -1.6, 0.0, 0.0, (400, 700))})
    out.append({'label': 'monthly, window 18 given: no season terms', 'grain': 'month', 'window': 18,
                'periods': draw(rng, 'month', month_starts(2022, 1, 30), -1.6, -0.01, 0.08, (400, 700))})
    out.append({'label': 'daily, 12 days, tiny counts', 'grain': 'day',
                'periods': draw(rng, 'day', day_starts(datetime.date(2024, 3, 1), 1, 12), -1.0, 0.03, 0.0, (5, 25))})
    return out


def main():
    warnings.simplefilter('error')  # a convergence or domain warning should stop the script
    data = {
        'meta': {
            'python': sys.version.split()[0], 'scipy': scipy.__version__, 'statsmodels': statsmodels.__version__,
            'numpy': np.__version__,
            'generator': 'test/reference/trend_reference.py',
            'monthSwing': MONTH_SWING,
            'quarterSwing': QUARTER_SWING,
        },
        'cases': [fit(c) for c in cases()],
    }
    json.dump(data, sys.stdout, indent=1)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
