"""The scorecard's lines as rows of a file (xlsx, md), with --publish applied: the period's
value, the previous period's, the 13-week mean, the SPC signal, assurance and target."""

from __future__ import annotations

from dataclasses import dataclass

from casereview.io.disclosure import SUPPRESSED, suppress_aggregate, suppress_row
from casereview.metrics.definitions import Measure
from casereview.metrics.rows import Row
from casereview.metrics.scorecard import Line


@dataclass(frozen=True)
class FileRow:
    measure: Measure
    scope: str
    value: object            # a number, None, or "*" when suppressed
    numerator: object
    denominator: object
    previous: object
    change: float | None     # value - previous, when both are numbers
    recent_mean: object
    variation: str | None
    signal: str
    assurance: str | None
    target: float | None     # for the period's value: a count's weekly target pro rata


def _shown(row: Row | None, publish: bool) -> dict:
    if row is None:
        return {"value": None, "numerator": None, "denominator": None}
    data = row.as_dict()
    return suppress_row(data) if publish else data


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def file_row(line: Line, *, publish: bool = False) -> FileRow:
    current = _shown(line.current, publish)
    previous = _shown(line.previous, publish)["value"]
    recent = line.recent_mean
    if publish:
        recent = suppress_aggregate(line.measure.name, recent, line.recent_numerator,
                                    line.recent_denominator)
    change = (current["value"] - previous
              if _number(current["value"]) and _number(previous) else None)
    return FileRow(line.measure, line.scope, current["value"], current["numerator"],
                   current["denominator"], previous, change, recent, line.variation,
                   line.signal, line.assurance, line.period_target)


__all__ = ["FileRow", "SUPPRESSED", "file_row"]
