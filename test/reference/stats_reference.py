#!/usr/bin/python3
"""Reference values for uprate's src/stats, from an independent implementation.

Run with Debian's python3 (apt-get install python3-scipy python3-statsmodels):

    /usr/bin/python3 test/reference/stats_reference.py > test/reference/stats-reference.json

Every number comes from scipy / statsmodels except where a section says otherwise
(`prior_moments` evaluates uprate's documented formula with numpy; `trend` converts
statsmodels' permutation-variance statistic to the Cochran-Armitage one, see below).
Floats are written with repr(), so they round-trip exactly.
"""
import json
import sys

import numpy as np
import scipy
import statsmodels
from scipy import optimize, stats
from statsmodels.stats.contingency_tables import Table
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportion_effectsize,
    proportions_ztest,
)

LEVELS = [0.8, 0.9, 0.95, 0.99, 0.999]


def f(x):
    """Plain float (numpy scalars are not JSON)."""
    return float(x)


def intervals():
    cases = [
        (0, 1), (1, 1), (0, 2), (1, 2), (0, 10), (10, 10), (1, 10), (3, 12), (9, 10), (18, 100),
        (0, 29), (29, 29), (14, 29), (15, 30), (50, 1000), (999, 1000), (0, 10_000_000),
        (3, 10_000_000), (1_500_000, 10_000_000), (9_999_999, 10_000_000), (10_000_000, 10_000_000),
        (1, 3), (2, 7), (123, 4567),
    ]
    out = []
    for k, n in cases:
        for level in LEVELS:
            alpha = 1 - level
            w = proportion_confint(k, n, alpha=alpha, method='wilson')
            j = proportion_confint(k, n, alpha=alpha, method='jeffreys')
            b = proportion_confint(k, n, alpha=alpha, method='beta')
            # statsmodels 0.13 gives the raw Jeffreys quantiles; uprate uses the usual endpoint
            # convention (Brown, Cai & DasGupta 2001): lower 0 at k = 0, upper 1 at k = n.
            jl = 0.0 if k == 0 else f(j[0])
            ju = 1.0 if k == n else f(j[1])
            out.append({
                'k': k, 'n': n, 'level': level,
                'wilson': [f(w[0]), f(w[1])],
                'jeffreys': [jl, ju],
                'exact': [f(b[0]), f(b[1])],
            })
    return out


PAIRS = [
    (30, 100, 18, 100), (18, 100, 30, 100), (5, 50, 5, 50), (0, 40, 6, 40), (1, 20, 0, 20),
    (40, 40, 35, 40), (1, 1, 0, 1), (120, 1000, 150, 1000), (5000, 10000, 3000, 10000),
    (1_500_000, 10_000_000, 1_501_000, 10_000_000), (3, 10_000_000, 12, 10_000_000),
    (8, 9, 2, 7), (2, 3, 1, 4), (100, 100, 0, 100), (7, 250, 19, 260), (45, 300, 30, 310),
]


def z_tests():
    out = []
    for k1, n1, k2, n2 in PAIRS:
        pooled = (k1 + k2) / (n1 + n2)
        if pooled in (0, 1):
            continue  # statsmodels gives NaN; uprate documents z = 0, p = 1
        z, p = proportions_ztest([k1, k2], [n1, n2])
        out.append({'k1': k1, 'n1': n1, 'k2': k2, 'n2': n2, 'z': f(z), 'p': f(p)})
    return out


def newcombe():
    out = []
    for k1, n1, k2, n2 in PAIRS:
        for level in (0.9, 0.95, 0.99, 0.9975):
            lo, hi = confint_proportions_2indep(k1, n1, k2, n2, method='newcomb', compare='diff', alpha=1 - level)
            out.append({'k1': k1, 'n1': n1, 'k2': k2, 'n2': n2, 'level': level, 'lower': f(lo), 'upper': f(hi)})
    return out


