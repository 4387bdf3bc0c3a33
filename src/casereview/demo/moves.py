"""Demo nights: out-of-hours moves at both sites with a step-change reduction part-way
through (a new bed-management policy), and audit returns for nearly every night."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from casereview.demo import DEMO_USER, DemoPlan
from casereview.demo.patients import older_age, synthetic_nhs_number
from casereview.domain.move import Move, NightAudit
from casereview.domain.validation import validate
from casereview.storage.context import load_context
from casereview.storage.db import now_utc, transaction
from casereview.storage.records import insert_many

# Mean non-clinical moves per night before and after the change, by site.
BEFORE = {"NGH": 3.2, "WCH": 1.1}
AFTER = {"NGH": 1.4, "WCH": 0.5}
CHANGE_AT = 0.55  # fraction of the span at which the new policy started

NON_CLINICAL = (["CAPACITY"] * 6 + ["ESCALATION"] * 3 + ["OUTLIER"] * 2
                + ["WARD_CLOSURE", "OTHER_NC"])
CLINICAL = ["CLINICAL"] * 3 + ["INFECTION"] * 2 + ["END_OF_LIFE"]
AUTHORISERS = ["S. Okafor (site manager)", "J. Patel (site manager)", "M. Kowalski (bed manager)",
               "R. Hughes (site manager)", "A. Begum (clinical site lead)"]
AUDITORS = ["Night audit team", "K. Mensah", "L. Byrne", "D. Ahmed", "T. Walsh"]
NOTES = ["", "", "", "", "family phoned next morning", "moved with belongings",
         "patient distressed on arrival", "moved before midnight handover",
         "bed required for ED breach", "side room needed for admission"]


def _poisson(rng, lam: float) -> int:
    # Knuth; lam is small here.
    limit, k, p = pow(2.718281828459045, -lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _night_time(rng) -> time:
    # Most night moves happen late evening or early morning, fewer at 03:00.
    minutes = int(rng.triangular(0, 9 * 60, 2.5 * 60))
    return (datetime(2000, 1, 1, 22, 0) + timedelta(minutes=minutes)).time()


def generate(plan: DemoPlan) -> None:
    rng = plan.rng
    context = load_context(plan.db, plan.now)
    wards = {site: [w.ward_code for w in context.reference.wards_on(site)]
             for site in context.reference.sites}
    moves: list[dict] = []
    audits: list[dict] = []
    day = plan.first_day
    while day <= plan.last_day:
        after = plan.progress(day) >= CHANGE_AT
        for site, codes in wards.items():
            lam = (AFTER if after else BEFORE)[site] * (1.25 if day.weekday() in (0, 4) else 1)
            n_moves = _poisson(rng, lam) + (1 if rng.random() < 0.25 else 0) * _poisson(rng, 0.4)
            for _ in range(n_moves):
                at = _night_time(rng)
                moved_day = day if at >= time(22, 0) else day + timedelta(days=1)
                stamp = datetime.combine(moved_day, at)
                if stamp.replace(tzinfo=plan.now.tzinfo) > plan.now:
                    continue
                from_ward, to_ward = rng.sample(codes, 2)
                older = rng.random() < 0.8
                raw = {
                    "moved_at": stamp.strftime("%Y-%m-%d %H:%M"),
                    "site_code": site, "from_ward": from_ward, "to_ward": to_ward,
                    "reason": rng.choice(NON_CLINICAL if rng.random() < 0.8 else CLINICAL),
                    "patient_ref": synthetic_nhs_number(rng) if rng.random() < 0.9 else "",
                    "age": str(older_age(rng)) if rng.random() < 0.93 else "",
                    "dementia": ("yes" if rng.random() < (0.35 if older else 0.05) else "no")
                    if rng.random() < 0.85 else "",
                    "authorised_by": rng.choice(AUTHORISERS)
                    if rng.random() < (0.9 if after else 0.7) else "",
                    "informed": ("yes" if rng.random() < 0.75 else "no")
                    if rng.random() < 0.9 else "",
                    "move_number": str(rng.choices([1, 2, 3, 4], [60, 25, 10, 5])[0])
                    if rng.random() < 0.85 else "",
                    "notes": rng.choice(NOTES),
                }
                try:
                    moves.append(validate(Move, raw, context).to_row())
                except ValueError:
                    continue  # e.g. 01:30 on the night the clocks go forward
            # Nearly every night is returned; the last night may still be open.
            returned = rng.random() < (0.9 + 0.09 * plan.progress(day))
            if day == plan.last_day:
                returned = site == "NGH"
            if returned:
                done = datetime.combine(day + timedelta(days=1), time(7, rng.randint(5, 55)))
                audit = validate(NightAudit, {
                    "site_code": site, "audit_night": day.isoformat(),
                    "audited_by": rng.choice(AUDITORS),
                    "completed_at": min(done.replace(tzinfo=plan.now.tzinfo), plan.now)
                    .strftime("%Y-%m-%d %H:%M"),
                }, context)
                audits.append(audit.to_row())
        day += timedelta(days=1)
    moves.sort(key=lambda r: r["moved_at_utc"])
    at = now_utc()
    with transaction(plan.db) as conn:
        insert_many(conn, "move", moves, DEMO_USER, at)
        insert_many(conn, "night_audit", audits, DEMO_USER, at)
