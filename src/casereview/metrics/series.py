"""Series of periods: the weekly series an SPC chart reads, runs of months and quarters, and
the measures' targets. Everything here comes from ``engine.summarise_many``, so a week in a
series is exactly the week the summary command reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from casereview.domain.reference import Reference
from casereview.metrics.definitions import MEASURES
from casereview.metrics.engine import Summary, summarise_many
from casereview.metrics.periods import Period, week_of
from casereview.metrics.rows import Number, Row
from casereview.storage.db import Database

# How far back a weekly chart looks: about two years. The SPC baseline is the first 20 weeks
# with data inside this window, so a programme older than that has its limits taken from the
# oldest two years it holds.
CHART_WEEKS = 104
RECENT_WEEKS = 13

Point = tuple[str, Number]


def periods_ending(last: Period, n: int) -> list[Period]:
    """``n`` consecutive periods of ``last``'s kind, oldest first, ending with ``last``."""
    out = [last]
    while len(out) < n:
        out.append(out[-1].previous())
    return out[::-1]


def anchor_week(period: Period) -> Period:
    """The week a period's SPC signal is read at: the last ISO week that ends within it (for a
    month or quarter ending mid-week, the week before the one holding its last day)."""
    week = week_of(period.end)
    return week if week.end <= period.end else week.previous()


def _row_is_empty(row: Row) -> bool:
    """Nothing recorded behind this row (a count of 0, a rate over nothing recorded)."""
    if MEASURES[row.measure].kind == "median":
        return not row.denominator
    return row.numerator in (None, 0) and row.value in (None, 0)


@dataclass
class History:
    """Consecutive periods' summaries, oldest first, with the series of any measure."""

    summaries: list[Summary]

    @property
    def periods(self) -> list[Period]:
        return [s.period for s in self.summaries]

    def first_with_data(self, programme: str) -> int:
        """Index of the first period in which the programme recorded anything (len if none).
        Periods before a programme began are not zeros to chart; they are left out."""
        for i, summary in enumerate(self.summaries):
            if any(not _row_is_empty(r) for r in summary.rows
                   if MEASURES[r.measure].programme == programme):
                return i
        return len(self.summaries)

    def rows(self, measure: str, scope: str = "all", *, trim: bool = True) -> list[Row | None]:
        start = self.first_with_data(MEASURES[measure].programme) if trim else 0
        return [s.get(measure, scope) for s in self.summaries[start:]]

    def series(self, measure: str, scope: str = "all", *, trim: bool = True) -> list[Point]:
        """(period label, value) pairs, oldest first; value None where it is undefined."""
        start = self.first_with_data(MEASURES[measure].programme) if trim else 0
        out = []
        for summary in self.summaries[start:]:
            row = summary.get(measure, scope)
            out.append((summary.period.label, None if row is None else row.value))
        return out


# The date each record type belongs to (SPEC 5), for finding where the data begins.
_RECORD_DATES = [("move", "audit_night"), ("night_audit", "audit_night"),
                 ("review", "review_date"), ("toc", "audit_date"), ("experience", "sample_date")]


def first_record_day(db: Database) -> date | None:
    """The earliest date any live record belongs to; None for an empty database."""
    days = []
    for table, column in _RECORD_DATES:
        row = db.conn.execute(f"SELECT MIN({column}) FROM {table} WHERE deleted_at IS NULL")
        value = row.fetchone()[0]
        if value:
            days.append(date.fromisoformat(value[:10]))
    return min(days) if days else None


