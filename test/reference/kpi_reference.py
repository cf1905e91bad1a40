#!/usr/bin/python3
"""Reference statistics for uprate's /api/v1 endpoints on test/fixture-data.ts.

Inputs are counts made by plain SQL (test/reference/kpi-fixture-counts.ts writes
kpi-counts.json): each group's k of n and its customers' own [offers, accepted]. Every statistic
below comes from scipy / statsmodels, except where a function says it evaluates a documented
formula with numpy (p-chart and Laney limits, the empirical-Bayes moments prior, the interval
levels that agree with adjusted p-values).

    node --import tsx test/reference/kpi-fixture-counts.ts > test/reference/kpi-counts.json
    /usr/bin/python3 test/reference/kpi_reference.py > test/reference/kpi-reference.json

Offers cluster by customer (in the fixture each customer's offers share one outcome pattern), so:

- Design effect of a group: the cluster-robust variance of its rate r = sum k_c / sum n_c, from
  statsmodels OLS of the per-offer 0/1 outcome on a constant with cov_type='cluster' grouped by
  customer (small-sample factor C/(C-1), checked against the hand formula
  C/(C-1) * sum (k_c - r n_c)^2 / (sum n_c)^2), over the binomial r(1-r)/n, floored at 1; exactly
  1 (binomial) with fewer than 2 customers, one offer per customer, or r in {0, 1}.
- Intervals: proportion_confint on the effective counts k/d of n/d (exact below 30 of them).
- Two groups (Rao-Scott): proportions_ztest and the Newcombe interval on each side's effective
  counts; Fisher's exact test on the rounded effective counts when an expected count is below 5.
- A segment's rest: the other segments' offers, each (segment, customer) pair its own cluster.
- Omnibus chi^2 (Rao-Scott first order): Pearson X^2 / (sum n_i d_i / sum n_i), same df.
- Leaderboard: prior from raw counts by moments; posterior Beta(a + k/d, b + (n - k)/d).
- Benchmark: proportions_ztest(k/d, n/d, value=p0, prop_var=p0).
- Changes between two different periods are not tested while either is still filling in.
- Monthly trend: quasi-binomial GLM fitted as in trend_reference.py (k/n, var_weights=n,
  scale='X2'; no season terms with fewer than 24 months), dispersion floored at 1, t test.
"""
import json
import os
import warnings

import numpy as np
import scipy
import statsmodels
import statsmodels.api as sm
from scipy import optimize, stats
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
EXACT_BELOW = 30  # effective offers
MIN_EXPECTED = 5
MONTH_SEASON = 12


def f(x):
    return None if x is None else float(x)


def design(pairs):
    """Design effect of one population from its clusters' [offers, accepted] (one pair per cluster)."""
    n_c = np.array([p[0] for p in pairs], float)
    k_c = np.array([p[1] for p in pairs], float)
    N, K, C = n_c.sum(), k_c.sum(), len(pairs)
    out = {'k': int(K), 'n': int(N), 'customers': C}
    r = K / N if N > 0 else None
    binomial_var = r * (1 - r) / N if N > 0 else None
    if N == 0 or C < 2 or np.all(n_c == 1) or binomial_var == 0:
        return {**out, 'variance': 'binomial', 'designEffect': 1.0, 'rawDesignEffect': None, 'clusteredVariance': None,
                'binomialVariance': f(binomial_var), 'effectiveOffers': f(N), 'effectiveAccepted': f(K)}
    y = np.concatenate([np.r_[np.ones(int(k)), np.zeros(int(n - k))] for n, k in zip(n_c, k_c)])
    groups = np.repeat(np.arange(C), n_c.astype(int))
    fit = sm.OLS(y, np.ones((len(y), 1))).fit(cov_type='cluster', cov_kwds={'groups': groups})
    assert abs(fit.params[0] - r) <= 1e-12 * r
    var = float(fit.cov_params()[0, 0])
    hand = C / (C - 1) * np.sum((k_c - r * n_c) ** 2) / N ** 2
    assert abs(var - hand) <= 1e-10 * hand, (var, hand)
    raw = var / binomial_var
    d = max(1.0, raw)
    return {**out, 'variance': 'customer-clustered', 'designEffect': f(d), 'rawDesignEffect': f(raw), 'clusteredVariance': f(var),
            'binomialVariance': f(binomial_var), 'effectiveOffers': f(N / d), 'effectiveAccepted': f(K / d)}


