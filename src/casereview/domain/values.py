"""Parsing and normalising the values common to every record type (SPEC section 3).

Each parser takes what a person typed or a file held and returns the stored form, or raises
``ValueError`` with a message written for the person who typed it.

An import runs these a million times, so the text parsers are pure functions of the text
and keep a bounded cache (a file repeats its dates, times, wards and patients), and the UK
clock is the standard library's zoneinfo (C, with the pinned tzdata) rather than dateutil's
pure-Python zones.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
EARLIEST_DATE = date(2000, 1, 1)

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_LOCAL_REF = re.compile(r"^[A-Za-z0-9]{1,20}$")
_INT = re.compile(r"[+-]?\d+")
_NHS_SEPARATORS = re.compile(r"[\s-]")
_TIMESTAMP = re.compile(
    r"^(?P<date>\S+?)[T ](?P<time>\d{1,2}:\d{2})(?::\d{2}(?:\.\d+)?)?"
    r"(?P<offset>Z|[+-]\d{2}:?\d{2})?$"
)

TRUE_WORDS = {"yes", "y", "true", "1"}
FALSE_WORDS = {"no", "n", "false", "0"}

UK_DATE_FORMAT = "%-d %b %Y"


def blank(value: object) -> bool:
    """True for None and for strings holding only whitespace."""
    return value is None or (isinstance(value, str) and not value.strip())


def parse_date(value: object, *, today: date | None = None) -> date:
    """A date typed as YYYY-MM-DD or DD/MM/YYYY, not before 2000 and not after ``today``."""
    if isinstance(value, datetime):
        value = value.date()
    parsed = value if isinstance(value, date) else _date_text(str(value).strip())
    if parsed < EARLIEST_DATE:
        raise ValueError(f"{format_uk_date(parsed)} is before 1 Jan 2000")
    if today is not None and parsed > today:
        raise ValueError(f"{format_uk_date(parsed)} is in the future")
    return parsed


@lru_cache(maxsize=8192)
def _date_text(text: str) -> date:
    """The calendar date a (stripped) text names, before any range check."""
    iso = _ISO_DATE.match(text)
    uk = None if iso else _UK_DATE.match(text)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        if uk:
            return date(int(uk[3]), int(uk[2]), int(uk[1]))
    except ValueError:
        raise ValueError(f"'{text}' is not a real calendar date") from None
    raise ValueError(f"'{text}' is not a date: use YYYY-MM-DD or DD/MM/YYYY")


def parse_time(value: object) -> time:
    """A time of day typed as HH:MM (24 hour)."""
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    return _time_text(str(value).strip())


@lru_cache(maxsize=2048)
def _time_text(text: str) -> time:
    match = _TIME.match(text)
    if not match:
        raise ValueError(f"'{text}' is not a time: use HH:MM (24 hour), e.g. 23:15")
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        raise ValueError(f"'{text}' is not a time of day (00:00 to 23:59)")
    return time(hour, minute)


def localise(day: date, at: time, *, offset: timedelta | None = None) -> datetime:
    """Attach the Europe/London offset to a local wall-clock time.

    The clocks change at 01:00 UTC. On the last Sunday of March, 01:00-01:59 does not exist:
    that is refused. On the last Sunday of October, 01:00-01:59 happens twice: the first
    (BST, +01:00) is taken unless ``offset`` says which one was meant. A time given with an
    offset is an instant, converted to UK time (22:30+00:00 in July is 23:30 BST).
    """
    # fold=0 whatever the caller's time carries: which of two October times is meant is
    # decided below (or by ``offset``), never by a flag the person could not have typed.
    if at.fold or at.tzinfo is not None:
        at = at.replace(fold=0, tzinfo=None)
    if offset is not None:
        # An explicit offset fixes the instant; it is shown in UK local time.
        return datetime.combine(day, at, timezone(offset)).astimezone(LONDON)
    # (combine with the zone, not replace: an import runs this once per row)
    local = datetime.combine(day, at, LONDON)
    # A wall time in the spring gap has a smaller offset read as before the change (fold=0)
    # than as after it (fold=1); an ambiguous autumn time the other way round. Only the
    # days the clocks change can hold either, so other days skip the test.
    if day in clock_change_days(day.year) and \
            local.utcoffset() < local.replace(fold=1).utcoffset():
        raise ValueError(
            f"{at:%H:%M} on {format_uk_date(day)} does not exist in UK time: the clocks go "
            "forward from 01:00 to 02:00 that night; use 02:00 or later, or 00:59 or earlier"
        )
    return local  # fold=0: the first of two ambiguous times, in BST


@lru_cache(maxsize=256)
def clock_change_days(year: int) -> frozenset[date]:
    """The days of ``year`` on which the UK offset changes (at 01:00 UTC, before noon)."""
    first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
    # By ordinals, from the day before 1 January where there is one (years 1 and 9999 too).
    previous = noon_offset(date.fromordinal(max(first - 1, 1)))
    days = set()
    for ordinal in range(first, last + 1):
        day = date.fromordinal(ordinal)
        offset = noon_offset(day)
        if offset != previous:
            days.add(day)
        previous = offset
    return frozenset(days)


def noon_offset(day: date) -> timedelta | None:
    return datetime.combine(day, time(12), LONDON).utcoffset()


def format_offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _parse_offset(text: str) -> timedelta:
    if text == "Z":
        return timedelta(0)
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))


def parse_timestamp(value: object) -> datetime:
    """A local timestamp 'DATE HH:MM' or 'DATE THH:MM', date in either accepted form, with an
    optional UTC offset (+01:00, +00:00, Z) that settles the repeated hour in October."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return localise(value.date(), value.time().replace(second=0, microsecond=0))
        return value.astimezone(LONDON)
    return _timestamp_text(str(value).strip())


