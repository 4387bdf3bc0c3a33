"""Transfer of Care audits for tests: a valid raw row to vary, and a quick way to store one."""

from __future__ import annotations

from casereview.domain.toc import Toc
from casereview.domain.validation import validate
from casereview.storage.toc import save_toc

# Admitted 1 Oct, fit 10 Oct: letter1 due 3 Oct, letter2 12 Oct, escalation 17 Oct,
# letter3 24 Oct. Every step on time, discharged 30 Oct.
RAW = {
    "audit_date": "2026-11-20", "auditor": "K. Mensah", "site_code": "NGH", "ward_code": "A1",
    "patient_ref": "999 000 0026", "admission_date": "2026-10-01",
    "medically_fit_date": "2026-10-10", "letter1_date": "2026-10-02",
    "choice_discussion_date": "2026-10-11", "letter2_date": "2026-10-12",
    "escalation_date": "2026-10-17", "letter3_date": "2026-10-24", "interim_offered": "no",
    "discharge_date": "2026-10-30", "outcome": "PREFERRED", "notes": "",
}


def raw(**changes) -> dict:
    return {**RAW, **changes}


def make(ctx, **changes) -> Toc:
    return validate(Toc, raw(**changes), ctx)


def store(db, ctx, user: str = "tester", **changes) -> int:
    return save_toc(db, make(ctx, **changes), user)
