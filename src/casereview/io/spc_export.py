"""`casereview spc MEASURE` (SPEC 7): a measure's weekly SPC chart as data, for anyone who wants
to check the readings or reuse them. JSON: the chart (measure, scope, improvement direction,
target, icon, assurance), its segments and one entry per week. CSV: one row per week.

Values, means and limits are unrounded. The limits are the process limits as calculated, the
ones the rules are judged on (a chart on screen draws them within the measure's bounds).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

from casereview.io.cells import csv_cell
from casereview.metrics.definitions import MEASURES
from casereview.metrics.periods import week_of
from casereview.metrics.scorecard import measure_chart
from casereview.metrics.spc import READING_NAMES, Chart, icon_for
from casereview.storage.db import Database
from casereview.storage.reference import load_reference

CSV_COLUMNS = ["week", "value", "segment_start", "mean", "lower_limit", "upper_limit", "rules",
               "reading", "icon", "assurance", "notes"]


class SpcRequestInvalid(ValueError):
    """A measure or scope that does not exist; the message names the argument."""


def check_scope(db: Database, measure: str, scope: str) -> None:
    """Refuse a measure or scope the database does not have, naming the argument."""
    if measure not in MEASURES:
        raise SpcRequestInvalid(f"MEASURE: there is no measure called '{measure}'; measures "
                                f"are listed in the README and the workbook's definitions")
    kind, _, code = scope.partition(":")
    allowed = MEASURES[measure].scopes
    if kind not in allowed or (kind == "all") != (code == ""):
        shown = ", ".join("all" if k == "all" else f"{k}:CODE" for k in allowed)
        raise SpcRequestInvalid(f"--scope: {measure} is reported for {shown}, not '{scope}'")
    reference = load_reference(db)
    known = {"site": reference.sites, "ward": reference.wards,
             "theme": reference.review_themes}.get(kind)
    if known is not None and code not in known:
        raise SpcRequestInvalid(f"--scope: there is no {kind} with the code '{code}'")


def spc_chart(db: Database, measure: str, scope: str, weeks: int | None,
              now: datetime) -> Chart:
    """The chart to the last week that has ended at ``now``, ``weeks`` weeks long at most."""
    check_scope(db, measure, scope)
    if weeks is not None and weeks < 1:
        raise SpcRequestInvalid(f"--weeks: must be 1 or more, not {weeks}")
    last = week_of(now.date()).previous()
    if weeks is None:
        return measure_chart(db, measure, scope, last, now=now)
    return measure_chart(db, measure, scope, last, weeks, now=now)


def chart_dict(chart: Chart, measure: str, scope: str) -> dict:
    segments = chart.segments
    return {
        "measure": measure, "scope": scope, "improvement": chart.direction,
        "target": chart.target, "icon": chart.icon, "assurance": chart.assurance,
        "segments": [{"start": s.start, "end": s.end, "reason": s.reason, "mean": s.mean,
                      "lower_limit": s.process_lcl, "upper_limit": s.process_ucl,
                      "baseline_weeks": s.baseline_n, "weeks_with_data": s.n_data}
                     for s in segments],
        "weeks": [{"week": p.week, "value": p.value, "segment_start": segments[p.segment].start,
                   "mean": p.mean, "lower_limit": segments[p.segment].process_lcl,
                   "upper_limit": segments[p.segment].process_ucl, "rules": list(p.rules),
                   "reading": READING_NAMES[p.variation], "icon": icon_for(p),
                   "notes": list(p.notes)}
                  for p in chart.points],
    }


def spc_text(db: Database, measure: str, scope: str, weeks: int | None, fmt: str,
             now: datetime) -> str:
    data = chart_dict(spc_chart(db, measure, scope, weeks, now), measure, scope)
    if fmt == "json":
        return json.dumps(data, indent=2) + "\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for week in data["weeks"]:
        row = {**week, "rules": ";".join(week["rules"]), "notes": " | ".join(week["notes"]),
               "assurance": data["assurance"]}
        writer.writerow({k: csv_cell(row[k]) for k in CSV_COLUMNS})
    return out.getvalue()
