"""Dates: ISO text (``YYYY-MM-DD``) everywhere, the open end of a period,
and the GP contract year.

vires keeps every date as the text the YAML loader read, so that dates
compare as strings and the schema's date format applies to them. A period
with no end date (an edition still in force, a kind of body that still
exists) ends on ``OPEN_END``. The **contract year** runs from 1 April to
31 March; its months are numbered from 1 (April) to 12 (March).
"""
from __future__ import annotations

import datetime
import re

#: The end of a period that has no end date.
OPEN_END = "9999-12-31"
#: Month and day on which a contract year begins.
CONTRACT_YEAR_START = "04-01"

_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: The months, for dates written out and for a day that does not exist.
MONTHS = ("January February March April May June July August September "
          "October November December").split()


def is_open(end: str) -> bool:
    """Whether a period's end is the open end: the period has no end date."""
    return end >= "9999"


def is_date(value) -> bool:
    """Whether ``value`` is a date written ``YYYY-MM-DD`` that exists on the calendar."""
    if not (type(value) is str and _ISO.fullmatch(value)):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def date_problem(value) -> str:
    """Why ``value`` is not a date, for a person: 'February 2025 has no day
    30' for '2025-02-30'; 'it is not written YYYY-MM-DD' when it is not shaped
    like a date at all; '' for a date that exists."""
    if is_date(value):
        return ""
    if not (type(value) is str and _ISO.fullmatch(value)):
        return "it is not written YYYY-MM-DD"
    year, month, day = (int(part) for part in value.split("-"))
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    if year < 1:
        return "there is no year 0"
    return f"{MONTHS[month - 1]} {year} has no day {day}"


def date_hint(value) -> str:
    """What to do about a date that ``date_problem`` refuses."""
    problem = date_problem(value)
    if not problem:
        return ""
    if problem.startswith("it is not"):
        return "write dates as YYYY-MM-DD, e.g. 2014-01-20"
    import calendar  # only for a date that does not exist

    year, month = int(value[:4]), int(value[5:7])
    if 1 <= month <= 12 and year >= 1:
        return (f"{MONTHS[month - 1]} {year} has {calendar.monthrange(year, month)[1]} days; "
                "check the day and the month")
    return "check the year, the month and the day"


def looks_like_date(value) -> bool:
    """Whether ``value`` is text shaped like ``YYYY-MM-DD``: what the policy
    files need of a date (they compare dates as text), without asking that
    the day exists (``is_date`` does)."""
    return isinstance(value, str) and len(value) == 10 and value[4] == value[7] == "-"


def add_days(iso: str, days: int) -> str:
    """The date ``days`` days after ``iso`` (before it, for a negative number)."""
    return (datetime.date.fromisoformat(iso) + datetime.timedelta(days=days)).isoformat()


def next_day(iso: str) -> str:
    """The day after ``iso``; the open end has none, so it stays the open end."""
    return OPEN_END if is_open(iso) else add_days(iso, 1)


def day_before(iso: str) -> str:
    """The day before ``iso``."""
    return add_days(iso, -1)


def contract_year_start(iso: str) -> int:
    """The calendar year in which the contract year of ``iso`` began."""
    year = int(iso[:4])
    return year if iso[5:] >= CONTRACT_YEAR_START else year - 1


def contract_year(iso: str) -> str:
    """The contract year of a date, as written: '2016/17' for any date from
    1 April 2016 to 31 March 2017."""
    start = contract_year_start(iso)
    return f"{start}/{(start + 1) % 100:02d}"


def next_contract_year(iso: str) -> str:
    """The first day of the contract year after the one ``iso`` falls in."""
    return f"{contract_year_start(iso) + 1}-{CONTRACT_YEAR_START}"


def starts_contract_year(iso: str) -> bool:
    """Whether ``iso`` is 1 April, the first day of a contract year."""
    return iso[5:] == CONTRACT_YEAR_START


def contract_month(iso: str) -> int:
    """The month of the contract year of a date (1 = April ... 12 = March)."""
    month = int(iso[5:7])
    return (month - 4) % 12 + 1


def in_contract_month(start_year: int, month: int, day: int = 15) -> str:
    """The date on ``day`` of contract month ``month`` (1 = April) of the
    contract year that begins in April ``start_year``."""
    calendar_month = (month + 2) % 12 + 1
    return f"{start_year + (calendar_month < 4)}-{calendar_month:02d}-{day:02d}"
