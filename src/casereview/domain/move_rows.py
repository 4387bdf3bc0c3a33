"""The import's fast path for moves: raw CSV rows to stored rows without building a model.

An import of a million moves spends most of its time in pydantic building a ``Move`` per row,
although a file repeats the same few sites, wards, reasons, ages and yes/no words and its
timestamps share their dates. ``move_rows`` reads a row with the same value parsers the model
uses (``domain.values``), remembering each distinct value's verdict, and produces exactly the
stored row ``Move.to_row()`` would. It only ever *accepts* a row: anything it is not sure of
(a value that fails, a clock-change day, a time today or later, seconds or a UTC offset, a
column it does not expect) makes it return None, and the row goes through the model,
whose verdict and messages are the rules. So a row the model refuses is never written, and
every message still comes from the model; a test holds the two equal on generated rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from operator import itemgetter
from typing import Any

from casereview.domain import values
from casereview.domain.validation import Context, optional, required

# The stored columns, in the order of Move.to_row() (a test holds them equal).
STORED_COLUMNS = ("moved_at", "moved_at_utc", "audit_night", "out_of_hours", "site_code",
                  "from_ward", "to_ward", "reason", "patient_ref", "age", "dementia",
                  "authorised_by", "informed", "move_number", "notes")
# The columns of a moves file (SPEC 7.1), in the order the fast path reads them.
FILE_COLUMNS = ("moved_at", "site_code", "from_ward", "to_ward", "reason", "patient_ref",
                "age", "dementia", "authorised_by", "informed", "move_number", "notes")
INPUT_COLUMNS = frozenset(FILE_COLUMNS)
_ABSENT = dict.fromkeys(FILE_COLUMNS)  # a file may leave the optional columns out


class _Unsure(Exception):
    """A value the fast path leaves to the model."""


class _Memo(dict):
    """value -> parsed value, computed once per distinct value; a value the parser refuses
    raises _Unsure every time it is looked up (it is remembered as refused, not parsed
    again)."""

    def __init__(self, parse: Callable[[Any], Any]):
        super().__init__()
        self.parse = parse
        self.refused: set = set()

    def __missing__(self, key: Any) -> Any:
        if key in self.refused:
            raise _Unsure
        try:
            parsed = self.parse(key)
        except (ValueError, TypeError, KeyError):
            self.refused.add(key)
            raise _Unsure from None
        self[key] = parsed
        return parsed


# A local date and time without seconds or offset, split as the model's parser splits it
# (values._TIMESTAMP): anything else (seconds, an offset) is left to the model.
_STAMP = re.compile(r"(\S+?)[T ](\d{1,2}:\d{2})")


def move_rows(context: Context) -> Callable[[dict[str, Any]], tuple | None]:
    """One import's fast path: ``row(raw)`` is the stored row as a tuple in STORED_COLUMNS
    order, or None to leave the row to the model. The caches live as long as the import."""
    reference, window = context.reference, context.window
    yesterday = context.today - timedelta(days=1)
    spans_midnight = window.start > window.end

    def site(value: Any) -> str:
        code = values.normalise_code(required(value))
        if code not in reference.sites:
            raise ValueError(code)
        return code

    def ward(value: Any) -> tuple[str, str]:
        code = values.normalise_code(required(value))
        return code, reference.wards[code].site_code

    def reason(value: Any) -> str:
        code = values.normalise_code(required(value))
        if code not in reference.reasons:
            raise ValueError(code)
        return code

    def whole(parse: Callable[[Any], int]) -> Callable[[Any], int | None]:
        def parsed(value: Any) -> int | None:
            value = optional(value)
            return None if value is None else parse(value)
        return parsed

    def yes_no(value: Any) -> int | None:
        answer = values.parse_bool(optional(value))
        return None if answer is None else int(answer)

    def day_of(text: str) -> tuple[str, str, str, bool]:
        """(ISO date, ISO day before, offset text, whether UK time is BST) for a date the
        fast path can take whole: a real date from 2000 up to yesterday on which the clocks
        do not change (so every minute of it exists once, at one offset)."""
        day = values.parse_date(text, today=yesterday)
        if day in values.clock_change_days(day.year):
            raise ValueError("a clock-change day: left to the model")
        offset = values.noon_offset(day)
        if offset not in (timedelta(0), timedelta(hours=1)):
            raise ValueError("not a GMT or BST offset")
        before = date.fromordinal(day.toordinal() - 1)
        return (day.isoformat(), before.isoformat(), values.format_offset(offset),
                offset == timedelta(hours=1))

    def time_of(text: str) -> tuple[str, int, str | None]:
        """(HH:MM, hour, which day the audit night began: 'same', 'before' or None)."""
        at = values.parse_time(text)
        night = None
        if window.contains(at):
            night = "before" if spans_midnight and at < window.end else "same"
        return at.strftime("%H:%M"), at.hour, night

    sites, wards, reasons = _Memo(site), _Memo(ward), _Memo(reason)
    ages = _Memo(whole(values.parse_age))
    move_numbers = _Memo(whole(lambda v: values.parse_int(v, minimum=1)))
    answers, days, times = _Memo(yes_no), _Memo(day_of), _Memo(time_of)
    # Mostly distinct: the parser keeps its own cache.
    patient_ref = values.parse_stripped_patient_ref
    columns = itemgetter(*FILE_COLUMNS)
    known = INPUT_COLUMNS.issuperset
    stamp_of = _STAMP.fullmatch

    def row(raw: dict[str, Any]) -> tuple | None:
        if len(raw) != len(FILE_COLUMNS):
            if not known(raw):
                return None
            raw = {**_ABSENT, **raw}
        (stamp, site_code, from_code, to_code, reason_code, patient, age, dementia,
         authorised_by, informed, move_number, notes) = columns(raw)
        try:
            parts = stamp_of(stamp.strip())
            if parts is None:
                return None
            iso, before, offset, bst = days[parts[1]]
            hhmm, hour, night = times[parts[2]]
            site = sites[site_code]
            from_ward, from_site = wards[from_code]
            to_ward, to_site = wards[to_code]
            if from_site != site or to_site != site or from_ward == to_ward:
                return None
            if patient is not None:
                patient = patient.strip() or None
                if patient is not None:
                    patient = patient_ref(patient)
            stored = (
                f"{iso}T{hhmm}{offset}",
                f"{iso}T{hhmm}Z" if not bst else f"{iso}T{hour - 1:02d}{hhmm[2:]}Z" if hour
                else f"{before}T23{hhmm[2:]}Z",
                None if night is None else iso if night == "same" else before,
                0 if night is None else 1, site, from_ward, to_ward, reasons[reason_code],
                patient, ages[age], answers[dementia],
                authorised_by.strip() or None if authorised_by is not None else None,
                answers[informed], move_numbers[move_number],
                notes.strip() or None if notes is not None else None)
        except (_Unsure, ValueError, TypeError, AttributeError, KeyError):
            return None
        return stored

    return row


def stored_row(move: Any) -> tuple:
    """A validated Move as the same tuple the fast path gives."""
    row = move.to_row()
    return tuple(row[c] for c in STORED_COLUMNS)