def rest_pairs(groups, i):
    """The clusters of every segment but i: each (segment, customer) pair its own cluster."""
    return [p for j, g in enumerate(groups) if j != i for p in g['perCustomer']]


def rate(group, method='wilson', level=LEVEL):
    """The rate's interval: `method` on the effective counts (exact below 30 effective offers)."""
    d = design(group['perCustomer'])
    assert (d['k'], d['n']) == (group['k'], group['n']), group['label']
    k, n = d['effectiveAccepted'], d['effectiveOffers']
    used = 'exact' if n < EXACT_BELOW else method
    lo, hi = proportion_confint(k, n, alpha=1 - level, method={'exact': 'beta'}.get(used, used))
    # uprate's endpoint convention (see stats_reference.py): lower 0 at k = 0, upper 1 at k = n
    lo = 0.0 if k == 0 else lo
    hi = 1.0 if k == n else hi
    return {'lower': f(lo), 'upper': f(hi), 'method': used, 'level': level,
            'variance': d['variance'], 'designEffect': d['designEffect'], 'customers': d['customers'],
            'effectiveOffers': d['effectiveOffers'], 'rawDesignEffect': d['rawDesignEffect'],
            'clusteredVariance': d['clusteredVariance'], 'binomialVariance': d['binomialVariance']}


def round_half_up(x):
    return int(np.floor(x + 0.5))


def compare(a, b, level=LEVEL):
    """A - B (design() dicts): Rao-Scott z test (or Fisher) and Newcombe interval on effective counts."""
    ka, na, kb, nb = a['effectiveAccepted'], a['effectiveOffers'], b['effectiveAccepted'], b['effectiveOffers']
    accepted, total = ka + kb, na + nb
    min_expected = min(na, nb) * min(accepted, total - accepted) / total
    if min_expected < MIN_EXPECTED:
        fa_n, fb_n = max(1, round_half_up(na)), max(1, round_half_up(nb))
        fa_k, fb_k = min(fa_n, round_half_up(ka)), min(fb_n, round_half_up(kb))
        test, z = 'fisher', None
        p = stats.fisher_exact([[fa_k, fa_n - fa_k], [fb_k, fb_n - fb_k]])[1]
    else:
        test = 'z'
        z, p = proportions_ztest([ka, kb], [na, nb])
    lo, hi = confint_proportions_2indep(ka, na, kb, nb, method='newcomb', compare='diff', alpha=1 - level)
    difference = a['k'] / a['n'] - b['k'] / b['n']
    clustered = a['designEffect'] > 1 or b['designEffect'] > 1
    return {'difference': f(difference), 'test': test, 'z': f(z), 'p': f(p), 'lower': f(lo), 'upper': f(hi),
            'minExpected': f(min_expected), 'variance': 'customer-clustered' if clustered else 'binomial',
            'designEffects': [a['designEffect'], b['designEffect']]}


def not_judged(a, b):
    """A change involving a period still filling in: the difference and design effects, no test."""
    return {'difference': f(a['k'] / a['n'] - b['k'] / b['n']), 'relativeChange': f((a['k'] / a['n'] - b['k'] / b['n']) / (b['k'] / b['n'])),
            'designEffects': [a['designEffect'], b['designEffect']]}


def change(current, previous):
    c = compare(design(current['perCustomer']), design(previous['perCustomer']))
    c['relativeChange'] = f(c['difference'] / (previous['k'] / previous['n']))
    return c


def step_levels(p, adj, method):
    """uprate's documented interval levels that agree with adjusted p-values: 1 - alpha * p / p_adj,
    or the rank's step level (Holm 1/(m - rank + 1), BH rank/m) where that ratio is undefined.
    Ranks are ascending, ties in input order; p-values equal to 12 digits are ties (segments with
    the same counts differ only by the order their customers were summed in)."""
    m = len(p)
    order = np.argsort([float(f'{x:.12g}') for x in p], kind='stable')
    rank = np.empty(m, int)
    rank[order] = np.arange(1, m + 1)
    out = []
    for pi, ai, ri in zip(p, adj, rank):
        step = 1 / (m - ri + 1) if method == 'holm' else ri / m
        share = pi / ai if pi > 0 and 0 < ai < 1 else step
        out.append(1 - ALPHA * share)
    return out


