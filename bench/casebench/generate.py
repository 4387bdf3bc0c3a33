"""Synthetic rows for each import KIND, as a file would hold them (the SPEC 7.1 columns, raw
strings). The large database is built from these through each KIND's own validation and
writer, so it holds what the application itself would store. Synthetic NHS numbers only
(999 000 0000 - 999 999 9999)."""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

from casebench.system import System
from casereview.domain.values import format_nhs_number

NON_CLINICAL = ["CAPACITY"] * 6 + ["ESCALATION"] * 3 + ["OUTLIER"] * 2 + ["WARD_CLOSURE",
                                                                          "OTHER_NC"]
CLINICAL = ["CLINICAL"] * 3 + ["INFECTION"] * 2 + ["END_OF_LIFE"]
PEOPLE = ["S. Okafor", "J. Patel", "M. Kowalski", "R. Hughes", "A. Begum", "K. Mensah",
          "L. Byrne", "D. Ahmed", "T. Walsh", "C. Nowak", "P. Singh", "E. Murphy"]
NOTES = ["family phoned next morning", "moved with belongings", "patient distressed on arrival",
         "moved before midnight handover", "bed required for ED breach",
         "side room needed for admission"]


def nhs_pool(rng: random.Random, size: int) -> list[str]:
    """Valid synthetic NHS numbers (Modulus 11), some written with spaces as people type them."""
    out = []
    while len(out) < size:
        stem = "999" + f"{rng.randrange(0, 1_000_000):06d}"
        total = sum(int(d) * (10 - i) for i, d in enumerate(stem))
        check = (11 - total % 11) % 11
        if check == 10:
            continue
        number = stem + str(check)
        out.append(format_nhs_number(number) if rng.random() < 0.3 else number)
    return out