def fisher():
    tables = [(k1, n1, k2, n2) for k1, n1, k2, n2 in PAIRS if n1 < 1_000_000] + [
        (3, 10_000_000, 0, 10_000_000), (0, 10_000_000, 9, 10_000_000), (3, 6, 3, 6), (3, 4, 1, 4),
        (1, 4, 3, 4), (100, 100, 0, 100), (500, 500, 0, 500), (1000, 1000, 0, 1000), (0, 5, 0, 7),
        (5, 5, 7, 7), (2, 2000, 9, 1500), (12, 40, 2, 38), (0, 1, 1, 1), (60, 200, 20, 200),
    ]
    out = []
    for k1, n1, k2, n2 in tables:
        res = stats.fisher_exact([[k1, n1 - k1], [k2, n2 - k2]])
        odds = f(res[0])
        out.append({
            'k1': k1, 'n1': n1, 'k2': k2, 'n2': n2, 'p': f(res[1]),
            'oddsRatio': odds if np.isfinite(odds) else None,
        })
    return out


def chi2():
    cases = [
        ([(10, 100), (20, 100), (30, 100)], False),
        ([(10, 100), (20, 100), (30, 100)], True),
        ([(30, 100), (18, 100)], False),
        ([(30, 100), (18, 100)], True),
        ([(3, 20), (0, 15), (8, 22), (1, 9)], False),
        ([(3, 20), (0, 0), (8, 22), (1, 9)], False),  # a group with no offers is dropped
        ([(500, 1000), (100, 1000), (300, 1000), (900, 1000)], False),  # tiny p
        ([(5000, 10000), (3000, 10000)], False),
        ([(1_500_000, 10_000_000), (1_501_000, 10_000_000), (1_498_000, 10_000_000)], False),
        ([(12, 80), (15, 90), (9, 70), (20, 85), (11, 60), (14, 75)], False),
        ([(1, 1), (0, 1)], False),
        ([(1, 1), (0, 1)], True),
        ([(4, 30), (5, 30)], True),
    ]
    out = []
    for groups, yates in cases:
        rows = [[k, n - k] for k, n in groups if n > 0]
        res = stats.chi2_contingency(rows, correction=yates)
        out.append({
            'groups': [[k, n] for k, n in groups], 'yates': yates,
            'statistic': f(res[0]), 'p': f(res[1]), 'df': int(res[2]),
        })
    return out


def chi2_sf():
    out = []
    for df in (1, 2, 3, 4, 5, 6, 9, 10, 11, 20, 49, 100):
        for x in (0.5, 1.0, 3.84, 10.0, 25.0, 40.0, 80.0, 150.0, 400.0, 1000.0, 1300.0):
            p = stats.chi2.sf(x, df)
            if p > 0:
                out.append({'x': x, 'df': df, 'p': f(p)})
    return out


def multitest():
    rng = np.random.default_rng(20261122)
    families = [
        [0.01, 0.04, 0.03],
        [0.01],
        [0.0, 0.5, 1.0, 0.02],
        [0.01, 0.01, 0.02, 0.02, 0.5],
        [1e-300, 1e-12, 0.049, 0.051, 0.2, 0.9],
        [0.5, 0.6, 0.7, 0.8],
        list(rng.uniform(0, 0.1, 12)),
        list(rng.uniform(0, 1, 30)),
        list(np.concatenate([rng.uniform(0, 0.001, 5), rng.uniform(0, 1, 15)])),
    ]
    out = []
    for p in families:
        p = [float(x) for x in p]
        row = {'p': p}
        for name, method in (('holm', 'holm'), ('bh', 'fdr_bh'), ('bonferroni', 'bonferroni')):
            reject, adj, _, _ = multipletests(p, alpha=0.05, method=method)
            row[name] = [f(x) for x in adj]
            row[name + 'Reject'] = [bool(x) for x in reject]
        out.append(row)
    return out