def breakdown(groups, method):
    segments = [design(g['perCustomer']) for g in groups]
    rests = [design(rest_pairs(groups, i)) for i in range(len(groups))]
    rows = []
    for g, s, r in zip(groups, segments, rests):
        assert (s['k'], s['n']) == (g['k'], g['n'])
        rows.append({'label': g['label'], 'rate': rate(g), 'restDesignEffect': r['designEffect'], 'restCustomers': r['customers'], **compare(s, r)})
    p = [r['p'] for r in rows]
    sm_method = {'holm': 'holm', 'bh': 'fdr_bh'}[method]
    reject, adj, _, _ = multipletests(p, alpha=ALPHA, method=sm_method)
    levels = step_levels(p, adj, method)
    for row, a, rej, level, s, r in zip(rows, adj, reject, levels, segments, rests):
        row['adjusted'] = f(a)
        row['significant'] = bool(rej)
        lo_hi = compare(s, r, level)
        row['adjustedLevel'] = f(level)
        row['adjustedInterval'] = [lo_hi['lower'], lo_hi['upper']]
    table = np.array([[g['k'], g['n'] - g['k']] for g in groups])
    pearson, _, dof, _ = stats.chi2_contingency(table, correction=False)
    mean_effect = sum(g['n'] * s['designEffect'] for g, s in zip(groups, segments)) / sum(g['n'] for g in groups)
    chi2 = pearson / mean_effect
    return {'rows': rows, 'pearson': f(pearson), 'meanDesignEffect': f(mean_effect), 'chi2': f(chi2),
            'chiP': f(stats.chi2.sf(chi2, dof)), 'df': int(dof)}


def control_chart(months):
    """Chart choice by the binomial Pearson chi^2 of equal rates (scipy), then p or Laney p' limits
    (documented formulas with numpy)."""
    table = np.array([[m['k'], m['n'] - m['k']] for m in months])
    chi2, chi_p, dof, _ = stats.chi2_contingency(table, correction=False)
    kind = 'laney' if chi_p < 0.05 else 'p'
    k = table[:, 0].astype(float)
    n = np.array([m['n'] for m in months], float)
    centre = k.sum() / n.sum()
    sigma = np.sqrt(centre * (1 - centre) / n)
    z = (k / n - centre) / sigma
    laney = np.mean(np.abs(np.diff(z))) / 1.128
    sigma_z = max(1.0, laney) if kind == 'laney' else 1.0
    width = 3 * sigma * sigma_z
    return {'kind': kind, 'choice': {'statistic': f(chi2), 'df': int(dof), 'p': f(chi_p)}, 'laneySigmaZ': f(laney), 'sigmaZ': f(sigma_z),
            'centre': f(centre), 'lcl': [f(max(0.0, x)) for x in centre - width], 'ucl': [f(min(1.0, x)) for x in centre + width]}


def trend(months):
    """Quasi-binomial logistic GLM on the month index, as trend_reference.py (no season terms
    below 24 months); over-dispersion of the linear fit (Pearson X^2 test) leaves no direction."""
    assert len(months) < 2 * MONTH_SEASON
    k = np.array([m['k'] for m in months], float)
    n = np.array([m['n'] for m in months], float)
    t = np.arange(len(months), dtype=float)
    X = np.column_stack([np.ones_like(t), t])
    counts = sm.GLM(np.column_stack([k, n - k]), X, family=sm.families.Binomial()).fit(tol=1e-13, maxiter=200)
    quasi = sm.GLM(k / n, X, family=sm.families.Binomial(), var_weights=n).fit(scale='X2', use_t=True, tol=1e-13, maxiter=200)
    X2 = f(counts.pearson_chi2)
    df = int(quasi.df_resid)
    phi = X2 / df
    assert np.allclose(counts.params, quasi.params, rtol=1e-10, atol=1e-12)
    assert abs(quasi.scale - phi) <= 1e-10 * phi
    beta = f(counts.params[1])
    z = beta / (f(counts.bse[1]) * np.sqrt(max(phi, 1.0)))
    p = f(2 * stats.t.sf(abs(z), df))
    pbar = k.sum() / n.sum()
    over = stats.chi2.sf(X2, df) < 0.05  # the fitted model is the linear one: its X^2 tests over-dispersion
    direction = None if over else ('rising' if z > 0 else 'falling') if p < 0.05 else 'flat'
    return {'z': f(z), 'p': p, 'dispersion': f(phi), 'df': df, 'slope': f(beta * pbar * (1 - pbar)),
            'overdispersionP': f(stats.chi2.sf(X2, df)), 'direction': direction, 'periods': len(months)}


