"""How a measure's numbers are shown to people: rounded only here (SPEC 6: 1 decimal place for
percentages), never in the stored or exported values."""

from __future__ import annotations

from casereview.metrics.definitions import DOWN, MEASURES, UP
from casereview.metrics.periods import Period
from casereview.metrics.readings import (
    COMMON,
    CONCERN,
    FAIL,
    HIT_AND_MISS,
    IMPROVEMENT,
    NEITHER,
    PASS,
)

NO_VALUE = "–"
SUPPRESSED = "*"

# Spreadsheet number formats by kind of measure; a percentage is held as 0-100, not 0-1.
NUMBER_FORMATS = {"count": "#,##0", "pct": "0.0", "mean": "0.00", "median": "0.0"}
DECIMALS = {"count": 0, "pct": 1, "mean": 2, "median": 1}

VARIATION_SHORT = {
    IMPROVEMENT: "Improvement",
    CONCERN: "Concern",
    COMMON: "Common cause",
    NEITHER: "Special cause",
}
ASSURANCE_SHORT = {PASS: "Consistently passes", FAIL: "Consistently fails",
                   HIT_AND_MISS: "Hit and miss"}
DIRECTION_WORDS = {UP: "higher is better", DOWN: "lower is better", None: "no direction"}
KIND_WORDS = {"count": "count", "pct": "percentage", "mean": "mean", "median": "median"}


def format_value(measure: str, value, *, as_mean: bool = False) -> str:
    """A value for reading: counts whole (a 13-week mean of counts to 1 place), percentages
    to 1 place with a % sign, means to 2 places, medians to 1. ``as_mean``: a mean or a
    limit of a count (the 13-week mean, the centre line), to 1 place."""
    if value is None:
        return NO_VALUE
    if isinstance(value, str):
        return value  # "*" from --publish
    kind = MEASURES[measure].kind
    if kind == "count":
        return f"{value:,.1f}" if as_mean else f"{int(value):,}"
    text = f"{value:,.{DECIMALS[kind]}f}"
    return text + "%" if kind == "pct" else text


def format_target(measure: str, target: float | None) -> str:
    """A count's target whole as set (10), or to 1 place once pro rata for a longer period
    (42.9); any other measure's as its values are shown."""
    if target is None:
        return ""
    if MEASURES[measure].is_count:
        return f"{target:,.0f}" if float(target).is_integer() else f"{target:,.1f}"
    return format_value(measure, target)


# Said wherever a scorecard for a month or a quarter shows targets (the dashboard's detail
# line, the board-paper Markdown, the workbook's definitions).
TARGET_RULE = ("Targets are set per week, as the SPC chart is weekly. A count's target for a "
               "month or a quarter is the weekly target pro rata: x the period's days / 7 "
               "(10 a week is 42.9 for a 30-day month). A percentage, mean or median target "
               "applies to any period as set.")


def scales_target(measure: str, period: Period) -> bool:
    """Whether the target beside this period's value is the weekly one pro rata."""
    return MEASURES[measure].is_count and period.days != 7


def target_heading(period: Period, *, short: bool = False) -> str:
    """The heading of the column holding the period's target: 'Target' for a week."""
    word = period_words(period)
    if word == "week":
        return "Target"
    if short:
        return ("Qtr" if word == "quarter" else word.capitalize()) + " target"
    return f"Target for the {word}"


def describe_target(measure: str, target: float | None, period_target: float | None,
                    period: Period) -> str:
    """'Target 95.0%', 'Target 10', or for a count over a longer period 'Target 42.9 for the
    month (10 a week x 30 days / 7)'. Empty without a target."""
    if target is None:
        return ""
    if not scales_target(measure, period):
        return f"Target {format_target(measure, target)}"
    return (f"Target {format_target(measure, period_target)} for the {period_words(period)} "
            f"({format_target(measure, target)} a week x {period.days} days / 7)")


def this_heading(period: Period, in_progress: bool) -> str:
    """The heading of the period's value: 'This month', or 'This month to date' while the
    month is in progress (its counts will grow)."""
    return f"This {period_words(period)}" + (" to date" if in_progress else "")


def period_words(period: Period) -> str:
    """'week', 'month' or 'quarter' (a custom span is a 'period')."""
    return period.kind if period.kind in ("week", "month", "quarter") else "period"


def line_title(measure: str, scope: str) -> str:
    """A measure's title on a scorecard line; a line of a rating scope names its rating
    ('Open actions rated amber')."""
    kind, _, code = scope.partition(":")
    if kind == "rag":
        from casereview.domain.action import RAGS

        return f"Open actions rated {RAGS.get(code, code.lower())}"
    return MEASURES[measure].title


def scope_title(scope: str, sites: dict[str, str], wards: dict | None = None) -> str:
    kind, _, code = scope.partition(":")
    if kind == "all":
        return "All sites"
    if kind == "site":
        return sites.get(code, code)
    if kind == "ward" and wards and code in wards:
        return wards[code].ward_name
    if kind == "rag":
        return f"Rated {code.lower()}"
    return code
