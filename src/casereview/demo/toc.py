"""Demo Transfer of Care audits: about 20 case files a month, choice letters mostly issued,
escalations often late or missing, all slowly improving; and one dated change of policy."""

from __future__ import annotations

from datetime import date, timedelta

from casereview.demo import DEMO_USER, DemoPlan
from casereview.demo.patients import synthetic_nhs_number
from casereview.domain.toc import Policy, StepRule, Toc
from casereview.domain.validation import RecordInvalid, validate
from casereview.storage.context import load_context
from casereview.storage.db import now_utc, transaction
from casereview.storage.toc import add_policy, insert_tocs

AUDITS_PER_DAY = 20 / 30.4
AUDITORS = ["Discharge quality team", "P. Nwosu (quality lead)", "H. Clarke (ASC)",
            "F. Rahman (matron)", "G. Evans (discharge lead)"]
NOTES = ["", "", "", "", "", "family took time to visit care homes",
         "letter 2 given verbally first", "escalation discussed at board round only",
         "interim bed declined by family", "awaiting funding decision",
         "preferred home had no vacancy"]
# Midway through the span the discharge board brings the formal escalation letter forward.
POLICY_CHANGE_AT = 0.5
REVISED = Policy((
    StepRule("letter1", "admission_date", 2),
    StepRule("letter2", "medically_fit_date", 2),
    StepRule("escalation", "medically_fit_date", 7),
    StepRule("letter3", "medically_fit_date", 10),
))


def _step(rng, start: date, done_p: float, on_time_p: float, on_time: tuple[int, int],
          late: tuple[int, int]) -> date | None:
    if rng.random() >= done_p:
        return None
    low, high = on_time if rng.random() < on_time_p else late
    return start + timedelta(days=rng.randint(low, high))


def _audit(plan: DemoPlan, audit_date: date, wards: dict[str, list[str]]) -> dict:
    rng = plan.rng
    p = plan.progress(audit_date)
    site = "NGH" if rng.random() < 0.7 else "WCH"
    ward = rng.choice(wards[site])
    admitted = audit_date - timedelta(days=rng.randint(12, 70))
    fit = min(admitted + timedelta(days=int(rng.triangular(0, 25, 6))), audit_date)
    discharge: date | None = fit + timedelta(days=int(rng.triangular(0, 40, 6)))
    if discharge > audit_date or rng.random() < 0.12:
        discharge = None
    last = min(discharge or audit_date, audit_date)

    def within(day: date | None) -> str:
        # A step cannot be recorded after the patient left or after the audit.
        return day.isoformat() if day is not None and admitted <= day <= last else ""

    letter1 = _step(rng, admitted, 0.93, 0.85, (0, 2), (3, 6))
    discussion = _step(rng, fit, 0.85, 1.0, (0, 3), (0, 3))
    letter2 = _step(rng, fit, 0.86 + 0.1 * p, 0.62 + 0.25 * p, (0, 2), (3, 9))
    escalation = _step(rng, fit, 0.45 + 0.3 * p, 0.4 + 0.3 * p, (3, 7), (8, 18))
    letter3 = _step(rng, fit, 0.35 + 0.35 * p, 0.35 + 0.35 * p, (8, 12), (15, 28))
    if discharge is None:
        outcome = "STILL_IN_HOSPITAL"
    else:
        outcome = rng.choices(["PREFERRED", "INTERIM", "OTHER_SETTING", "DIED"],
                              [62, 22, 12, 4])[0]
    long_wait = (last - fit).days > 10
    return {
        "audit_date": audit_date.isoformat(), "auditor": rng.choice(AUDITORS),
        "site_code": site, "ward_code": ward, "patient_ref": synthetic_nhs_number(rng),
        "admission_date": admitted.isoformat(), "medically_fit_date": fit.isoformat(),
        "letter1_date": within(letter1), "choice_discussion_date": within(discussion),
        "letter2_date": within(letter2), "escalation_date": within(escalation),
        "letter3_date": within(letter3),
        "interim_offered": ("yes" if long_wait and rng.random() < 0.6 else "no")
        if rng.random() < 0.9 else "",
        "discharge_date": discharge.isoformat() if discharge else "",
        "outcome": outcome, "notes": rng.choice(NOTES),
    }


def _poisson(rng, lam: float) -> int:
    limit, k, prod = pow(2.718281828459045, -lam), 0, 1.0
    while True:
        prod *= rng.random()
        if prod <= limit:
            return k
        k += 1


def generate(plan: DemoPlan) -> None:
    context = load_context(plan.db, plan.now)
    wards = {site: [w.ward_code for w in context.reference.wards_on(site) if w.older_adults]
             for site in context.reference.sites}
    change_day = plan.first_day + timedelta(days=int(plan.days * POLICY_CHANGE_AT))
    add_policy(plan.db, REVISED, change_day, DEMO_USER,
               "Discharge board: formal escalation letter within 10 days of medically fit")
    audits: list[Toc] = []
    day = plan.first_day
    while day <= plan.last_day:
        for _ in range(_poisson(plan.rng, AUDITS_PER_DAY)):
            try:
                audits.append(validate(Toc, _audit(plan, day, wards), context))
            except RecordInvalid:
                continue  # a drawn case that breaks a rule is simply not audited
        day += timedelta(days=1)
    with transaction(plan.db) as conn:
        insert_tocs(conn, audits, DEMO_USER, now_utc())