def month_changes(months, charted_labels):
    """Each month against the one before: tested only when both are complete; Holm over those."""
    out = [None]
    for prev, cur in zip(months, months[1:]):
        a, b = design(cur['perCustomer']), design(prev['perCustomer'])
        complete = cur['label'] in charted_labels and prev['label'] in charted_labels
        c = compare(a, b) if complete else not_judged(a, b)
        c.pop('relativeChange', None)  # a time series' changes carry no relative change
        out.append({'period': cur['label'], 'judged': complete, **c})
    judged = [c for c in out if c and c['judged']]
    _, adj, _, _ = multipletests([c['p'] for c in judged], alpha=ALPHA, method='holm')
    for c, a in zip(judged, adj):
        c['adjusted'] = f(a)
        c['significant'] = bool(a <= ALPHA)
    return out


def shrink(groups):
    """Empirical-Bayes prior from the raw counts by moments (uprate's documented estimator, numpy);
    each posterior Beta(a + k/d, b + (n - k)/d) from scipy."""
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
        d = design(g['perCustomer'])
        A, B = a + d['effectiveAccepted'], b + (d['effectiveOffers'] - d['effectiveAccepted'])
        rows.append({'label': g['label'], 'designEffect': d['designEffect'], 'mean': f(stats.beta.mean(A, B)),
                     'lower': f(stats.beta.ppf(0.025, A, B)), 'upper': f(stats.beta.isf(0.025, A, B)), 'above': f(stats.beta.sf(p, A, B))})
    return {'alpha': f(a), 'beta': f(b), 'overall': f(p), 'rows': rows}


def benchmark(group):
    d = design(group['perCustomer'])
    p0 = BENCHMARKS[group['label']]
    z, p = proportions_ztest(d['effectiveAccepted'], d['effectiveOffers'], value=p0, prop_var=p0)
    return {'industry': group['label'], 'rate': rate(group), 'z': f(z), 'p': f(p)}


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
    warnings.simplefilter('error')  # a convergence or domain warning should stop the script
    with open(os.path.join(HERE, 'kpi-counts.json')) as fh:
        c = json.load(fh)
    t = c['total']
    assert len(t['perCustomer']) == c['customersOffered']
    for name in ('months', 'accountSize', 'industry', 'channel', 'offerName'):
        assert sum(g['n'] for g in c[name]) == t['n'] and sum(g['k'] for g in c[name]) == t['k'], name
    # Complete months: nothing pending (every fixture month ends before the as-of day).
    charted = [m for m in c['months'] if m['pending'] == 0]
    charted_labels = {m['label'] for m in charted}
    email = next(g for g in c['channel'] if g['label'] == 'email')
    assert c['recent']['pending'] > 0 and c['complete']['pending'] == 0 and c['completePrevious']['pending'] == 0
    out = {
        'meta': {'scipy': scipy.__version__, 'statsmodels': statsmodels.__version__, 'numpy': np.__version__,
                 'generator': 'test/reference/kpi_reference.py'},
        'total': {m: rate(t, m) for m in ('wilson', 'jeffreys', 'exact')},
        'totalLevel90': rate(t, 'wilson', 0.9),
        'industries': [benchmark(g) for g in c['industry'] if g['label'] in BENCHMARKS],
        'recent': rate(c['recent']),
        'previous': rate(c['previous']),
        'provisionalChange': not_judged(design(c['recent']['perCustomer']), design(c['previous']['perCustomer'])),
        'complete': rate(c['complete']),
        'completePrevious': rate(c['completePrevious']),
        'change': change(c['complete'], c['completePrevious']),
        'months': {
            'rates': [rate(m) for m in c['months']],
            'charted': [m['label'] for m in charted],
            'chart': control_chart(charted),
            'trend': trend(charted),
            'changes': month_changes(c['months'], charted_labels),
        },
        'accountSize': breakdown(c['accountSize'], 'holm'),
        'industryHolm': breakdown(c['industry'], 'holm'),
        'industryBh': breakdown(c['industry'], 'bh'),
        'channelBh': breakdown(c['channel'], 'bh'),
        'leaderboard': shrink(c['offerName']),
        'email': rate(email),
        'compareAllEmail': compare(design(t['perCustomer']), design(email['perCustomer'])),
        'sampleSize': sample_size(0.15, 0.18, 1000),
    }
    print(json.dumps(out, indent=1))


if __name__ == '__main__':
    main()
