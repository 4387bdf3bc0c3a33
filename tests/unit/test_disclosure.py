"""--publish suppression (SPEC 7.2): counts of people (or of records about people) from 1 to 7
become "*", and rates built on them; counts of nights are never suppressed."""

from __future__ import annotations

from casereview.io.disclosure import SUPPRESSED, suppress_aggregate, suppress_row


def row(measure, value, numerator, denominator, scope="all"):
    return {"measure": measure, "scope": scope, "value": value, "numerator": numerator,
            "denominator": denominator}


def test_small_counts_of_people_are_suppressed_and_zero_stays():
    assert suppress_row(row("ooh_nc_moves", 3, 3, None))["value"] == SUPPRESSED
    assert suppress_row(row("ooh_nc_moves", 0, 0, None))["value"] == 0
    assert suppress_row(row("ooh_nc_moves", 8, 8, None))["value"] == 8
    hidden = suppress_row(row("fft_positive_pct", 50.0, 2, 4))
    assert (hidden["value"], hidden["numerator"], hidden["denominator"]) == (SUPPRESSED,) * 3


def test_night_audit_completeness_is_never_suppressed():
    shown = suppress_row(row("night_audit_completeness_pct", 2 / 7 * 100, 2, 7, "site:SJ"))
    assert (shown["numerator"], shown["denominator"]) == (2, 7)
    assert shown["value"] == 2 / 7 * 100


def test_the_nights_behind_moves_per_night_are_never_suppressed():
    # 3 moves over 5 nights: the moves are people, the nights are not.
    shown = suppress_row(row("ooh_nc_moves_per_night", 0.6, 3, 5))
    assert shown["denominator"] == 5
    assert shown["numerator"] == SUPPRESSED and shown["value"] == SUPPRESSED
    shown = suppress_row(row("ooh_nc_moves_per_night", 1.6, 8, 5))
    assert (shown["value"], shown["numerator"], shown["denominator"]) == (1.6, 8, 5)


def test_a_13_week_mean_of_nights_is_shown():
    assert suppress_aggregate("night_audit_completeness_pct", 90.0, 6, 7) == 90.0
    assert suppress_aggregate("ooh_nc_moves", 0.5, 6, None) == SUPPRESSED
