"""Demo case-note reviews: about 80 a year, a panel of two to five agencies each. Around half
of the people did not reach the place the panel judged ideal, most of those because they got
more care than they needed (a care home instead of home with support, say). The oldest are
signed off, the newest still drafts."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from casereview.demo import DEMO_USER, DemoPlan
from casereview.demo.patients import older_age, synthetic_nhs_number
from casereview.domain.review import OUTCOMES, PHASE_SCORES, Review, intensity
from casereview.domain.validation import validate
from casereview.storage.context import load_context
from casereview.storage.db import now_utc, transaction
from casereview.storage.reviews import insert_reviews

PER_YEAR = 80
# The ideal place, as the panel judged it, weighted.
IDEAL = {"HOME": 22, "HOME_SUPPORT": 40, "INTERMEDIATE": 22, "RESIDENTIAL": 6, "NURSING": 4,
         "HOSPICE": 4, "OTHER": 2}
# Share of reviews whose actual outcome differs from the ideal. The share is fixed rather than
# drawn review by review, so that a short demo lands in the 40-55% a real programme sees; the
# non-ideal ones lean to the start of the span as the home-first work takes hold.
NON_IDEAL_SHARE = 0.48
NON_IDEAL_TREND = 0.4
MORE_CARE_SHARE = 0.8  # of non-ideal outcomes, those with more care than needed

REVIEWERS = {
    "ACUTE": ["Dr H. Osei (consultant geriatrician)", "C. Lyons (discharge coordinator)",
              "P. Nair (ward manager)"],
    "COMMUNITY": ["G. Fraser (community matron)", "S. Rahman (intermediate care lead)"],
    "ASC": ["E. Thornton (social work team manager)", "N. Adeyemi (senior social worker)"],
    "GP": ["Dr L. Kaur (GP, care home lead)", "Dr M. Evans (GP)"],
    "MH": ["F. Doyle (older people's mental health nurse)", "Dr R. Iqbal (psychiatrist)"],
    "VCS": ["B. Harper (Age UK hospital-to-home)", "T. Moss (carers' centre)"],
    "CAREHOME": ["J. Whitfield (care home manager)"],
    "AMB": ["K. Lowe (ambulance clinical lead)"],
}
OPTIONAL_AGENCIES = {"COMMUNITY": 0.6, "GP": 0.45, "MH": 0.2, "VCS": 0.2, "CAREHOME": 0.15,
                     "AMB": 0.08}
SIGNERS = ["Quality lead (A. Begum)", "Deputy director of nursing (R. Clarke)"]

LEARNING = {
    "RISK_AVERSE": "The team judged home unsafe after one fall on the ward; a therapy "
                   "assessment at home was not offered before the placement was agreed.",
    "HOME_FIRST": "Home first was not considered: no reablement referral was made although "
                  "the person had managed at home with family support before admission.",
    "CARE_AVAILABILITY": "A package of care was agreed but took {delay} days to source; the "
                         "interim bed became the permanent placement.",
    "ASSESSMENT_DELAY": "Waited {delay} days for a social care assessment after being "
                        "medically fit.",
    "COMMUNICATION": "Ward, social work and the community team each held part of the plan; "
                     "no single discharge meeting brought them together.",
    "DECISIONS": "A capacity assessment was not documented before the decision about "
                 "residence was made.",
    "CHOICE": "The person's wish to return home was recorded on admission but not revisited "
              "once medically fit.",
    "FAMILY": "The daughter (main carer) was not told of the discharge date until the day "
              "before.",
    "EQUIPMENT": "Discharge waited for a hospital bed and hoist to be delivered at home.",
    "INFO_SHARING": "The GP record showed an advance care plan the ward had not seen; the "
                    "shared care record was not checked.",
    "WARD_MOVES": "Moved ward {moves} times, twice at night; delirium worsened after each move.",
    "GOOD_PRACTICE": "Early joint assessment by the frailty team and social work; home with "
                     "reablement within two days of being medically fit.",
}
NO_THEME = ("The panel found the journey reasonable at each phase; no recurring theme was "
            "identified.")
ACTIONS = ["Action: discharge-to-assess pathway to be offered before any new placement.",
           "Action: share this case at the system flow meeting.",
           "Action: ward managers to check the shared care record on admission.",
           "Action: audit capacity documentation on the older people's wards.",
           "Action: no further action; good practice shared with the teams."]


def _weighted(rng, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def _actual(rng, ideal: str) -> str:
    """A different place from the ideal: usually more care than needed."""
    level = intensity(ideal)
    ranked = [c for c in OUTCOMES if intensity(c) is not None]
    higher = [c for c in ranked if level is not None and intensity(c) > level]
    lower = [c for c in ranked if level is not None and intensity(c) < level]
    if higher and (rng.random() < MORE_CARE_SHARE or not lower):
        # Mostly one step up (home -> home care, home care -> care home) but some leaps.
        return higher[0] if rng.random() < 0.55 else rng.choice(higher[:3])
    if lower and rng.random() < 0.85:
        return rng.choice(lower)
    return rng.choice([c for c in OUTCOMES if c != ideal])


def _themes(rng, non_ideal: bool, more_care: bool, overall: int, ward_moves: int) -> list[str]:
    themes = []
    if more_care:
        themes += rng.sample(["RISK_AVERSE", "HOME_FIRST", "CARE_AVAILABILITY",
                              "ASSESSMENT_DELAY"], rng.choice([1, 2, 2, 3]))
    elif non_ideal:
        themes += rng.sample(["CARE_AVAILABILITY", "DECISIONS", "CHOICE"], 1)
    for theme, chance in (("COMMUNICATION", 0.35 if non_ideal else 0.15),
                          ("INFO_SHARING", 0.2), ("FAMILY", 0.2), ("EQUIPMENT", 0.08),
                          ("CHOICE", 0.1), ("DECISIONS", 0.1)):
        if rng.random() < chance and theme not in themes:
            themes.append(theme)
    if ward_moves >= 3:
        themes.append("WARD_MOVES")
    if not non_ideal and overall >= 4 and rng.random() < 0.7:
        themes.append("GOOD_PRACTICE")
    return themes


def _review_days(plan: DemoPlan) -> list[date]:
    """Weekdays across the span, about PER_YEAR a year, review panels mostly mid-week."""
    n = max(1, round(PER_YEAR * plan.days / 365))
    rng = plan.rng
    days = []
    for _ in range(n):
        day = plan.first_day + timedelta(days=rng.randrange(plan.days))
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        days.append(max(day, plan.first_day))
    return sorted(days)


def _non_ideal_flags(plan: DemoPlan, days: list[date]) -> list[bool]:
    keys = [plan.rng.random() + NON_IDEAL_TREND * plan.progress(day) for day in days]
    cut = sorted(keys)[round(NON_IDEAL_SHARE * len(days)) - 1] if days else 0
    return [key <= cut for key in keys]


def _one(plan: DemoPlan, day: date, non_ideal: bool) -> tuple[dict, tuple[str, str] | None]:
    rng = plan.rng
    progress = plan.progress(day)
    age = older_age(rng)
    admitted = day - timedelta(days=rng.randint(25, 110))
    fit = admitted + timedelta(days=rng.randint(2, 18))
    ideal = _weighted(rng, IDEAL)
    actual = _actual(rng, ideal) if non_ideal else ideal
    more_care = (intensity(ideal) is not None and intensity(actual) is not None
                 and intensity(actual) > intensity(ideal))
    delay = rng.randint(4, 30) if non_ideal else rng.choice([0, 0, 0, 1, 2, 3])
    still_in = actual == "HOSPITAL" or rng.random() < 0.05
    discharged = None if still_in else min(fit + timedelta(days=delay + rng.randint(0, 3)), day)
    # Care scores: lower where the outcome went wrong; blank phases did not apply.
    base = 3.7 - (0.8 if non_ideal else 0) + (0.2 if progress > 0.5 else 0)
    phases = {}
    for name in PHASE_SCORES:
        if name == "score_pre_admission" and rng.random() < 0.25:
            phases[name] = ""
        elif name == "score_transfer" and (still_in or rng.random() < 0.1):
            phases[name] = ""
        else:
            phases[name] = str(min(5, max(1, round(rng.gauss(base, 0.75)))))
    overall = min(5, max(1, round(rng.gauss(base, 0.7))))
    ward_moves = rng.choices([0, 1, 2, 3, 4], [30, 35, 20, 10, 5])[0]
    agencies = ["ACUTE", "ASC"] if rng.random() < 0.9 else ["ACUTE"]
    agencies += [a for a, chance in OPTIONAL_AGENCIES.items() if rng.random() < chance]
    if len(agencies) < 2:
        agencies.append("COMMUNITY")
    themes = _themes(rng, non_ideal, more_care, overall, ward_moves)
    found = [LEARNING[t].format(delay=delay, moves=ward_moves) for t in themes[:3]]
    learning = " ".join((found or [NO_THEME]) + [rng.choice(ACTIONS)])

    # Status: the newest reviews are still being written up; older ones are signed off.
    age_days = (plan.last_day - day).days
    if (age_days < 28 and rng.random() < 0.7) or rng.random() < 0.03:
        status = "draft"
    elif age_days < 56 or rng.random() < 0.15:
        status = "complete"
    else:
        status = "signed_off"
    raw = {
        "status": status,
        "review_date": day.isoformat(),
        "patient_ref": synthetic_nhs_number(rng),
        "age": str(age),
        "dementia": ("yes" if rng.random() < 0.3 else "no") if rng.random() < 0.9 else "",
        "admission_date": admitted.isoformat(),
        "medically_fit_date": fit.isoformat() if rng.random() < 0.95 else "",
        "discharge_date": discharged.isoformat() if discharged else "",
        "agencies": ";".join(agencies),
        "reviewers": ";".join(rng.choice(REVIEWERS[a]) for a in agencies),
        "ideal_outcome": ideal,
        "actual_outcome": actual,
        "admission_avoidable": rng.choices(["yes", "no", "unsure", ""], [20, 58, 17, 5])[0],
        **phases,
        "score_overall": str(overall),
        "avoidable_delay_days": str(delay) if rng.random() < 0.9 else "",
        "ward_moves": str(ward_moves),
        "themes": ";".join(themes),
        "learning": learning,
    }
    if status == "draft":
        # A draft is saved part-way: the panel has not yet agreed the scores or the learning.
        raw.update(score_overall="", learning="")
        if rng.random() < 0.5:
            raw.update(actual_outcome="", themes="")
    signed = None
    if status == "signed_off":
        when = datetime.combine(day + timedelta(days=rng.randint(7, 20)),
                                time(rng.randint(9, 16), rng.choice([0, 15, 30, 45])),
                                tzinfo=plan.now.tzinfo)
        signed = (rng.choice(SIGNERS),
                  min(when, plan.now).astimezone(UTC).isoformat(timespec="seconds"))
    return raw, signed


def generate(plan: DemoPlan) -> None:
    context = load_context(plan.db, plan.now)
    reviews: list[Review] = []
    sign_offs: list[tuple[str, str] | None] = []
    days = _review_days(plan)
    for day, non_ideal in zip(days, _non_ideal_flags(plan, days), strict=True):
        raw, signed = _one(plan, day, non_ideal)
        reviews.append(validate(Review, raw, context))
        sign_offs.append(signed)
    with transaction(plan.db) as conn:
        insert_reviews(conn, reviews, DEMO_USER, now_utc(), sign_offs)
