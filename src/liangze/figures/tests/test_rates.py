"""The arithmetic of docs/domain.md §2 and its worked example (township T, Q2)."""

from datetime import date
from decimal import Decimal

import pytest

from liangze.figures.periods import Period, open_periods, recent_quarters
from liangze.figures.rates import Rate, rank, rate_sum


class TestWorkedExample:
    def test_coverage_is_summed_not_averaged(self):
        v1, v2 = Rate(42, 43), Rate(27, 27)
        assert (v1.display, v2.display) == ("97.67%", "100.00%")
        township = rate_sum([v1, v2])
        assert township == Rate(69, 70)
        assert township.display == "98.57%"
        mean = (v1.percent + v2.percent) / 2
        assert mean.quantize(Decimal("0.01")) == Decimal("98.84")  # the wrong answer

    def test_visits(self):
        assert rate_sum([Rate(40, 42), Rate(25, 25), Rate(4, 5)]).display == "95.83%"
        assert rate_sum([Rate(40, 42), Rate(25, 25), Rate(4, 5)]) == Rate(69, 72)

    def test_rectification(self):
        assert rate_sum([Rate(9, 12), Rate(5, 5)]).display == "82.35%"

    def test_letters(self):
        total = rate_sum([Rate(7, 8), Rate(5, 5), Rate(4, 4)])
        assert total == Rate(16, 17)
        assert total.display == "94.12%"

    def test_townships_ranked_on_visits(self):
        townships = {"T": Rate(69, 72), "T2": Rate(10, 10), "T3": Rate(23, 24), "T4": Rate(0, 0)}
        codes = {"T": "001", "T2": "002", "T3": "003", "T4": "004"}
        ranked = rank(list(townships), rate=townships.get, code=codes.get)
        assert [(r.item, r.rank) for r in ranked] == [
            ("T2", 1),
            ("T", 2),
            ("T3", 2),
            ("T4", None),
        ]
        assert ranked[-1].rate.display == "—"


class TestArithmetic:
    @pytest.mark.parametrize(
        ("rate", "shown"),
        [
            (Rate(1, 8), "12.50%"),
            (Rate(2, 3), "66.67%"),
            (Rate(1, 200), "0.50%"),
            (Rate(1, 800), "0.13%"),  # 0.125 rounds half up
            (Rate(0, 5), "0.00%"),
            (Rate(0, 0), "—"),
        ],
    )
    def test_display(self, rate, shown):
        assert rate.display == shown

    def test_equal_fractions_share_a_rank_though_terms_differ(self):
        rates = {"a": Rate(1, 2), "b": Rate(2, 4), "c": Rate(3, 4), "d": Rate(1, 3)}
        ranked = rank(list(rates), rate=rates.get, code=lambda x: x)
        assert [(r.item, r.rank) for r in ranked] == [("c", 1), ("a", 2), ("b", 2), ("d", 4)]

    def test_fractions_are_compared_exactly_not_rounded(self):
        # 99.995% and 99.996% both show 100.00%, yet the second ranks first.
        rates = {"x": Rate(19999, 20000), "y": Rate(24999, 25000)}
        assert rates["x"].display == rates["y"].display == "100.00%"
        ranked = rank(list(rates), rate=rates.get, code=lambda x: x)
        assert [(r.item, r.rank) for r in ranked] == [("y", 1), ("x", 2)]


class TestPeriods:
    def test_parse_and_bounds(self):
        q2 = Period.parse("2026q2")
        assert (q2.code, q2.start, q2.end) == ("2026Q2", date(2026, 4, 1), date(2026, 6, 30))
        year = Period.parse("2026")
        assert (year.start, year.end) == (date(2026, 1, 1), date(2026, 12, 31))
        assert Period.parse("2026Q4").end == date(2026, 12, 31)
        with pytest.raises(ValueError):
            Period.parse("2026Q5")

    def test_open_period_is_as_of_today(self):
        day = date(2026, 5, 10)
        assert open_periods(day) == [Period(2026, 2), Period(2026)]
        assert Period(2026, 2).as_of(day) == day
        assert Period(2026, 1).as_of(day) == date(2026, 3, 31)

    def test_order(self):
        periods = [Period(2026), Period(2026, 2), Period(2025, 4), Period(2025)]
        assert [p.code for p in sorted(periods)] == ["2025Q4", "2025", "2026Q2", "2026"]

    def test_recent_quarters_cross_the_year(self):
        codes = [p.code for p in recent_quarters(3, date(2026, 2, 1))]
        assert codes == ["2025Q3", "2025Q4", "2026Q1"]
