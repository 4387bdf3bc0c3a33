"""SPEC 3: patient references, dates, times, booleans, ages."""

from datetime import date, time, timedelta

import pytest

from casereview.domain.values import (
    format_uk_date,
    localise,
    parse_age,
    parse_bool,
    parse_code_list,
    parse_date,
    parse_patient_ref,
    parse_time,
    parse_timestamp,
)


@pytest.mark.parametrize("typed", ["9990000018", "999 000 0018", "999-000-0018", " 9990000018 "])
def test_nhs_number_normalised_to_ten_digits(typed):
    assert parse_patient_ref(typed) == "9990000018"


def test_nhs_number_failing_modulus_11_is_an_error_not_a_local_number():
    with pytest.raises(ValueError, match="Modulus 11"):
        parse_patient_ref("9990000019")


@pytest.mark.parametrize("local", ["H123456", "A1", "abc123", "X" * 20, "12345"])
def test_local_hospital_numbers_accepted(local):
    assert parse_patient_ref(local) == local.upper()


@pytest.mark.parametrize("bad", ["X" * 21, "H-12 3", "", "12 345", "abc!"])
def test_bad_patient_refs(bad):
    with pytest.raises(ValueError):
        parse_patient_ref(bad)


@pytest.mark.parametrize("typed", ["2026-11-16", "16/11/2026", "16/11/2026 "])
def test_dates_iso_and_uk(typed):
    assert parse_date(typed) == date(2026, 11, 16)


@pytest.mark.parametrize(
    "bad", ["2026-13-01", "31/02/2026", "16-11-2026", "yesterday", "2026/11/16"])
def test_bad_dates(bad):
    with pytest.raises(ValueError):
        parse_date(bad)


def test_future_dates_refused_and_today_allowed():
    today = date(2026, 11, 23)
    assert parse_date("23/11/2026", today=today) == today
    with pytest.raises(ValueError, match="future"):
        parse_date("24/11/2026", today=today)


def test_dates_before_2000_refused():
    assert parse_date("2000-01-01") == date(2000, 1, 1)
    with pytest.raises(ValueError, match="before 1 Jan 2000"):
        parse_date("1999-12-31")


@pytest.mark.parametrize("typed,expected", [("22:00", time(22)), ("7:05", time(7, 5)),
                                            ("00:00", time(0)), ("23:59", time(23, 59))])
def test_times(typed, expected):
    assert parse_time(typed) == expected


@pytest.mark.parametrize("bad", ["24:00", "12:60", "1230", "noon", "12:5"])
def test_bad_times(bad):
    with pytest.raises(ValueError):
        parse_time(bad)


@pytest.mark.parametrize("word,value", [("yes", True), ("Y", True), ("TRUE", True), ("1", True),
                                        ("no", False), ("n", False), ("False", False),
                                        ("0", False), ("", None), ("  ", None)])
def test_booleans(word, value):
    assert parse_bool(word) is value


def test_bad_boolean():
    with pytest.raises(ValueError, match="not yes or no"):
        parse_bool("maybe")


def test_age_bounds():
    assert parse_age("0") == 0 and parse_age("120") == 120
    for bad in ("-1", "121", "8.5", "old"):
        with pytest.raises(ValueError):
            parse_age(bad)


def test_timestamp_stores_offset_winter_and_summer():
    assert parse_timestamp("2026-11-16 23:15").utcoffset() == timedelta(0)
    assert parse_timestamp("16/07/2026 23:15").utcoffset() == timedelta(hours=1)


def test_ambiguous_time_in_october_takes_bst_unless_offset_given():
    first = parse_timestamp("2026-10-25 01:30")
    assert first.utcoffset() == timedelta(hours=1)
    second = parse_timestamp("2026-10-25T01:30+00:00")
    assert second.utcoffset() == timedelta(0)
    assert second.astimezone().timestamp() - first.timestamp() == 3600


def test_nonexistent_time_in_march_is_a_clear_error():
    with pytest.raises(ValueError, match="does not exist in UK time"):
        parse_timestamp("2026-03-29 01:30")
    with pytest.raises(ValueError, match="does not exist"):
        localise(date(2026, 3, 29), time(1, 0))
    assert parse_timestamp("2026-03-29 02:00").utcoffset() == timedelta(hours=1)


def test_explicit_offset_is_an_instant_shown_in_uk_time():
    stamp = parse_timestamp("2026-07-01T22:30Z")
    assert (stamp.hour, stamp.minute, stamp.utcoffset()) == (23, 30, timedelta(hours=1))


def test_code_lists():
    assert parse_code_list("acute; asc;;ACUTE ") == ["ACUTE", "ASC"]
    assert parse_code_list(["gp", "GP"]) == ["GP"]


def test_uk_date_format():
    assert format_uk_date(date(2026, 11, 16)) == "16 Nov 2026"
