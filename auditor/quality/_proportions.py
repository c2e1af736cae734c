"""Intervals for proportions and their differences.

Wilson's score interval behaves at shares near 0 or 1 (missing shares usually
are), where the normal (Wald) interval collapses to a point. A difference of two
independent proportions gets Newcombe's hybrid score interval (his method 10),
built from the two Wilson intervals.
"""

from __future__ import annotations

import math

from scipy import stats

__all__ = ["wilson_interval", "newcombe_interval"]


def _z(confidence_level: float) -> float:
    return float(stats.norm.ppf(0.5 + confidence_level / 2))


def wilson_interval(k: float, n: float, confidence_level: float = 0.95) -> tuple[float | None, float | None]:
    """Wilson score interval of ``k / n``; ``(None, None)`` when ``n == 0``.

    Equals ``scipy.stats.binomtest(k, n).proportion_ci(confidence_level, "wilson")``.
    """
    if n <= 0:
        return None, None
    z = _z(confidence_level)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe_interval(k1: float, n1: float, k2: float, n2: float,
                      confidence_level: float = 0.95) -> tuple[float | None, float | None]:
    """Newcombe's hybrid score interval for ``k1/n1 - k2/n2``; ``(None, None)`` when a sample is empty."""
    if n1 <= 0 or n2 <= 0:
        return None, None
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson_interval(k1, n1, confidence_level)
    l2, u2 = wilson_interval(k2, n2, confidence_level)
    d = p1 - p2
    return d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
