"""Number formatting for the report, in one place."""

from __future__ import annotations

import math

from auditor.results import Estimate

__all__ = ["fmt_num", "fmt_ci", "fmt_range", "fmt_pct", "fmt_count", "fmt_datetime", "status_css", "TINY", "fmt_plain"]


#: Below this magnitude a reader sees "< 0.001", never scientific notation.
TINY = 1e-3


def fmt_num(x: float | None, digits: int = 3) -> str:
    """A number as a lay reader reads it: plain decimals, never scientific notation.

    Below 1, three significant digits with at least ``digits`` decimals (``0.928``,
    ``0.0561``, ``0.500``: the figure a finding's sentence gives); below 0.001,
    ``< 0.001`` (``> −0.001`` for a small negative number); thousands with commas.
    """
    if x is None:
        return "—"
    if x != x:  # NaN
        return "undefined"
    if x != 0 and abs(x) < TINY:
        return "< 0.001" if x > 0 else "> −0.001"
    ax = abs(x)
    if ax >= 1000:
        return f"{x:,.0f}"
    if ax >= 100:
        return f"{x:.1f}"
    return f"{x:.{_places(x, digits)}f}"


def fmt_plain(x: float) -> str:
    """A setting as written, in positional notation: ``1e-05`` -> ``0.00001``."""
    if isinstance(x, float) and x == x and abs(x) not in (float("inf"),):
        text = f"{x:.12f}".rstrip("0").rstrip(".")
        return text if text not in ("", "-0") else "0"
    return str(x)


def fmt_pct(x: float | None, digits: int = 1) -> str:
    return "—" if x is None else f"{100 * x:.{digits}f}%"


def fmt_count(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def fmt_ci(est: Estimate, digits: int = 3, *, percent: bool = False) -> str:
    if est.ci_low is None or est.ci_high is None:
        return ""
    if percent:
        return f"{fmt_pct(est.ci_low)} – {fmt_pct(est.ci_high)}"
    return fmt_range(est.ci_low, est.ci_high, digits)


def fmt_range(low: float, high: float, digits: int = 3) -> str:
    """An interval in plain decimals: ``0.001 – 0.052``, not ``< 0.001 – 0.052``;
    one wholly below 0.001 in size reads ``below 0.001``."""
    big = max(abs(low), abs(high))
    if big < TINY:
        return "below 0.001" if low >= 0 else "within ±0.001"
    if big >= 100:
        # the decimals of the larger bound for both: "860 – 1,204", not "860.6 – 1,204"
        places = 0 if big >= 1000 else 1
        return f"{low:,.{places}f} – {high:,.{places}f}"
    # a tiny bound beside a larger one reads in fixed decimals ("0.001 – 0.052")
    a, b = (f"{v:.{digits}f}" if abs(v) < TINY else fmt_num(v, digits) for v in (low, high))
    return f"{a} – {b}"


def _places(x: float, digits: int) -> int:
    """Decimals that give ``x`` (below 1) three significant digits, at least
    ``digits``, without trailing zeros beyond them (``0.0561``, ``0.052``)."""
    ax = abs(x)
    if ax < TINY or ax >= 1:
        return digits
    places = min(5, max(digits, digits - 1 - math.floor(math.log10(ax))))
    text = f"{ax:.{places}f}"
    while places > digits and text.endswith("0"):
        text, places = text[:-1], places - 1
    return places


def status_css(status) -> str:
    return str(status).lower()


def fmt_datetime(iso: str) -> str:
    """``2026-01-31T09:05:00+00:00`` -> ``2026-01-31 09:05 UTC`` (input kept if unparsable)."""
    from datetime import UTC, datetime

    try:
        t = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return str(iso)
    if t.tzinfo is not None:
        t = t.astimezone(UTC)
        return t.strftime("%Y-%m-%d %H:%M UTC")
    return t.strftime("%Y-%m-%d %H:%M")
