"""Deadline arithmetic: calendar days, business days, holidays. Pure: `today` is always passed in.

A letter either states its deadline ("within 30 days of the date of this letter") or the newsroom
computes one from a rule. Either way the rule is kept as text so readers can check the date.

Business days skip Saturdays, Sundays and U.S. federal holidays, plus the state's own holidays when
a state is given and the `holidays` package knows them (California: Cesar Chavez Day, the day after
Thanksgiving, ...). Day 0 is the issue date: one business day after a Friday is the next Monday.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays

from requests_tracker.choices import DueBasis


@dataclass(frozen=True)
class Deadline:
    due_on: dt.date
    basis: str
    rule: str
    """How the date was reached, for display next to it."""


@lru_cache(maxsize=64)
def _holiday_calendar(state: str | None, year: int) -> dict[dt.date, str]:
    federal = holidays.country_holidays("US", years=year)
    calendar = dict(federal.items())
    if state:
        try:
            state_calendar = holidays.country_holidays("US", subdiv=state, years=year)
        except NotImplementedError:
            state_calendar = {}
        calendar.update(state_calendar.items())
    return calendar


def holiday_name(day: dt.date, state: str | None = None) -> str | None:
    """The holiday's name if `day` is a federal (or the state's) holiday, else None."""
    return _holiday_calendar(state, day.year).get(day)


def is_business_day(day: dt.date, state: str | None = None) -> bool:
    return day.weekday() < 5 and holiday_name(day, state) is None


def add_calendar_days(start: dt.date, days: int) -> dt.date:
    """`days` calendar days after `start`; 30 days from 2025-07-17 is 2025-08-16."""
    if days < 0:
        raise ValueError("A deadline counts forward: days must not be negative.")
    return start + dt.timedelta(days=days)


def add_business_days(start: dt.date, days: int, state: str | None = None) -> dt.date:
    """The `days`-th business day after `start`, skipping weekends and holidays."""
    if days < 0:
        raise ValueError("A deadline counts forward: days must not be negative.")
    day = start
    remaining = days
    while remaining:
        day += dt.timedelta(days=1)
        if is_business_day(day, state):
            remaining -= 1
    return day


def compute_deadline(
    issued_on: dt.date, *, days: int, basis: str, state: str | None = None
) -> Deadline:
    """The due date `days` calendar or business days after `issued_on`, with its rule as text."""
    if basis == DueBasis.CALENDAR_DAYS:
        due_on = add_calendar_days(issued_on, days)
        rule = f"{days} calendar days from {issued_on.isoformat()}"
    elif basis == DueBasis.BUSINESS_DAYS:
        due_on = add_business_days(issued_on, days, state)
        calendar = f"U.S. federal and {state} holidays" if state else "U.S. federal holidays"
        rule = (
            f"{days} business days from {issued_on.isoformat()} (skipping weekends and {calendar})"
        )
    else:
        raise ValueError(f"Cannot compute a deadline from basis {basis!r}; a stated date is given.")
    return Deadline(due_on=due_on, basis=basis, rule=rule)


def stated_deadline(due_on: dt.date, quoted_words: str) -> Deadline:
    """A deadline the letter states; the quoted words are kept as the rule."""
    quoted_words = quoted_words.strip()
    if not quoted_words:
        raise ValueError("Quote the letter's words for the deadline.")
    return Deadline(due_on=due_on, basis=DueBasis.STATED, rule=quoted_words)