def beta_posterior():
    cases = [(18, 100, 1, 1), (0, 10, 1, 1), (10, 10, 1, 1), (0, 0, 1, 1), (1, 1, 0.5, 0.5),
             (3, 10, 15, 85), (1_500_000, 10_000_000, 1, 1), (40, 500, 3.2, 17.9), (2, 5, 0.3, 2.1)]
    refs = [0.0, 0.1, 0.15, 0.18, 0.2, 0.25, 0.5, 0.95, 1.0]
    out = []
    for k, n, a, b in cases:
        for level in (0.9, 0.95, 0.99):
            A, B = a + k, b + n - k
            tail = (1 - level) / 2
            out.append({
                'k': k, 'n': n, 'alpha': a, 'beta': b, 'level': level,
                'mean': f(stats.beta.mean(A, B)),
                'lower': f(stats.beta.ppf(tail, A, B)), 'upper': f(stats.beta.isf(tail, A, B)),
                'above': [[r, f(stats.beta.sf(r, A, B))] for r in refs],
            })
    # tiny tails
    out.append({'k': 500, 'n': 1000, 'alpha': 1, 'beta': 1, 'level': 0.95,
                'mean': f(stats.beta.mean(501, 501)),
                'lower': f(stats.beta.ppf(0.025, 501, 501)), 'upper': f(stats.beta.isf(0.025, 501, 501)),
                'above': [[0.7, f(stats.beta.sf(0.7, 501, 501))], [0.3, f(stats.beta.sf(0.3, 501, 501))]]})
    return out


PRIOR_SETS = [
    [(5, 40), (30, 120), (2, 50), (60, 300)],
    [(12, 80), (15, 90), (9, 70), (20, 85), (11, 60), (14, 75), (3, 10), (40, 150)],
    [(1, 20), (9, 20), (2, 20), (12, 20), (0, 20), (7, 20), (15, 20)],
    [(50, 400), (120, 600), (8, 90), (31, 140), (300, 1500), (2, 25), (90, 350), (5, 70), (44, 200)],
]


def prior_moments():
    """uprate's documented moments estimator, evaluated with numpy (a formula check)."""
    out = []
    for groups in PRIOR_SETS:
        k = np.array([g[0] for g in groups], float)
        n = np.array([g[1] for g in groups], float)
        G, W = len(n), n.sum()
        p = k.sum() / W
        S = np.sum(n * (k / n - p) ** 2)
        rho = (S / (p * (1 - p)) - (G - 1)) / (W - G + 1 - np.sum(n ** 2) / W)
        s = 1 / rho - 1
        out.append({'groups': [list(g) for g in groups], 'alpha': f(p * s), 'beta': f((1 - p) * s), 'rho': f(rho)})
    return out


def prior_mle():
    """Maximum marginal likelihood of the beta-binomial with scipy.stats.betabinom and L-BFGS-B."""
    out = []
    for groups in PRIOR_SETS:
        k = np.array([g[0] for g in groups])
        n = np.array([g[1] for g in groups])

        def nll(theta):
            a, b = np.exp(theta)
            return -np.sum(stats.betabinom.logpmf(k, n, a, b))

        best = None
        for start in ([0.0, 0.0], [1.0, 3.0], [-1.0, 1.0], [2.0, 5.0]):
            r = optimize.minimize(nll, start, method='L-BFGS-B', options={'ftol': 1e-15, 'gtol': 1e-12, 'maxiter': 10000})
            r = optimize.minimize(nll, r.x, method='Nelder-Mead', options={'xatol': 1e-12, 'fatol': 1e-14, 'maxiter': 20000})
            if best is None or r.fun < best.fun:
                best = r
        a, b = np.exp(best.x)
        out.append({'groups': [list(g) for g in groups], 'alpha': f(a), 'beta': f(b), 'nll': f(best.fun)})
    return out


