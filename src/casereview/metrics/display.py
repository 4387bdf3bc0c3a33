"""How a measure's numbers are shown to people: rounded only here (SPEC 6: 1 decimal place for
percentages), never in the stored or exported values."""

from __future__ import annotations

from casereview.metrics.definitions import DOWN, MEASURES, UP
from casereview.metrics.periods import Period
from casereview.metrics.spc import (
    ASSURANCE_WORDS, COMMON, CONCERN, FAIL, HIT_AND_MISS, IMPROVEMENT, NEITHER, PASS,
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
    if target is None:
        return ""
    if MEASURES[measure].is_count:
        return f"{target:g}"
    return format_value(measure, target)


def period_words(period: Period) -> str:
    """'week', 'month' or 'quarter' (a custom span is a 'period')."""
    return period.kind if period.kind in ("week", "month", "quarter") else "period"


def assurance_words(assurance: str | None) -> str:
    return "" if assurance is None else ASSURANCE_WORDS[assurance]


def scope_title(scope: str, sites: dict[str, str], wards: dict | None = None) -> str:
    kind, _, code = scope.partition(":")
    if kind == "all":
        return "All sites"
    if kind == "site":
        return sites.get(code, code)
    if kind == "ward" and wards and code in wards:
        return wards[code].ward_name
    return code
