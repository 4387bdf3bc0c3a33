"""The import's fast path for moves (the Move model's own field rules run without building a
model, domain/record.py) never accepts a row the Move model refuses, and stores exactly what
the model stores for the rows it accepts: generated rows mixing good and bad values of every
column, under several night windows. It must also take the ordinary rows, or it is no fast
path."""

from __future__ import annotations

import dataclasses
from datetime import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casereview.domain.move import Move
from casereview.domain.record import FastRows, shape, stored_row
from casereview.domain.validation import NightWindow, RecordInvalid, validate

STORED_COLUMNS = shape(Move).stored_columns


def move_rows(context):
    return FastRows(Move, context).rows()

STAMPS = [
    "2026-11-16 23:15", "2026-11-16T23:15", "16/11/2026 23:15", "1/2/2026 06:59",
    "2026-11-16 7:00", "2026-11-16 07:00", "2026-11-16 00:00", "2026-11-16 21:59",
    "2026-11-16 22:00", "2026-07-14 00:30", "2026-07-14 23:45", "2026-07-15 00:05",
    "2026-03-29 01:30", "2026-03-29 00:59", "2026-03-29 02:00", "2026-10-25 01:30",
    "2026-10-25 00:30", "2026-10-24 23:30", "2025-10-26 01:15", "2026-03-28 23:59",
    "2026-11-22 23:59", "2026-11-23 08:59", "2026-11-23 09:01", "2026-12-01 23:00",
    "1999-12-31 23:00", "2000-01-01 00:00", "2026-02-30 23:00", "31/02/2026 23:00",
    "2026-11-16 24:00", "2026-11-16 23:60", "2026-11-16 23:15:30", "2026-11-16 23:15+00:00",
    "2026-11-16  23:15", "1/11/2026  23:15", "2026-11-1623:15", " 2026-11-16 23:15 ",
    "2026-11-16\t23:15", "", "   ", "yesterday", "2026-1-6 23:15", "06/11/26 23:15",
    "٢٠٢٦-١١-١٦ 23:15", "2026-11-16 ٢٣:١٥",
]
SITES = ["NGH", "ngh", " NGH ", "WCH", "XYZ", "", " "]
WARDS = ["A1", "a2", " A3", "B1", "B2", "Z9", "", " "]
REASONS = ["CAPACITY", "outlier", "CLINICAL", " INFECTION ", "NOPE", ""]
PATIENTS = ["", " ", "9990000018", "999 000 0018", "999-000-0018", "9990000019", "RX1234",
            "rx 1234", "12345678901", "999 000 001", "0101011234", "٩٩٩٠٠٠٠٠١٨", None]
AGES = ["", "81", " 90 ", "0", "120", "121", "-1", "8.5", "eighty", "+7", None]
ANSWERS = ["", "yes", "No", " y ", "TRUE", "0", "1", "maybe", None]
NUMBERS = ["", "1", "2", " 3 ", "0", "-2", "x", None]
TEXTS = ["", "  ", "S. Okafor", "  padded  ", "=SUM(A1)", "line\nbreak", None]
OPTIONAL = ["patient_ref", "age", "dementia", "authorised_by", "informed", "move_number",
            "notes"]
WINDOWS = [NightWindow(), NightWindow(time(21, 0), time(8, 0)),
           NightWindow(time(0, 0), time(6, 0)), NightWindow(time(23, 30), time(0, 30))]


@st.composite
def raw_moves(draw) -> dict:
    raw = {
        "moved_at": draw(st.sampled_from(STAMPS)),
        "site_code": draw(st.sampled_from(SITES)),
        "from_ward": draw(st.sampled_from(WARDS)),
        "to_ward": draw(st.sampled_from(WARDS)),
        "reason": draw(st.sampled_from(REASONS)),
        "patient_ref": draw(st.sampled_from(PATIENTS)),
        "age": draw(st.sampled_from(AGES)),
        "dementia": draw(st.sampled_from(ANSWERS)),
        "authorised_by": draw(st.sampled_from(TEXTS)),
        "informed": draw(st.sampled_from(ANSWERS)),
        "move_number": draw(st.sampled_from(NUMBERS)),
        "notes": draw(st.sampled_from(TEXTS)),
    }
    # A file may leave optional columns out; None stands for a column it does not have.
    return {k: v for k, v in raw.items() if v is not None or k not in OPTIONAL}


