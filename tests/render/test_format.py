from auditor.render._format import fmt_ci, fmt_num, fmt_range
from auditor.results import Estimate


def test_interval_bounds_read_alike():
    # a lay reader never meets scientific notation: a tiny number reads "< 0.001"
    assert fmt_num(7.96e-4) == "< 0.001" and fmt_num(-3e-15) == "> −0.001"
    assert fmt_range(7.96e-4, 0.052) == "0.001 – 0.052"
    assert fmt_ci(Estimate(0.009, 7.96e-4, 0.052)) == "0.001 – 0.052"
    # both tiny (an additivity error)
    assert fmt_range(1.2e-14, 3.7e-14) == "below 0.001"
    assert fmt_range(0.29, 0.35) == "0.290 – 0.350"
    assert fmt_ci(Estimate(0.3, 0.29, 0.35), percent=True) == "29.0% – 35.0%"
    assert fmt_ci(Estimate(None, None, None, reason="0/0")) == ""


def test_bounds_of_different_sizes_read_alike():
    assert fmt_range(860.6, 1204.3) == "861 – 1,204"
    assert fmt_range(104.25, 230.5) == "104.2 – 230.5"
    assert fmt_range(0.5, 12.25) == "0.500 – 12.250"


def test_plain_decimals_with_three_significant_digits():
    # the figure a finding's sentence gives (3 significant digits), no exponent anywhere
    assert [fmt_num(x) for x in (0.928, 0.0561, 0.052, 0.00101, 0.5, 12.25, 1234.5, 2.5e6)] == [
        "0.928", "0.0561", "0.052", "0.00101", "0.500", "12.250", "1,234", "2,500,000"]
    assert fmt_range(0.00486, 0.24) == "0.00486 – 0.240"
    assert "e" not in fmt_num(9.8e-4) + fmt_range(9.8e-4, 2e-3) + fmt_num(3.4e9)
