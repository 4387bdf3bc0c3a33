"""A summary written as json or csv (SPEC 7.2), or for people as xlsx or md (the scorecard),
with --publish suppression."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

from casereview.io.cells import neutralise
from casereview.io.disclosure import suppress_rows
from casereview.metrics.engine import Summary
from casereview.metrics.scorecard import Scorecard
from casereview.storage.db import Database

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


FORMATS = ("json", "csv", "xlsx", "md")


def write_summary(db: Database, summary: Summary, fmt: str, out: Path | None,
                  *, publish: bool = False, today: date | None = None,
                  card: Scorecard | None = None) -> str | None:
    """Write to ``out`` (or return the text for stdout; xlsx needs ``out``). ``today`` stops
    the scorecard's SPC reading at the last week that has ended; ``card`` is the period's
    scorecard if the caller has already built it."""
    if fmt in ("xlsx", "md"):
        from casereview.metrics.scorecard import build_scorecard

        card = card or build_scorecard(db, summary.period, today=today, summary=summary)
        from casereview.io.disclosure import patient_ref_cleaner

        card.clean_text = _published_text if publish else patient_ref_cleaner(db)
        if fmt == "xlsx":
            if out is None:
                raise ValueError("an xlsx summary needs a file to write to")
            from casereview.io.summary_xlsx import write_scorecard_xlsx

            write_scorecard_xlsx(card, Path(out), publish=publish)
            return None
        from casereview.io.summary_md import summary_markdown

        text = summary_markdown(card, publish=publish)
    elif fmt == "json":
        text = summary_json(summary, publish=publish)
    elif fmt == "csv":
        text = summary_csv(summary, publish=publish)
    else:
        raise ValueError(f"unknown summary format {fmt}; use one of {', '.join(FORMATS)}")
    if out is None:
        return text
    write_text_file(Path(out), text)
    return None


def _published_text(text: str) -> str:
    # A published paper carries no free text (SPEC 9): the week and the kind stay.
    return "(text left out of a published paper)"


def write_text_file(path: Path, text: str) -> None:
    """Written beside the destination and moved into place, so a failure leaves no half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_text(text, encoding="utf-8", newline="")
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
