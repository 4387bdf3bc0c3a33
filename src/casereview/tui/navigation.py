"""Where everything is: one entry per screen, used by the home screen, the command palette
and the help screen. A programme adds its screens here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.screen import Screen


@dataclass(frozen=True)
class Destination:
    key: str          # single key on the home screen
    title: str
    description: str
    factory: Callable[[], Screen]


def destinations() -> list[Destination]:
    # Imported here so that importing the app does not import every screen.
    from casereview.tui.screens.deleted import DeletedScreen
    from casereview.tui.screens.experience_entry import ExperienceEntryScreen
    from casereview.tui.screens.experience_grid import ExperienceGridScreen
    from casereview.tui.screens.experience_list import ExperienceListScreen
    from casereview.tui.screens.history import HistoryScreen
    from casereview.tui.screens.move_settings import MoveSettingsScreen
    from casereview.tui.screens.night_log import NightLogScreen
    from casereview.tui.screens.reference import ReferenceScreen
    from casereview.tui.screens.review_reference import ReviewReferenceScreen
    from casereview.tui.screens.reviews import ReviewListScreen
    from casereview.tui.screens.toc_list import TocListScreen
    from casereview.tui.screens.toc_policy import TocPolicyScreen
    from casereview.tui.screens.reports import ReportsScreen

    return [
        Destination("n", "Night log", "Log tonight's ward moves and close the night",
                    NightLogScreen),
        Destination("e", "Experience entry", "Type in patient-experience samples, one key per "
                    "answer", ExperienceEntryScreen),
        Destination("x", "Experience samples", "Samples and comments by ward, week, answer "
                    "and theme", ExperienceListScreen),
        Destination("g", "Experience grid", "Samples per older-adult ward per week against "
                    "the target", ExperienceGridScreen),
        Destination("w", "Sites and wards", "Reference data: sites and their wards",
                    ReferenceScreen),
        Destination("m", "Move reasons and night window",
                    "Which reasons are clinical; the out-of-hours window", MoveSettingsScreen),
        Destination("r", "Case-note reviews", "Multi-agency reviews: list, new review, sign-off",
                    ReviewListScreen),
        Destination("a", "Agencies and themes", "Reference lists for the case-note reviews",
                    ReviewReferenceScreen),
        Destination("t", "Transfer of Care audits",
                    "Choice letters and escalation: audit list and entry", TocListScreen),
        Destination("l", "Transfer of Care policy", "The letter and escalation timeline and "
                    "its dated versions", TocPolicyScreen),
        Destination("s", "Summary reports", "The scorecard to exports/: xlsx, board paper, csv",
                    ReportsScreen),
        Destination("h", "History", "Who changed what and when: any record's change log",
                    HistoryScreen),
        Destination("d", "Deleted records", "Deleted records of every kind; restore one",
                    DeletedScreen),
    ]
