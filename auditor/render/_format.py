"""Number formatting for the report, in one place."""

from __future__ import annotations

from auditor.results import Estimate

__all__ = ["fmt_num", "fmt_ci", "fmt_pct", "fmt_count", "fmt_datetime", "status_css"]


def fmt_num(x: float | None, digits: int = 3) -> str:
    if x is None:
        return "—"
    if x != 0 and (abs(x) < 10 ** -digits or abs(x) >= 1e6):
        return f"{x:.{digits - 1}e}"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 100:
        return f"{x:.1f}"
    return f"{x:.{digits}f}"


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
    """An interval whose bounds read alike: ``0.001 – 0.052``, not ``7.96e-04 – 0.052``.

    Scientific notation is kept only when both bounds need it (additivity errors
    near 1e-14), where fixed decimals would print ``0.000 – 0.000``."""
    a, b = fmt_num(low, digits), fmt_num(high, digits)
    big = max(abs(low), abs(high))
    if ("e" in a) != ("e" in b) and big < 1e6:
        a, b = f"{low:.{digits}f}", f"{high:.{digits}f}"
    elif 100 <= big < 1e6 and "e" not in a + b:
        # the decimals of the larger bound for both: "860 – 1,204", not "860.6 – 1,204"
        places = 0 if big >= 1000 else 1
        a, b = f"{low:,.{places}f}", f"{high:,.{places}f}"
    return f"{a} – {b}"


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