def _timestamp_text(text: str) -> datetime:
    # Not cached: a file's timestamps rarely repeat (its dates and times do, and their
    # parsers are cached).
    match = _TIMESTAMP.match(text)
    if not match:
        raise ValueError(
            f"'{text}' is not a date and time: use YYYY-MM-DD HH:MM or DD/MM/YYYY HH:MM"
        )
    day = parse_date(match["date"])
    at = parse_time(match["time"])
    offset = _parse_offset(match["offset"]) if match["offset"] else None
    return localise(day, at, offset=offset)


def format_timestamp(value: datetime) -> str:
    """Stored form: ISO 8601 local time, minute precision, with its UTC offset."""
    return value.isoformat(timespec="minutes")


def parse_bool(value: object) -> bool | None:
    """yes/no, y/n, true/false, 1/0 in any case; blank is unknown (None)."""
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if not text:
        return None
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(f"'{value}' is not yes or no (use yes/no, y/n, true/false or 1/0)")


def parse_int(value: object, *, minimum: int | None = None, maximum: int | None = None) -> int:
    if isinstance(value, bool):
        raise ValueError("expected a whole number")
    number = value if isinstance(value, int) else _int_text(str(value).strip())
    if minimum is not None and number < minimum:
        raise ValueError(f"{number} is below the minimum of {minimum}")
    if maximum is not None and number > maximum:
        raise ValueError(f"{number} is above the maximum of {maximum}")
    return number


@lru_cache(maxsize=4096)
def _int_text(text: str) -> int:
    if not _INT.fullmatch(text):
        raise ValueError(f"'{text}' is not a whole number")
    return int(text)


def parse_age(value: object) -> int:
    return parse_int(value, minimum=0, maximum=120)


def parse_patient_ref(value: object) -> str:
    """An NHS number (10 digits, spaces or dashes allowed, Modulus 11 checked) stored as 10
    digits, or a local hospital number of 1-20 letters and digits."""
    return parse_stripped_patient_ref(str(value).strip())


@lru_cache(maxsize=65536)
def parse_stripped_patient_ref(text: str) -> str:
    """``parse_patient_ref`` of text already stripped of surrounding spaces (cached)."""
    compact = _NHS_SEPARATORS.sub("", text)
    if compact.isdigit() and len(compact) == 10:
        if not nhs_number_valid(compact):
            raise ValueError(f"'{text}' is not a valid NHS number (it fails the Modulus 11 check)")
        return compact
    if _LOCAL_REF.match(text):
        return text.upper()
    if compact.isdigit() and len(compact) != 10 and _NHS_SEPARATORS.search(text):
        raise ValueError(f"'{text}' is not an NHS number: an NHS number has 10 digits")
    raise ValueError(
        f"'{text}' is not a patient reference: use a 10-digit NHS number or a local "
        "hospital number of 1-20 letters and digits"
    )


