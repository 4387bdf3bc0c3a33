"""Reporting periods (SPEC 5): ISO weeks, calendar months, NHS financial quarters."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})/(\d{2})\s*Q([1-4])$", re.IGNORECASE)


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    kind: str  # week, month, quarter
    label: str
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def week_mondays(self) -> list[date]:
        """Mondays of the ISO weeks whose Monday lies in the period."""
        first = self.start + timedelta(days=(7 - self.start.weekday()) % 7)
        return [first + timedelta(weeks=i) for i in range((self.end - first).days // 7 + 1)
                if first + timedelta(weeks=i) <= self.end]

    def previous(self) -> Period:
        if self.kind == "week":
            return week_of(self.start - timedelta(days=7))
        if self.kind == "month":
            return month_of(self.start - timedelta(days=1))
        return quarter_of(self.start - timedelta(days=1))

    def as_dict(self) -> dict:
        return {"label": self.label, "start": self.start.isoformat(),
                "end": self.end.isoformat()}


def _first_of_month(day: date, months: int = 0) -> date:
    """The first day of the month ``months`` after the one holding ``day``."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def week_of(day: date) -> Period:
    year, week, _ = day.isocalendar()
    monday = day - timedelta(days=day.weekday())
    return Period("week", f"{year}-W{week:02d}", monday, monday + timedelta(days=6))


def month_of(day: date) -> Period:
    start = day.replace(day=1)
    end = _first_of_month(start, 1) - timedelta(days=1)
    return Period("month", f"{start:%Y-%m}", start, end)


def quarter_of(day: date) -> Period:
    fy_start_year = day.year if day.month >= 4 else day.year - 1
    quarter = ((day.month - 4) % 12) // 3 + 1
    start = _first_of_month(date(fy_start_year, 4, 1), 3 * (quarter - 1))
    end = _first_of_month(start, 3) - timedelta(days=1)
    label = f"{fy_start_year}/{(fy_start_year + 1) % 100:02d} Q{quarter}"
    return Period("quarter", label, start, end)


def parse_week(text: str) -> Period:
    match = _WEEK.match(text.strip())
    if not match:
        raise PeriodError(f"'{text}' is not an ISO week: write it like 2026-W47")
    year, week = int(match[1]), int(match[2])
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError:
        raise PeriodError(f"{year} has no week {week}") from None
    return week_of(monday)


def parse_month(text: str) -> Period:
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise PeriodError(f"'{text}' is not a month: write it like 2026-11")
    return month_of(date(int(match[1]), int(match[2]), 1))


def parse_quarter(text: str) -> Period:
    match = _QUARTER.match(text.strip())
    if not match:
        raise PeriodError(f"'{text}' is not an NHS financial quarter: write it like 2026/27 Q3")
    first, second, quarter = int(match[1]), int(match[2]), int(match[3])
    if (first + 1) % 100 != second:
        raise PeriodError(f"'{text}': a financial year runs from one year to the next, "
                          f"e.g. {first}/{(first + 1) % 100:02d}")
    return quarter_of(_first_of_month(date(first, 4, 1), 3 * (quarter - 1)))


def parse_period(kind: str, text: str) -> Period:
    return {"week": parse_week, "month": parse_month, "quarter": parse_quarter}[kind](text)
