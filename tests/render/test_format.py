from auditor.render._format import fmt_ci, fmt_num, fmt_range
from auditor.results import Estimate


def test_interval_bounds_read_alike():
    # one tiny bound would be scientific on its own; next to 0.052 it reads as 0.001
    assert fmt_num(7.96e-4) == "7.96e-04"
    assert fmt_range(7.96e-4, 0.052) == "0.001 – 0.052"
    assert fmt_ci(Estimate(0.009, 7.96e-4, 0.052)) == "0.001 – 0.052"
    # both tiny (an additivity error): scientific keeps them distinguishable
    assert fmt_range(1.2e-14, 3.7e-14) == "1.20e-14 – 3.70e-14"
    assert fmt_range(0.29, 0.35) == "0.290 – 0.350"
    assert fmt_ci(Estimate(0.3, 0.29, 0.35), percent=True) == "29.0% – 35.0%"
    assert fmt_ci(Estimate(None, None, None, reason="0/0")) == ""


def test_bounds_of_different_sizes_read_alike():
    assert fmt_range(860.6, 1204.3) == "861 – 1,204"
    assert fmt_range(104.25, 230.5) == "104.2 – 230.5"
    assert fmt_range(0.5, 12.25) == "0.500 – 12.250"
