"""Demo patient-experience samples: most weeks each older-adult ward collects its five (a few
more on keen wards), some weeks it falls short, now and then it collects none. Answers hang
together (a poor overall experience comes with the comment that explains it) and the night
moves reported fall after the bed-management change the move demo shows."""

from __future__ import annotations

import random
from datetime import date, timedelta

from casereview.demo import DEMO_USER, DemoPlan
from casereview.demo.moves import CHANGE_AT
from casereview.demo.patients import older_age, synthetic_nhs_number
from casereview.domain.experience import Experience
from casereview.domain.reference import Ward
from casereview.domain.validation import validate
from casereview.storage.context import load_context
from casereview.storage.db import now_utc, transaction
from casereview.storage.records import insert_many

COLLECTORS = ["M. Clarke (volunteer)", "D. Evans (HCA)", "R. Ahmed (ward sister)",
              "L. Ford (patient experience team)", "G. Novak (volunteer)", "S. Irwin (HCA)",
              "B. Osei (volunteer)", "K. Doyle (matron)"]

# What people said, by theme and by how the experience went.
GOOD_WORDS = {
    "STAFF_ATTITUDE": [
        "The nurses are wonderful, nothing is too much trouble.",
        "Staff always stop and have a chat even when they're rushed off their feet.",
        "The night HCA sat with me when I was frightened. I won't forget that.",
        "Everyone introduces themselves and calls me by my name.",
    ],
    "COMMUNICATION": [
        "The doctor sat down and explained everything to me and my daughter.",
        "They tell me what the plan is every morning, which helps.",
        "Nurse wrote the plan on the board so I could remember it.",
    ],
    "FOOD": [
        "Food is hot and there's plenty of choice.",
        "Lovely cup of tea whenever I ask, and they remember I take sugar.",
    ],
    "DISCHARGE": [
        "They've sorted carers for when I go home and went through it all with me.",
        "The therapist came to my house to check the stairs before I go home.",
    ],
}
POOR_WORDS = {
    "NOISE_AT_NIGHT": [
        "Couldn't sleep, the buzzers go all night.",
        "Very noisy in the bay at night, a gentleman shouting until gone three.",
        "Lights on and bins banging at 5am.",
    ],
    "WAITING": [
        "Waited over an hour for help to the toilet.",
        "Still waiting to hear about my scan and nobody seems to know.",
        "Pressed the buzzer and it was 40 minutes before anyone came.",
    ],
    "WARD_MOVES": [
        "Moved to another ward at 2 in the morning and nobody told my wife.",
        "This is my third ward. I keep losing my things.",
        "Woken up and wheeled somewhere else in the night, I didn't know where I was.",
    ],
    "FOOD": [
        "Food is stone cold by the time it gets to me.",
        "Nobody helped me open the packets so I didn't eat my lunch.",
    ],
    "COMMUNICATION": [
        "Different answer from every doctor I ask.",
        "My son rang three times and nobody called him back.",
        "I don't really know why I'm still in here.",
    ],
    "DISCHARGE": [
        "Told I'm going home today but no one knows when the transport is coming.",
        "Been ready to go for a week, waiting for a care package.",
        "I don't know what happens when I leave.",
    ],
    "STAFF_ATTITUDE": [
        "One of the nurses was short with me when I asked for help.",
        "They talk over me to each other as if I'm not there.",
    ],
}
MIDDLING_WORDS = ["It's alright. The staff are very busy.", "Can't complain really.",
                  "Some days better than others.", "Fine, just want to go home now."]
PROXY_WORDS = {
    "good": ["(daughter) Mum seems settled and the staff know her ways.",
             "(husband) They let me stay past visiting to help with her tea."],
    "poor": ["(son) Nobody asked us about Dad's routine at home.",
             "(wife) He was more confused after they moved him in the night."],
}

# How each demo ward's patients tend to find it: share of positive answers before the change.
WARD_QUALITY = {"NGH-AMU": 0.70, "NGH-ELD1": 0.86, "NGH-ELD2": 0.78, "NGH-STR": 0.88,
                "NGH-ORTH": 0.80, "WCH-ASH": 0.92, "WCH-BIR": 0.85, "WCH-ELM": 0.82}
# How reliably each ward collects its five (busy admission units struggle most).
WARD_RELIABILITY = {"NGH-AMU": 0.6, "NGH-ELD1": 0.9, "NGH-ELD2": 0.75, "NGH-STR": 0.85,
                    "NGH-ORTH": 0.8, "WCH-ASH": 0.95, "WCH-BIR": 0.85, "WCH-ELM": 0.8}


def _weekly_count(rng: random.Random, reliability: float) -> int:
    roll = rng.random()
    if roll < reliability:
        return rng.choices([5, 6, 7], [70, 20, 10])[0]
    if roll < 0.96:
        return rng.randint(2, 4)
    return 0  # a week with no samples at all (leave, sickness, ward closed to visitors)


