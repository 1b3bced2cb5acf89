"""Deadline arithmetic with real 2025 dates, checked against a printed calendar.

2025: Labor Day is Monday 1 September; Thanksgiving is Thursday 27 November, and California also
closes its offices on Friday 28 November; Cesar Chavez Day (California) is Monday 31 March.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from requests_tracker.deadlines import (
    add_business_days,
    add_calendar_days,
    compute_deadline,
    holiday_name,
    is_business_day,
    stated_deadline,
)
from requests_tracker.models import DueBasis

D = dt.date


def test_thirty_calendar_days_from_the_july_letter_is_august_16() -> None:
    assert add_calendar_days(D(2025, 7, 17), 30) == D(2025, 8, 16)


def test_calendar_days_count_weekends_and_holidays() -> None:
    # Friday 29 August + 3 calendar days lands on Labor Day itself.
    assert add_calendar_days(D(2025, 8, 29), 3) == D(2025, 9, 1)


@pytest.mark.parametrize(
    ("start", "days", "expected", "why"),
    [
        (D(2025, 7, 18), 1, D(2025, 7, 21), "Friday + 1 is Monday"),
        (D(2025, 7, 19), 1, D(2025, 7, 21), "from a Saturday, the first day is Monday"),
        (D(2025, 7, 14), 5, D(2025, 7, 21), "a full week: Monday + 5 is the next Monday"),
        (D(2025, 7, 17), 10, D(2025, 7, 31), "two weeks, no holiday"),
        (D(2025, 7, 17), 0, D(2025, 7, 17), "zero days is the issue date"),
        (D(2025, 7, 3), 1, D(2025, 7, 7), "Independence Day (Friday) and the weekend"),
    ],
)
def test_business_days_skip_weekends(
    start: dt.date, days: int, expected: dt.date, why: str
) -> None:
    assert add_business_days(start, days) == expected, why


def test_business_days_crossing_labor_day_2025_skip_it() -> None:
    friday_before = D(2025, 8, 29)
    assert add_business_days(friday_before, 1) == D(2025, 9, 2)
    # Tue 2, Wed 3, Thu 4, Fri 5, Mon 8: Labor Day adds a day to the week.
    assert add_business_days(friday_before, 5) == D(2025, 9, 8)
    assert not is_business_day(D(2025, 9, 1))
    assert holiday_name(D(2025, 9, 1)) == "Labor Day"


def test_business_days_crossing_thanksgiving_2025_skip_the_federal_holiday() -> None:
    # Fri 21, Mon 24, Tue 25, Wed 26, (Thu 27 Thanksgiving), Fri 28, Mon 1 ... Fri 5 December.
    assert add_business_days(D(2025, 11, 20), 10) == D(2025, 12, 5)
    assert add_business_days(D(2025, 11, 26), 1) == D(2025, 11, 28)
    assert holiday_name(D(2025, 11, 27)) == "Thanksgiving Day"


def test_california_also_skips_the_day_after_thanksgiving() -> None:
    assert add_business_days(D(2025, 11, 20), 10, state="CA") == D(2025, 12, 8)
    assert add_business_days(D(2025, 11, 26), 1, state="CA") == D(2025, 12, 1)
    assert not is_business_day(D(2025, 11, 28), state="CA")
    assert is_business_day(D(2025, 11, 28)), "the day after Thanksgiving is not a federal holiday"


def test_a_state_without_that_holiday_counts_the_day_after_thanksgiving() -> None:
    assert add_business_days(D(2025, 11, 20), 10, state="NY") == D(2025, 12, 5)


def test_california_skips_cesar_chavez_day() -> None:
    assert add_business_days(D(2025, 3, 28), 1) == D(2025, 3, 31)
    assert add_business_days(D(2025, 3, 28), 1, state="CA") == D(2025, 4, 1)


def test_business_days_cross_into_the_next_year_and_its_holidays() -> None:
    # Wednesday 31 December 2025 + 1: New Year's Day 2026 is a holiday, so Friday 2 January.
    assert add_business_days(D(2025, 12, 31), 1) == D(2026, 1, 2)


def test_a_state_the_holiday_calendar_does_not_know_falls_back_to_federal_holidays() -> None:
    assert add_business_days(D(2025, 8, 29), 1, state="ZZ") == D(2025, 9, 2)


@pytest.mark.parametrize("add", [add_calendar_days, add_business_days])
def test_negative_days_are_rejected(add: Callable[[dt.date, int], dt.date]) -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        add(D(2025, 7, 17), -1)


def test_computed_calendar_deadline_keeps_its_rule_for_display() -> None:
    deadline = compute_deadline(D(2025, 7, 17), days=30, basis=DueBasis.CALENDAR_DAYS)
    assert deadline.due_on == D(2025, 8, 16)
    assert deadline.basis == DueBasis.CALENDAR_DAYS
    assert deadline.rule == "30 calendar days from 2025-07-17"


def test_computed_business_deadline_names_the_holiday_calendar_it_used() -> None:
    federal = compute_deadline(D(2025, 11, 20), days=10, basis=DueBasis.BUSINESS_DAYS)
    california = compute_deadline(
        D(2025, 11, 20), days=10, basis=DueBasis.BUSINESS_DAYS, state="CA"
    )
    assert federal.due_on == D(2025, 12, 5)
    assert california.due_on == D(2025, 12, 8)
    assert "10 business days from 2025-11-20" in federal.rule
    assert "U.S. federal holidays" in federal.rule
    assert "CA" in california.rule
    assert "CA" not in federal.rule


def test_a_stated_basis_cannot_be_computed() -> None:
    with pytest.raises(ValueError, match="stated"):
        compute_deadline(D(2025, 7, 17), days=30, basis=DueBasis.STATED)


def test_stated_deadline_keeps_the_letters_quoted_words() -> None:
    words = "within 30 days of the date of this letter"
    deadline = stated_deadline(D(2025, 8, 16), f"  {words}\n")
    assert deadline.due_on == D(2025, 8, 16)
    assert deadline.basis == DueBasis.STATED
    assert deadline.rule == words


def test_stated_deadline_without_the_quoted_words_is_rejected() -> None:
    with pytest.raises(ValueError, match="Quote"):
        stated_deadline(D(2025, 8, 19), "   ")
