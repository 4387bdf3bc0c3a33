"""Demo sites and wards: one acute hospital and one community hospital."""

from __future__ import annotations

from casereview.demo import DEMO_USER, DemoPlan
from casereview.domain.reference import Ward
from casereview.storage.reference import save_site, save_ward

SITES = [("NGH", "Northgate General Hospital"), ("WCH", "Westbrook Community Hospital")]

WARDS = [
    Ward("NGH-AMU", "Acute Medical Unit", "NGH", True),
    Ward("NGH-ELD1", "Elderly Care 1 (Beech)", "NGH", True),
    Ward("NGH-ELD2", "Elderly Care 2 (Cedar)", "NGH", True),
    Ward("NGH-STR", "Stroke Unit", "NGH", True),
    Ward("NGH-ORTH", "Orthogeriatrics (Hawthorn)", "NGH", True),
    Ward("NGH-RESP", "Respiratory (Larch)", "NGH", False),
    Ward("NGH-SURG", "General Surgery (Maple)", "NGH", False),
    Ward("NGH-ESC", "Escalation Area (Discharge Lounge)", "NGH", False),
    Ward("WCH-ASH", "Ash Ward (rehabilitation)", "WCH", True),
    Ward("WCH-BIR", "Birch Ward (step-down)", "WCH", True),
    Ward("WCH-ELM", "Elm Ward (dementia assessment)", "WCH", True),
    Ward("WCH-OAK", "Oak Ward (medical)", "WCH", False),
]


def generate(plan: DemoPlan) -> None:
    for code, name in SITES:
        save_site(plan.db, code, name, DEMO_USER)
    for ward in WARDS:
        save_ward(plan.db, ward, DEMO_USER)