def _sample(rng: random.Random, ward: Ward, day: date, progress: float,
            collectors: list[str]) -> dict[str, str]:
    after_change = progress >= CHANGE_AT
    quality = WARD_QUALITY.get(ward.ward_code, 0.8) + 0.06 * progress
    dementia = rng.random() < (0.6 if "ELM" in ward.ward_code else 0.25)
    proxy = rng.random() < (0.55 if dementia else 0.08)
    if dementia and not proxy and rng.random() < 0.35:
        fft = "DONT_KNOW"
    else:
        roll = rng.random()
        fft = ("VERY_GOOD" if roll < quality * 0.6 else "GOOD" if roll < quality
               else "NEITHER" if roll < quality + 0.06 else "POOR" if roll < 0.97
               else "VERY_POOR")
        if rng.random() < 0.03:
            fft = "DONT_KNOW"
    mood = ("good" if fft in ("VERY_GOOD", "GOOD") else "poor" if fft in ("POOR", "VERY_POOR")
            else "middling")

    moved_rate = (0.05 if after_change else 0.13) * (1.5 if ward.site_code == "NGH" else 0.5)
    moved = "YES" if rng.random() < moved_rate else "NO"
    if dementia and not proxy and rng.random() < 0.4:
        moved = "DONT_KNOW"
    if rng.random() < 0.08:
        moved = ""

    if mood == "good":
        dignity = rng.choices(["ALWAYS", "SOMETIMES", ""], [88, 9, 3])[0]
        involved = rng.choices(["DEFINITELY", "SOME_EXTENT", "NO", "NOT_APPLICABLE", ""],
                               [60, 28, 4, 5, 3])[0]
    elif mood == "poor":
        dignity = rng.choices(["ALWAYS", "SOMETIMES", "NO", ""], [35, 40, 22, 3])[0]
        involved = rng.choices(["DEFINITELY", "SOME_EXTENT", "NO", "NOT_APPLICABLE", ""],
                               [12, 33, 45, 5, 5])[0]
    else:
        dignity = rng.choices(["ALWAYS", "SOMETIMES", "NO", ""], [60, 28, 4, 8])[0]
        involved = rng.choices(["DEFINITELY", "SOME_EXTENT", "NO", "NOT_APPLICABLE", ""],
                               [30, 40, 12, 10, 8])[0]
    discharge_info = rng.choices(["YES", "NO", "NOT_YET", "NOT_APPLICABLE", ""],
                                 [35 if mood == "good" else 15, 8 if mood == "good" else 25,
                                  40, 10, 7])[0]

    themes: list[str] = []
    comment = ""
    if proxy and rng.random() < 0.4:
        comment = rng.choice(PROXY_WORDS["good" if mood == "good" else "poor"])
    elif mood == "middling":
        comment = rng.choice(MIDDLING_WORDS) if rng.random() < 0.6 else ""
        if rng.random() < 0.4:
            themes.append(rng.choice(["WAITING", "NOISE_AT_NIGHT", "FOOD"]))
    elif rng.random() < 0.8:
        bank = GOOD_WORDS if mood == "good" else POOR_WORDS
        theme = "WARD_MOVES" if moved == "YES" and mood == "poor" else rng.choice(list(bank))
        themes.append(theme)
        comment = rng.choice(bank[theme])
        if rng.random() < 0.2:
            themes.append(rng.choice([t for t in bank if t != theme]))
    if moved == "YES" and "WARD_MOVES" not in themes and rng.random() < 0.5:
        themes.append("WARD_MOVES")

    return {
        "sample_date": day.isoformat(), "site_code": ward.site_code,
        "ward_code": ward.ward_code, "collected_by": rng.choice(collectors),
        "patient_ref": synthetic_nhs_number(rng) if rng.random() < 0.6 else "",
        "age": str(older_age(rng)) if rng.random() < 0.9 else "",
        "dementia": ("yes" if dementia else "no") if rng.random() < 0.9 else "",
        "proxy": "yes" if proxy else "no",
        "fft": fft, "dignity": dignity, "involved": involved, "moved_at_night": moved,
        "discharge_info": discharge_info, "themes": ";".join(themes), "comment": comment,
    }


def generate(plan: DemoPlan) -> None:
    rng = plan.rng
    context = load_context(plan.db, plan.now)
    wards = [w for w in context.reference.wards.values() if w.older_adults]
    collectors = {w.ward_code: rng.sample(COLLECTORS, 3) for w in wards}
    rows: list[dict] = []
    monday = plan.first_day - timedelta(days=plan.first_day.weekday())
    while monday <= plan.last_day:
        days = [monday + timedelta(days=i) for i in range(7)
                if plan.first_day <= monday + timedelta(days=i) <= plan.last_day]
        for ward in wards:
            wanted = _weekly_count(rng, WARD_RELIABILITY.get(ward.ward_code, 0.8))
            # A part week (the first, or the one still running) gets its share so far.
            wanted = round(wanted * len(days) / 7)
            # Samples are mostly collected on weekdays.
            weights = [3 if d.weekday() < 5 else 1 for d in days]
            for day in sorted(rng.choices(days, weights, k=wanted)) if days else []:
                raw = _sample(rng, ward, day, plan.progress(day), collectors[ward.ward_code])
                rows.append(validate(Experience, raw, context).to_row())
        monday += timedelta(days=7)
    at = now_utc()
    with transaction(plan.db) as conn:
        insert_many(conn, "experience", rows, DEMO_USER, at)