# The sum of the Modulus 11 weights (10 down to 2) times 48: the check works on the digits'
# character codes directly (each is 48 more than the digit).
_ASCII_ZERO_TOTAL = 48 * sum(range(2, 11))
# The nhs-number library adds a rule for Scottish CHI numbers (the first six digits are a
# date of birth): numbers from 100,000,000 to 3,112,999,999, compared here as 10-digit text,
# and anything but ASCII digits go to the library.
_CHI_RANGE = ("0100000000", "3112999999")


def nhs_number_valid(digits: str) -> bool:
    """The Modulus 11 check of a 10-digit string, as the nhs-number library does it, without
    the library's per-call regular expressions for the common case (an import checks a
    million of these)."""
    if not (len(digits) == 10 and digits.isascii() and digits.isdigit()) \
            or _CHI_RANGE[0] <= digits <= _CHI_RANGE[1]:
        from nhs_number import is_valid  # the rare case: not loaded before the first paint

        return is_valid(digits)
    c = digits.encode("ascii")
    total = (10 * c[0] + 9 * c[1] + 8 * c[2] + 7 * c[3] + 6 * c[4] + 5 * c[5] + 4 * c[6]
             + 3 * c[7] + 2 * c[8]) - _ASCII_ZERO_TOTAL
    check = (11 - total % 11) % 11
    return check != 10 and check == c[9] - 48


def normalise_code(value: object) -> str:
    """Reference codes are stored upper case without surrounding spaces."""
    return str(value).strip().upper()


def resolve_code(text: str, choices: dict[str, str]) -> tuple[str | None, list[str]]:
    """(the one code ``text`` points at, or None; the candidate codes), as a form's code box
    and an import file both resolve a code typed in part.

    Tried in order, stopping at the first rule that finds anything: the exact code, the exact
    name, codes starting with the text, codes with a part (after '-' or '_') starting with
    it, names containing it (all without regard to case).
    """
    needle = text.strip().upper()
    if not needle:
        return None, []
    if needle in choices:
        return needle, [needle]
    rules = [
        lambda code, name: name.strip().upper() == needle,
        lambda code, name: code.startswith(needle),
        lambda code, name: any(part.startswith(needle)
                               for part in code.replace("_", "-").split("-")[1:]),
        lambda code, name: needle in name.upper(),
    ]
    for rule in rules:
        found = [code for code, name in choices.items() if rule(code, name)]
        if found:
            return (found[0] if len(found) == 1 else None), found
    return None, []


def parse_code_list(value: object) -> list[str]:
    """A ';'-separated list of codes (files) or an iterable of codes (forms), de-duplicated in
    the order given."""
    if value is None:
        return []
    items = value.split(";") if isinstance(value, str) else list(value)
    seen: dict[str, None] = {}
    for item in items:
        code = normalise_code(item)
        if code:
            seen.setdefault(code, None)
    return list(seen)


def format_uk_date(value: date | None) -> str:
    """16 Nov 2026."""
    if value is None:
        return ""
    return f"{value.day} {value:%b %Y}"


def before_message(day: date, earlier: date | None, what: str) -> str | None:
    """The problem with ``day`` lying before ``earlier`` (the ``what``, e.g. "admission
    date"), or None when it does not or there is no ``earlier``: the one wording of the
    date-order rules (a due date before the raise date, a discharge before admission)."""
    if earlier is None or day >= earlier:
        return None
    return f"{format_uk_date(day)} is before the {what} ({format_uk_date(earlier)})"


def not_before(day: date, earlier: date | None, what: str) -> date:
    """``day``, or ValueError if it lies before ``earlier`` (``before_message``)."""
    problem = before_message(day, earlier, what)
    if problem:
        raise ValueError(problem)
    return day


def format_nhs_number(ref: str) -> str:
    """999 123 4567 for NHS numbers; local numbers as they are."""
    if ref.isdigit() and len(ref) == 10:
        return f"{ref[:3]} {ref[3:6]} {ref[6:]}"
    return ref
