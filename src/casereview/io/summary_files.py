"""A summary written as json or csv (SPEC 7.2), with --publish suppression."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import sqlite_utils

from casereview.io.cells import neutralise
from casereview.io.disclosure import suppress_rows
from casereview.metrics.engine import Summary

CSV_COLUMNS = ["period", "measure", "scope", "value", "numerator", "denominator"]


def summary_json(summary: Summary, *, publish: bool = False) -> str:
    data = summary.as_dict()
    if publish:
        data["measures"] = suppress_rows(data["measures"])
    return json.dumps(data, indent=2) + "\n"


def summary_csv(summary: Summary, *, publish: bool = False) -> str:
    rows = [r.as_dict() for r in summary.rows]
    if publish:
        rows = suppress_rows(rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        # Scopes carry codes from the reference data: neutralised like every exported cell.
        writer.writerow({"period": summary.period.label, **{
            k: ("" if row[k] is None else neutralise(row[k])) for k in CSV_COLUMNS[1:]}})
    return out.getvalue()


def write_summary(db: sqlite_utils.Database, summary: Summary, fmt: str, out: Path | None,
                  *, publish: bool = False) -> str | None:
    """Write to ``out`` (or return the text for stdout)."""
    if fmt == "json":
        text = summary_json(summary, publish=publish)
    elif fmt == "csv":
        text = summary_csv(summary, publish=publish)
    else:
        raise NotImplementedError(f"summary format {fmt} is not available yet")
    if out is None:
        return text
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(text, encoding="utf-8")
    return None