def _last_sunday(year: int, month: int) -> date:
    day = date(year, month, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def _skips_hour(day: date, hour: int) -> bool:
    """01:00-01:59 on the last Sunday of March does not exist in UK time."""
    return hour == 1 and day.month == 3 and day == _last_sunday(day.year, 3)


MOVE_COLUMNS = ["moved_at", "site_code", "from_ward", "to_ward", "reason", "patient_ref", "age",
                "dementia", "authorised_by", "informed", "move_number", "notes"]


def moves(system: System, count: int, rng: random.Random) -> Iterator[list[str]]:
    """``count`` moves spread over the span in time order: mostly at night, a fifth by day
    (the log holds those too; they are simply not out-of-hours)."""
    sites = [code for code, _ in system.sites]
    wards = {s: system.wards_of(s) for s in sites}
    patients = nhs_pool(rng, 20_000)
    per_day, extra = divmod(count, system.days)
    day = system.first_day
    for index in range(system.days):
        n = per_day + (1 if index < extra else 0)
        stamps = []
        for _ in range(n):
            if rng.random() < 0.8:  # night: 22:00-06:59, on this day or the next morning
                minutes = rng.randrange(9 * 60)
                at_day = day if minutes < 120 else day + timedelta(days=1)
                hour, minute = divmod((22 * 60 + minutes) % (24 * 60), 60)
            else:
                at_day, (hour, minute) = day, divmod(rng.randrange(7 * 60, 22 * 60), 60)
            if at_day > system.last_day or _skips_hour(at_day, hour):
                at_day, hour = day, 23
            stamps.append((at_day, hour, minute))
        stamps.sort()
        for at_day, hour, minute in stamps:
            site = rng.choice(sites)
            from_ward, to_ward = rng.sample(wards[site], 2)
            uk = rng.random() < 0.2
            moved_at = (f"{at_day:%d/%m/%Y} {hour:02d}:{minute:02d}" if uk
                        else f"{at_day.isoformat()} {hour:02d}:{minute:02d}")
            older = rng.random() < 0.8
            yield [
                moved_at, site, from_ward, to_ward,
                rng.choice(NON_CLINICAL if rng.random() < 0.8 else CLINICAL),
                rng.choice(patients) if rng.random() < 0.9 else "",
                str(rng.randint(65, 99) if older else rng.randint(18, 64))
                if rng.random() < 0.93 else "",
                rng.choice(("yes", "no", "y", "n", "")) if older else rng.choice(("no", "")),
                rng.choice(PEOPLE) + " (site manager)" if rng.random() < 0.8 else "",
                rng.choice(("yes", "no", "")),
                str(rng.choices((1, 2, 3, 4), (60, 25, 10, 5))[0]) if rng.random() < 0.85
                else "",
                rng.choice(NOTES) if rng.random() < 0.15 else "",
            ]
        day += timedelta(days=1)


NIGHT_COLUMNS = ["site_code", "audit_night", "audited_by"]


def nights(system: System, rng: random.Random) -> Iterator[list[str]]:
    """A return for nearly every site and night (a few nights were never audited)."""
    day = system.first_day
    while day <= system.last_day:
        for site, _ in system.sites:
            if rng.random() < 0.97:
                yield [site, day.isoformat(), rng.choice(PEOPLE)]
        day += timedelta(days=1)


def _spread(system: System, count: int) -> Iterator[date]:
    """``count`` dates spread evenly over the span, in order."""
    per_day, extra = divmod(count, system.days)
    day = system.first_day
    for index in range(system.days):
        for _ in range(per_day + (1 if index < extra else 0)):
            yield day
        day += timedelta(days=1)


EXPERIENCE_COLUMNS = ["sample_date", "site_code", "ward_code", "collected_by", "patient_ref",
                      "age", "dementia", "proxy", "fft", "dignity", "involved",
                      "moved_at_night", "discharge_info", "themes", "comment"]
FFT = ["VERY_GOOD"] * 5 + ["GOOD"] * 3 + ["NEITHER", "POOR", "VERY_POOR", "DONT_KNOW"]
EXPERIENCE_THEMES = ["STAFF_ATTITUDE", "COMMUNICATION", "NOISE_AT_NIGHT", "FOOD", "WAITING",
                     "WARD_MOVES", "DISCHARGE"]
COMMENTS = ["The nurses were kind and explained everything.", "Too noisy at night to sleep.",
            "Nobody told my daughter I had been moved.", "Food was cold at lunchtime.",
            "Waiting a long time for the doctor.", "Very happy with the care on this ward."]


def experience(system: System, count: int, rng: random.Random) -> Iterator[list[str]]:
    """Patient-experience samples on the older-adult wards, spread over the span."""
    wards = [(w.ward_code, w.site_code) for w in system.older_wards]
    patients = nhs_pool(rng, 5_000)
    for day in _spread(system, count):
        ward, site = rng.choice(wards)
        yield [
            day.isoformat(), site, ward, rng.choice(PEOPLE),
            rng.choice(patients) if rng.random() < 0.6 else "",
            str(rng.randint(65, 99)) if rng.random() < 0.9 else "",
            rng.choice(("yes", "no", "")), rng.choice(("yes", "no", "no", "no")),
            rng.choice(FFT),
            rng.choice(("ALWAYS", "ALWAYS", "SOMETIMES", "NO", "")),
            rng.choice(("DEFINITELY", "SOME_EXTENT", "NO", "NOT_APPLICABLE", "")),
            rng.choice(("YES", "NO", "NO", "NO", "DONT_KNOW", "")),
            rng.choice(("YES", "NO", "NOT_YET", "NOT_APPLICABLE", "")),
            ";".join(rng.sample(EXPERIENCE_THEMES, rng.choice((0, 0, 1, 2)))),
            rng.choice(COMMENTS) if rng.random() < 0.4 else "",
        ]


REVIEW_COLUMNS = ["review_date", "patient_ref", "age", "dementia", "admission_date",
                  "medically_fit_date", "discharge_date", "agencies", "reviewers",
                  "ideal_outcome", "actual_outcome", "admission_avoidable",
                  "score_pre_admission", "score_admission", "score_ongoing",
                  "score_discharge_planning", "score_transfer", "score_overall",
                  "avoidable_delay_days", "ward_moves", "themes", "learning", "status"]
AGENCIES = ["ACUTE", "COMMUNITY", "ASC", "GP", "MH", "VCS", "CAREHOME", "AMB"]
OUTCOMES = ["HOME", "HOME_SUPPORT", "INTERMEDIATE", "RESIDENTIAL", "NURSING", "HOSPITAL",
            "HOSPICE", "OTHER"]
REVIEW_THEMES = ["COMMUNICATION", "DECISIONS", "RISK_AVERSE", "CHOICE", "FAMILY",
                 "ASSESSMENT_DELAY", "CARE_AVAILABILITY", "EQUIPMENT", "INFO_SHARING",
                 "HOME_FIRST", "WARD_MOVES", "GOOD_PRACTICE"]


def reviews(system: System, count: int, rng: random.Random) -> Iterator[list[str]]:
    """Completed multi-agency case-note reviews (a few drafts), one patient's stay each."""
    serial = 0
    for day in _spread(system, count):
        serial += 1
        admitted = day - timedelta(days=rng.randint(20, 120))
        fit = admitted + timedelta(days=rng.randint(2, 15))
        discharged = fit + timedelta(days=rng.randint(0, 10))
        if discharged > day:
            discharged = day
        ideal = rng.choice(OUTCOMES[:5])
        actual = ideal if rng.random() < 0.6 else rng.choice(OUTCOMES)
        draft = rng.random() < 0.05
        yield [
            day.isoformat(),
            # A local hospital number per review keeps every stay distinct (no duplicates).
            f"H{serial:08d}", str(rng.randint(65, 99)), rng.choice(("yes", "no", "")),
            admitted.isoformat(), fit.isoformat(),
            discharged.isoformat() if rng.random() < 0.9 else "",
            ";".join(rng.sample(AGENCIES, rng.randint(2, 5))),
            ";".join(rng.sample(PEOPLE, rng.randint(1, 3))),
            ideal, actual, rng.choice(("yes", "no", "unsure")),
            *(rng.choice(("1", "2", "3", "4", "5", "")) for _ in range(5)),
            "" if draft else rng.choice(("2", "3", "3", "4", "4", "5")),
            str(rng.randint(0, 8)) if rng.random() < 0.8 else "",
            str(rng.randint(0, 4)),
            ";".join(rng.sample(REVIEW_THEMES, rng.randint(0, 3))),
            "Earlier discharge planning would have helped." if rng.random() < 0.3 else "",
            "draft" if draft else "complete",
        ]


TOC_COLUMNS = ["audit_date", "auditor", "site_code", "ward_code", "patient_ref",
               "admission_date", "medically_fit_date", "letter1_date",
               "choice_discussion_date", "letter2_date", "escalation_date", "letter3_date",
               "interim_offered", "discharge_date", "outcome", "notes"]


def toc(system: System, count: int, rng: random.Random) -> Iterator[list[str]]:
    """Transfer of Care case-file audits: dates within the stay, steps often late."""
    wards = [(w.ward_code, w.site_code) for w in system.wards]
    patients = nhs_pool(rng, 20_000)

    def within(start: date, end: date, late: int) -> str:
        if rng.random() < 0.15:
            return ""
        day = start + timedelta(days=rng.randint(0, late))
        return (day if day <= end else end).isoformat()

    for day in _spread(system, count):
        ward, site = rng.choice(wards)
        admitted = day - timedelta(days=rng.randint(15, 90))
        fit = min(admitted + timedelta(days=rng.randint(1, 12)), day)
        discharged = fit + timedelta(days=rng.randint(1, 30))
        still_in = discharged > day or rng.random() < 0.1
        yield [
            day.isoformat(), rng.choice(PEOPLE), site, ward, rng.choice(patients),
            admitted.isoformat(), fit.isoformat(),
            within(admitted, day, 4), within(fit, day, 4), within(fit, day, 5),
            within(fit, day, 12), within(fit, day, 20),
            rng.choice(("yes", "no", "")),
            "" if still_in else discharged.isoformat(),
            "STILL_IN_HOSPITAL" if still_in else rng.choice(("PREFERRED", "PREFERRED",
                                                             "INTERIM", "OTHER_SETTING")),
            "",
        ]


def write_csv(path: Path, header: list[str], rows: Iterator[list[str]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    n = 0
    with open(tmp, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            n += 1
    tmp.replace(path)
    return n


# --- the import figure's second file: moves as another system might export them -------------

SURNAMES = ["Okafor", "Patel", "Kowalski", "Hughes", "Begum", "Mensah", "Byrne", "Ahmed",
            "Walsh", "Nowak", "Singh", "Murphy", "Evans", "Nguyen", "Adeyemi", "Campbell",
            "Fraser", "Jones", "Khan", "Lewis", "Morgan", "O'Neill", "Price", "Rahman",
            "Smith", "Taylor", "Thomas", "Wilson", "Wright", "Young", "Zielinski", "Costa"]
ROLES = ["site manager", "clinical site manager", "bed manager", "nurse in charge",
         "duty matron", "on-call manager", "patient flow coordinator"]
NOTE_PARTS = (["family phoned next morning", "moved with belongings",
               "patient distressed on arrival", "moved before midnight handover",
               "bed required for ED breach", "side room needed for admission",
               "escorted by HCA", "property bag left on ward", "carer informed by phone",
               "transferred by porter", "oxygen in transit", "new ward aware of delirium"],
              ["", "", "", "; datix raised", "; next of kin not reached",
               "; reviewed by night practitioner", "; falls risk noted"])


def _unique_minutes(rng: random.Random, first: datetime, last: datetime, count: int,
                    night_share: float = 0.8) -> list[datetime]:
    """``count`` different local minutes between ``first`` and ``last``, in random order,
    ``night_share`` of them in 22:00-06:59; minutes the clocks skip are left out."""
    days = (last.date() - first.date()).days
    night = round(count * night_share)
    picks: set[int] = set()  # minute offsets from the first midnight
    while len(picks) < count:
        want_night = len(picks) < night
        day = rng.randrange(days)
        minute = rng.randrange(9 * 60) if want_night else rng.randrange(15 * 60)
        minute = (22 * 60 + minute) if want_night else (7 * 60 + minute)
        picks.add(day * 1440 + minute)
    start = datetime.combine(first.date(), datetime.min.time())
    out = []
    for offset in picks:
        at = start + timedelta(minutes=offset)
        if at < last and not _skips_hour(at.date(), at.hour):
            out.append(at)
    rng.shuffle(out)
    return out


def random_moves(system: System, count: int, rng: random.Random) -> Iterator[list[str]]:
    """``count`` moves with every timestamp different, in no particular order (as an export
    from another system may be), with a real log's variety: ages 18-104, every ward of a site,
    a hundred-odd authorisers, notes of many shapes, mostly distinct patients (synthetic NHS
    numbers written three ways, and local hospital numbers)."""
    sites = [code for code, _ in system.sites]
    wards = {s: system.wards_of(s) for s in sites}
    patients = nhs_pool(rng, max(1000, count * 2 // 3))
    people = [f"{initial}. {surname}" for initial in "ABCDEJKLMPRST" for surname in SURNAMES]
    first = datetime.combine(system.first_day, datetime.min.time())
    last = datetime.combine(system.last_day, datetime.min.time()) + timedelta(days=1)
    stamps = _unique_minutes(rng, first, last, count)
    while len(stamps) < count:  # a skipped hour or the edge dropped a few: top up
        stamps += _unique_minutes(rng, first, last, count - len(stamps))
        stamps = list(dict.fromkeys(stamps))
    for at in stamps[:count]:
        site = rng.choice(sites)
        from_ward, to_ward = rng.sample(wards[site], 2)
        style = rng.random()
        moved_at = (f"{at:%d/%m/%Y %H:%M}" if style < 0.25 else f"{at:%Y-%m-%dT%H:%M}"
                    if style < 0.4 else f"{at:%Y-%m-%d %H:%M}")
        if rng.random() < 0.92:
            patient = rng.choice(patients)
            if rng.random() < 0.1:
                patient = patient.replace(" ", "-")
        elif rng.random() < 0.5:
            patient = f"RX{rng.randrange(10**6):06d}"
        else:
            patient = ""
        older = rng.random() < 0.8
        age = (str(rng.randint(65, 104) if older else rng.randint(18, 64))
               if rng.random() < 0.95 else "")
        part, tail = NOTE_PARTS
        notes = (f"{rng.choice(part)}{rng.choice(tail)}" if rng.random() < 0.35 else
                 f"moved from {from_ward} to {to_ward} at {at:%H:%M}" if rng.random() < 0.1
                 else "")
        yield [
            moved_at, site if rng.random() < 0.9 else site.lower(), from_ward, to_ward,
            rng.choice(NON_CLINICAL if rng.random() < 0.8 else CLINICAL),
            patient, age,
            rng.choice(("yes", "no", "y", "n", "Yes", "")) if older else rng.choice(("no", "")),
            f"{rng.choice(people)} ({rng.choice(ROLES)})" if rng.random() < 0.85 else "",
            rng.choice(("yes", "no", "Y", "N", "")),
            str(rng.choices((1, 2, 3, 4), (60, 25, 10, 5))[0]) if rng.random() < 0.85 else "",
            notes,
        ]