def trend():
    """statsmodels' linear-by-linear test uses the permutation variance (N - 1 in place of N);
    z_CA = z_statsmodels * sqrt(N / (N - 1)). Both are given."""
    series = [
        [(10, 100), (12, 100), (15, 100), (18, 100), (20, 100)],
        [(30, 150), (28, 160), (25, 170), (20, 150), (19, 160), (15, 155), (14, 170), (12, 150), (10, 160), (11, 150), (9, 140), (8, 150)],
        [(5, 50), (6, 55), (4, 48), (7, 60), (5, 52), (6, 51)],
        [(20, 200), (0, 0), (25, 210), (30, 190)],
        [(1500, 10000), (1480, 10000), (1510, 10000), (1400, 10000), (1380, 10000), (1350, 10000),
         (1300, 10000), (1290, 10000), (1250, 10000), (1200, 10000), (1180, 10000), (1100, 10000)],
    ]
    out = []
    for s in series:
        rows = [(t, k, n) for t, (k, n) in enumerate(s) if n > 0]
        table = np.array([[k, n - k] for _, k, n in rows], float)
        res = Table(table, shift_zeros=False).test_ordinal_association(
            row_scores=np.array([t for t, _, _ in rows], float), col_scores=np.array([1.0, 0.0]))
        N = table.sum()
        z = res.zscore * np.sqrt(N / (N - 1))
        out.append({'periods': [list(x) for x in s], 'zStatsmodels': f(res.zscore), 'z': f(z),
                    'p': f(2 * stats.norm.sf(abs(z)))})
    return out


def power():
    pw = NormalIndPower()
    sizes = []
    for p1, p2 in ((0.15, 0.18), (0.10, 0.12), (0.20, 0.10), (0.5, 0.6), (0.01, 0.015), (0.25, 0.2501)):
        for alpha, target in ((0.05, 0.8), (0.01, 0.9), (0.1, 0.5)):
            h = proportion_effectsize(p2, p1)
            n = pw.solve_power(effect_size=h, alpha=alpha, power=target, ratio=1.0, alternative='two-sided')
            # polished to machine precision with brentq on statsmodels' power function
            exact = optimize.brentq(
                lambda x: pw.power(effect_size=h, nobs1=x, alpha=alpha, ratio=1.0, alternative='two-sided') - target,
                n * 0.99, n * 1.01, xtol=1e-12, rtol=4 * np.finfo(float).eps)
            sizes.append({'p1': p1, 'p2': p2, 'alpha': alpha, 'power': target, 'h': f(h),
                          'nSolvePower': f(n), 'n': f(exact)})
    at = []
    for h in (0.01, 0.05, 0.0812, 0.2, 0.5, -0.3):
        for n in (10, 100, 2399, 50000):
            at.append({'h': h, 'n': n, 'alpha': 0.05, 'power': f(pw.power(effect_size=h, nobs1=n, alpha=0.05, ratio=1.0, alternative='two-sided'))})
    mde = []
    for n in (100, 1000, 2000, 100000):
        for alpha, target in ((0.05, 0.8), (0.01, 0.9)):
            h = pw.solve_power(effect_size=None, nobs1=n, alpha=alpha, power=target, ratio=1.0, alternative='two-sided')
            # solve_power stops with the power up to 1e-5 off for this direction; brentq on
            # statsmodels' own power function gives the root to machine precision.
            exact = optimize.brentq(
                lambda x: pw.power(effect_size=x, nobs1=n, alpha=alpha, ratio=1.0, alternative='two-sided') - target,
                h * 0.9, h * 1.1, xtol=1e-15, rtol=4 * np.finfo(float).eps)
            mde.append({'n': n, 'alpha': alpha, 'power': target, 'hSolvePower': f(h), 'h': f(exact)})
    effect = [{'p1': a, 'p2': b, 'h': f(proportion_effectsize(a, b))}
              for a, b in ((0.15, 0.18), (0.0, 1.0), (0.5, 0.5), (0.2, 0.1), (1e-7, 0.0))]
    return {'sampleSize': sizes, 'powerAt': at, 'mde': mde, 'effectSize': effect}


def main():
    data = {
        'meta': {
            'python': sys.version.split()[0], 'scipy': scipy.__version__, 'statsmodels': statsmodels.__version__,
            'numpy': np.__version__,
            'generator': 'test/reference/stats_reference.py',
        },
        'intervals': intervals(),
        'zTests': z_tests(),
        'newcombe': newcombe(),
        'fisher': fisher(),
        'chiSquare': chi2(),
        'chiSquareSurvival': chi2_sf(),
        'multitest': multitest(),
        'betaPosterior': beta_posterior(),
        'priorMoments': prior_moments(),
        'priorMle': prior_mle(),
        'trend': trend(),
        'power': power(),
    }
    json.dump(data, sys.stdout, indent=1)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
