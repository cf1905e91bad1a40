#!/usr/bin/python3
"""Reference statistics for uprate's /api/v1 endpoints on test/fixture-data.ts.

Inputs are counts made by plain SQL (test/reference/kpi-fixture-counts.ts writes
kpi-counts.json); every statistic below comes from scipy / statsmodels, except the p-chart
limits and the empirical-Bayes moments prior, which evaluate the documented formulas with numpy.

    node --import tsx test/reference/kpi-fixture-counts.ts > test/reference/kpi-counts.json
    /usr/bin/python3 test/reference/kpi_reference.py > test/reference/kpi-reference.json
"""
import json
import os

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

HERE = os.path.dirname(os.path.abspath(__file__))
LEVEL = 0.95
ALPHA = 1 - LEVEL
BENCHMARKS = {'retail': 0.15, 'saas': 0.25, 'consumer_goods': 0.18}
MAX_STRENGTH = 10_000


def f(x):
    return None if x is None else float(x)


def wilson(k, n, level=LEVEL):
    lo, hi = proportion_confint(k, n, alpha=1 - level, method='wilson')
    return [f(lo), f(hi)]


def interval(k, n, method, level=LEVEL):
    """uprate's rule: exact (Clopper-Pearson) below 30 offers, else the method asked for."""
    if n < 30:
        method = 'beta'
    lo, hi = proportion_confint(k, n, alpha=1 - level, method={'exact': 'beta'}.get(method, method))
    if method == 'jeffreys':  # uprate's endpoint convention (see stats_reference.py)
        lo = 0.0 if k == 0 else lo
        hi = 1.0 if k == n else hi
    return [f(lo), f(hi)]


def compare(k1, n1, k2, n2, level=LEVEL):
    """Pooled z test and Newcombe interval of A - B (every fixture cell is far above 5)."""
    z, p = proportions_ztest([k1, k2], [n1, n2])
    lo, hi = confint_proportions_2indep(k1, n1, k2, n2, method='newcomb', compare='diff', alpha=1 - level)
    return {'difference': (k1 / n1 - k2 / n2), 'z': f(z), 'p': f(p), 'lower': f(lo), 'upper': f(hi)}


def breakdown(groups, method):
    K = sum(g['k'] for g in groups)
    N = sum(g['n'] for g in groups)
    rows = [dict(label=g['label'], **compare(g['k'], g['n'], K - g['k'], N - g['n'])) for g in groups]
    p = [r['p'] for r in rows]
    reject, adj, _, _ = multipletests(p, alpha=ALPHA, method={'holm': 'holm', 'bh': 'fdr_bh'}[method])
    for r, a, rej, g in zip(rows, adj, reject, groups):
        r['adjusted'] = f(a)
        r['significant'] = bool(rej)
        # interval at the level that agrees with the adjusted p-value: 1 - alpha * p / p_adj
        if a < 1:
            level = 1 - ALPHA * r['p'] / a
            lo, hi = confint_proportions_2indep(g['k'], g['n'], K - g['k'], N - g['n'], method='newcomb', compare='diff', alpha=1 - level)
            r['adjustedLevel'] = f(level)
            r['adjustedInterval'] = [f(lo), f(hi)]
    chi2, chi_p, dof, _ = stats.chi2_contingency(np.array([[g['k'], g['n'] - g['k']] for g in groups]), correction=False)
    return {'rows': rows, 'chi2': f(chi2), 'chiP': f(chi_p), 'df': int(dof)}


def p_chart(months):
    k = np.array([m['k'] for m in months], float)
    n = np.array([m['n'] for m in months], float)
    centre = k.sum() / n.sum()
    sigma = np.sqrt(centre * (1 - centre) / n)
    return {'centre': f(centre), 'lcl': [f(max(0.0, x)) for x in centre - 3 * sigma], 'ucl': [f(min(1.0, x)) for x in centre + 3 * sigma]}


def trend(months):
    table = np.array([[m['k'], m['n'] - m['k']] for m in months], float)
    res = Table(table, shift_zeros=False).test_ordinal_association(
        row_scores=np.arange(len(months), dtype=float), col_scores=np.array([1.0, 0.0]))
    N = table.sum()
    z = res.zscore * np.sqrt(N / (N - 1))  # Cochran-Armitage (see stats_reference.py)
    return {'z': f(z), 'p': f(2 * stats.norm.sf(abs(z)))}