def _model(raw: dict, ctx) -> tuple | None:
    try:
        return tuple(stored_row(validate(Move, raw, ctx)).values())
    except RecordInvalid:
        return None


def test_the_stored_columns_are_those_to_row_gives(ctx):
    move = validate(Move, {"moved_at": "2026-11-16 23:15", "site_code": "NGH",
                           "from_ward": "A1", "to_ward": "A2", "reason": "CAPACITY"}, ctx)
    assert tuple(move.to_row()) == STORED_COLUMNS


@settings(max_examples=3000, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=raw_moves(), window=st.sampled_from(WINDOWS))
def test_the_fast_path_accepts_only_what_the_model_accepts_and_stores_the_same(ctx, raw,
                                                                               window):
    context = dataclasses.replace(ctx, window=window)
    fast = move_rows(context)(dict(raw))
    if fast is not None:
        assert fast == _model(raw, context), raw


@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raws=st.lists(raw_moves(), min_size=1, max_size=60), window=st.sampled_from(WINDOWS),
       cut=st.integers(min_value=1, max_value=60))
def test_a_batch_gives_each_row_what_the_model_gives(ctx, raws, window, cut):
    """The fast path works a column at a time over a batch: good and bad rows side by side,
    rules that read other fields, values seen in an earlier batch. Each row is still the
    model's, whatever its neighbours."""
    context = dataclasses.replace(ctx, window=window)
    batch = FastRows(Move, context).batch()
    got = batch([dict(r) for r in raws[:cut]]) + batch([dict(r) for r in raws[cut:]])
    assert len(got) == len(raws)
    for raw, fast in zip(raws, got, strict=True):
        if fast is not None:
            assert fast == _model(raw, context), raw


def test_a_batch_of_ordinary_rows_all_take_the_fast_path(ctx):
    rows = [{"moved_at": f"2026-11-{day:02d} 23:{minute:02d}", "site_code": "NGH",
             "from_ward": "A1", "to_ward": "A2", "reason": "CAPACITY",
             "patient_ref": "999 000 0018", "age": str(60 + minute), "notes": f"n{day}"}
            for day in range(1, 15) for minute in range(0, 60, 7)]
    got = FastRows(Move, ctx).batch()(rows)
    assert got == [_model(raw, ctx) for raw in rows] and None not in got


@pytest.mark.parametrize("stamp", ["2026-11-16 23:15", "16/11/2026 23:15", "2026-07-14T00:30",
                                   "2026-11-16 7:00", "2026-03-28 23:59", "2026-11-22 23:59"])
@pytest.mark.parametrize("window", WINDOWS)
def test_ordinary_rows_take_the_fast_path(ctx, stamp, window):
    context = dataclasses.replace(ctx, window=window)
    raw = {"moved_at": stamp, "site_code": "ngh", "from_ward": "A1", "to_ward": " a2",
           "reason": "capacity", "patient_ref": "999 000 0018", "age": "81",
           "dementia": "y", "authorised_by": " S. Okafor ", "informed": "no",
           "move_number": "2", "notes": ""}
    fast = move_rows(context)(raw)
    assert fast is not None and fast == _model(raw, context)


@pytest.mark.parametrize("stamp", ["2026-03-29 00:30", "2026-10-25 01:30", "2026-11-23 08:00",
                                   "2026-11-16 23:15+00:00", "2026-11-16 23:15:00"])
def test_clock_change_days_today_and_offsets_are_the_models_rule(ctx, stamp):
    """The fast path runs the model's own timestamp rule, so the hard cases are no longer
    left out of it: they are stored as the model stores them."""
    raw = {"moved_at": stamp, "site_code": "NGH", "from_ward": "A1", "to_ward": "A2",
           "reason": "CAPACITY"}
    assert move_rows(ctx)(raw) == _model(raw, ctx) is not None


def test_a_value_refused_once_is_refused_every_time(ctx):
    rows = move_rows(ctx)
    bad = {"moved_at": "2026-11-16 23:15", "site_code": "NGH", "from_ward": "A1",
           "to_ward": "A2", "reason": "CAPACITY", "age": "121"}
    assert rows(dict(bad)) is None and rows(dict(bad)) is None
    assert rows(dict(bad, age="81")) is not None