def chart_weeks(db: Database, last_week: Period, most: int = CHART_WEEKS) -> int:
    """How many weeks a chart ending at ``last_week`` needs: back to the week the data begins,
    at most ``most`` (weeks before any record would only be trimmed again), at least 2."""
    first = first_record_day(db)
    if first is None:
        return 2
    return max(2, min(most, (last_week.start - week_of(first).start).days // 7 + 1))


def history(db: Database, last: Period, n: int, *,
            reference: Reference | None = None, programmes: set[str] | None = None,
            generated_at: datetime | None = None) -> History:
    """The ``n`` periods of ``last``'s kind ending with it (weeks, months, quarters)."""
    return History(summarise_many(db, periods_ending(last, n), reference=reference,
                                  programmes=programmes, generated_at=generated_at))


def weekly_series(db: Database, measure: str, scope: str, last_week: Period,
                  weeks: int = CHART_WEEKS, *, now: datetime | None = None) -> list[Point]:
    """One measure's weekly series for one scope, computing only its own programme."""
    hist = history(db, last_week, weeks, programmes={MEASURES[measure].programme},
                   generated_at=now)
    return hist.series(measure, scope)


def mean_of(points: Sequence[Point]) -> float | None:
    values = [v for _, v in points if v is not None]
    return sum(values) / len(values) if values else None


# --- targets ----------------------------------------------------------------------------------
# A target is a setting: ``target:<measure>`` for the measure as a whole, and optionally
# ``target:<measure>:<scope>`` (e.g. target:ooh_nc_moves:site:NGH) for one scope. A whole-measure
# target also applies to site and ward scopes of rates, means and medians, which do not depend on
# size; a count's target is for scope 'all' only, unless a scope has its own.
#
# Targets are weekly figures: the SPC chart, and so the assurance, is weekly. A count over a
# month or a quarter is compared with the weekly target pro rata (see ``period_target``).

TARGET_PREFIX = "target:"


class TargetInvalid(ValueError):
    pass


def target_key(measure: str, scope: str | None = None) -> str:
    if measure not in MEASURES:
        raise TargetInvalid(f"there is no measure called {measure}")
    return f"{TARGET_PREFIX}{measure}" + (f":{scope}" if scope and scope != "all" else "")


def parse_target(text: str | None) -> float | None:
    """A target as typed: a number, or blank for no target."""
    if text is None or not str(text).strip():
        return None
    try:
        value = float(str(text).strip().rstrip("%"))
    except ValueError:
        raise TargetInvalid(f"'{text}' is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise TargetInvalid(f"'{text}' is not a number")
    return value


def load_targets(db: Database) -> dict[tuple[str, str], float]:
    """(measure, scope) -> target; scope 'all' for a whole-measure target."""
    out: dict[tuple[str, str], float] = {}
    for key, value in db.conn.execute(
            "SELECT key, value FROM setting WHERE key LIKE 'target:%'"):
        measure, _, scope = key[len(TARGET_PREFIX):].partition(":")
        try:
            number = parse_target(value)
        except TargetInvalid:
            continue  # a hand-edited setting that is not a number is not a target
        if measure in MEASURES and number is not None:
            out[(measure, scope or "all")] = number
    return out


def target_for(targets: dict[tuple[str, str], float], measure: str, scope: str) -> float | None:
    if (measure, scope) in targets:
        return targets[(measure, scope)]
    if scope == "all" or not MEASURES[measure].is_count:
        return targets.get((measure, "all"))
    return None


def period_target(measure: str, target: float | None, period: Period) -> float | None:
    """The target to set beside a period's value. A count grows with the length of the
    period, so its weekly target is scaled pro rata by the period's days / 7 (a 30-day month
    is 4.29 weeks: 10 a week is 42.9 for the month; a 92-day quarter 131.4), as a board
    paper's pro-rata target is. A rate, mean or median does not grow with the period: its
    target holds as set."""
    if target is None or not MEASURES[measure].is_count:
        return target
    return target * period.days / 7


def set_target(db: Database, measure: str, scope: str | None, text: str,
               user: str) -> float | None:
    """Save (or, with blank text, clear) a target; the change is logged like any setting."""
    from casereview.storage.access import Permission
    from casereview.storage.reference import set_setting

    value = parse_target(text)
    # Targets are a lead's (SPEC 8), like rebases and actions.
    set_setting(db, target_key(measure, scope), "" if value is None else f"{value:g}", user,
                permission=Permission.MANAGE_ACTIONS)
    return value