def shrink(groups):
    k = np.array([g['k'] for g in groups], float)
    n = np.array([g['n'] for g in groups], float)
    G, W = len(n), n.sum()
    p = k.sum() / W
    S = np.sum(n * (k / n - p) ** 2)
    rho = (S / (p * (1 - p)) - (G - 1)) / (W - G + 1 - np.sum(n ** 2) / W)
    strength = MAX_STRENGTH if not rho > 0 else min(1 / rho - 1, MAX_STRENGTH)
    a, b = p * strength, (1 - p) * strength
    rows = []
    for g in groups:
        A, B = a + g['k'], b + g['n'] - g['k']
        rows.append({'label': g['label'], 'mean': f(stats.beta.mean(A, B)), 'lower': f(stats.beta.ppf(0.025, A, B)),
                     'upper': f(stats.beta.isf(0.025, A, B)), 'above': f(stats.beta.sf(p, A, B))})
    return {'alpha': f(a), 'beta': f(b), 'overall': f(p), 'rows': rows}


def sample_size(p1, p2, n_mde, alpha=0.05, power=0.8):
    pw = NormalIndPower()
    h = proportion_effectsize(p2, p1)
    n = pw.solve_power(effect_size=h, alpha=alpha, power=power, ratio=1.0, alternative='two-sided')
    n = optimize.brentq(lambda x: pw.power(effect_size=h, nobs1=x, alpha=alpha, ratio=1.0, alternative='two-sided') - power,
                        n * 0.99, n * 1.01, xtol=1e-12, rtol=4 * np.finfo(float).eps)
    hm = pw.solve_power(effect_size=None, nobs1=n_mde, alpha=alpha, power=power, ratio=1.0, alternative='two-sided')
    hm = optimize.brentq(lambda x: pw.power(effect_size=x, nobs1=n_mde, alpha=alpha, ratio=1.0, alternative='two-sided') - power,
                         hm * 0.9, hm * 1.1, xtol=1e-15, rtol=4 * np.finfo(float).eps)
    phi = np.arcsin(np.sqrt(p1))
    return {'h': f(h), 'n': f(n), 'nPerArm': int(np.ceil(n - 1e-9)), 'mdeH': f(hm),
            'upperRate': f(np.sin(phi + hm / 2) ** 2), 'lowerRate': f(np.sin(phi - hm / 2) ** 2)}


def main():
    with open(os.path.join(HERE, 'kpi-counts.json')) as fh:
        c = json.load(fh)
    t = c['total']
    charted = [m for m in c['months'] if m['pending'] == 0]
    email = next(g for g in c['channel'] if g['label'] == 'email')
    out = {
        'meta': {'scipy': scipy.__version__, 'statsmodels': statsmodels.__version__, 'numpy': np.__version__,
                 'generator': 'test/reference/kpi_reference.py'},
        'total': {m: interval(t['k'], t['n'], m) for m in ('wilson', 'jeffreys', 'exact')},
        'totalLevel90': wilson(t['k'], t['n'], 0.9),
        'industries': [
            {'industry': g['label'], 'interval': wilson(g['k'], g['n']),
             'p': f(proportions_ztest(g['k'], g['n'], value=BENCHMARKS[g['label']], prop_var=BENCHMARKS[g['label']])[1])}
            for g in c['industry'] if g['label'] in BENCHMARKS
        ],
        'change': compare(c['recent']['k'], c['recent']['n'], c['previous']['k'], c['previous']['n']),
        'months': {
            'intervals': [wilson(m['k'], m['n']) for m in c['months']],
            'charted': [m['label'] for m in charted],
            'pChart': p_chart(charted),
            'trend': trend(charted),
            'latestChange': compare(charted[-1]['k'], charted[-1]['n'], charted[-2]['k'], charted[-2]['n']),
        },
        'accountSize': breakdown(c['accountSize'], 'holm'),
        'industryHolm': breakdown(c['industry'], 'holm'),
        'industryBh': breakdown(c['industry'], 'bh'),
        'channelBh': breakdown(c['channel'], 'bh'),
        'leaderboard': shrink(c['offerName']),
        'compareAllEmail': compare(t['k'], t['n'], email['k'], email['n']),
        'sampleSize': sample_size(0.15, 0.18, 1000),
    }
    print(json.dumps(out, indent=1))


if __name__ == '__main__':
    main()
