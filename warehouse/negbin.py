"""Negative-binomial tail probabilities for the alert tests (docs/indicators.md, "Alerts").

A count X with mean `mu` and size `k` (variance mu + mu**2 / k; k None, no extra variance, is Poisson) has
    P(X <= x) = I_p(k, x + 1)   and   P(X >= x) = I_{1-p}(x, k),   with p = k / (k + mu),
where I is the regularized incomplete beta function, evaluated here by its continued fraction
(Lentz's method, as in Press et al., Numerical Recipes, section 6.4); a Poisson count has
P(X >= x) = P(x, mu), the regularized lower incomplete gamma function (section 6.2). Exact for any size of count,
so a 7-day sum of thousands of events costs the same as a single day. warehouse.indicators
computes them for the region-days that need a test and joins them back (NULL in, NULL out).
"""

from __future__ import annotations

import math

# Poisson when the extra variance mu^2 / k is below this share of the mean: a size judged by itself would
# drop real variance at large means (a mean's uncertainty gives K = b x mu, growing with mu)
POISSON_BELOW = 1e-9
_EPS = 1e-15
_TINY = 1e-300


def _betacf(a: float, b: float, x: float) -> float:
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, 10_000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return h


def betainc(a: float, b: float, x: float) -> float:
    """The regularized incomplete beta function I_x(a, b), a, b > 0, 0 <= x <= 1."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def _gamma_pq(a: float, x: float) -> tuple[float, float]:
    """(P(a, x), Q(a, x)): the regularized lower and upper incomplete gamma functions (Numerical Recipes,
    section 6.2). The one the method computes directly is exact to double precision even when tiny; the
    other is 1 minus it, so a far tail never loses its digits to cancellation."""
    if x <= 0.0:
        return 0.0, 1.0
    front = math.exp(-x + a * math.log(x) - math.lgamma(a))
    if x < a + 1.0:  # series for P
        term = total = 1.0 / a
        ap = a
        for _ in range(100_000):
            ap += 1.0
            term *= x / ap
            total += term
            if abs(term) < abs(total) * _EPS:
                break
        p = min(1.0, total * front)
        return p, 1.0 - p
    b = x + 1.0 - a  # continued fraction for Q
    c, d = 1.0 / _TINY, 1.0 / b
    h = d
    for i in range(1, 100_000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = b + an / c
        c = c if abs(c) > _TINY else _TINY
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    q = min(1.0, front * h)
    return 1.0 - q, q


def nb_lower(x: float | None, mu: float | None, k: float | None) -> float | None:
    """P(X <= x) for X ~ NB(mean mu, size k); k None is Poisson (no extra variance)."""
    if x is None or mu is None:
        return None
    if x < 0:
        return 0.0
    if mu <= 0:
        return 1.0
    if k is None or mu / k < POISSON_BELOW:  # Poisson: P(X <= x) = Q(x + 1, mu)
        return max(0.0, _gamma_pq(math.floor(x) + 1.0, mu)[1])
    return min(1.0, max(0.0, betainc(k, math.floor(x) + 1.0, k / (k + mu))))


def nb_upper(x: float | None, mu: float | None, k: float | None) -> float | None:
    """P(X >= x) for X ~ NB(mean mu, size k); k None is Poisson (no extra variance)."""
    if x is None or mu is None:
        return None
    if x <= 0:
        return 1.0
    if mu <= 0:
        return 0.0
    if k is None or mu / k < POISSON_BELOW:  # Poisson: P(X >= x) = P(x, mu)
        return max(0.0, _gamma_pq(math.ceil(x), mu)[0])
    return min(1.0, max(0.0, betainc(math.ceil(x), k, mu / (k + mu))))
