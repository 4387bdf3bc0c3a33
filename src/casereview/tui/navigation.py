"""Where everything is: one entry per screen, used by the home screen, the command palette
and the help screen. A programme adds its screens here.

A screen is named by "module:Class" and imported when it is first opened (or by the app's
warm-up in a worker after the first paint), so that painting the home screen does not
import every screen and the record models behind them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from textual.screen import Screen

from casereview.domain.access import Access, Permission


class LazyScreen:
    """A screen class named by "module:Class", imported on first use; calling it makes the
    screen and its attributes (e.g. BINDINGS, read by the help screen) are the class's."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._cls: type[Screen] | None = None

    def resolve(self) -> type[Screen]:
        if self._cls is None:
            module, name = self.path.split(":")
            self._cls = getattr(importlib.import_module(module), name)
        return self._cls

    def __call__(self, *args, **kwargs) -> Screen:
        return self.resolve()(*args, **kwargs)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.resolve(), name)


@dataclass(frozen=True)
class Destination:
    key: str          # single key on the home screen
    title: str
    description: str
    factory: Callable[[], Screen]
    # What a signed-in user needs to be offered it (SPEC 8); every_site: only for users whose
    # grant is every site (the screen reads records of every site, e.g. the change log).
    permission: Permission = Permission.VIEW
    every_site: bool = False

    def offered_to(self, access: Access | None) -> bool:
        if access is None:
            return True
        return access.may(self.permission) and (access.every_site or not self.every_site)


# Screens a role needs more than viewing for, by key (the rest are every role's).
NEEDS = {
    "n": (Permission.ENTER, False), "e": (Permission.ENTER, False),
    "l": (Permission.ADMIN, False), "a": (Permission.ADMIN, False),
    "w": (Permission.ADMIN, False), "m": (Permission.ADMIN, False),
    "h": (Permission.VIEW, True), "d": (Permission.ENTER, True),
}


def destinations(access: Access | None = None) -> list[Destination]:
    """Every screen, or those offered to a signed-in session's role and sites."""
    out = []
    for dest in _all_destinations():
        permission, every_site = NEEDS.get(dest.key, (dest.permission, dest.every_site))
        dest = Destination(dest.key, dest.title, dest.description, dest.factory, permission,
                           every_site)
        if dest.offered_to(access):
            out.append(dest)
    return out


def _all_destinations() -> list[Destination]:
    screens = "casereview.tui.screens"
    return [
        Destination("n", "Night log", "Log tonight's ward moves and close the night",
                    LazyScreen(f"{screens}.night_log:NightLogScreen")),
        Destination("r", "Case-note reviews", "Multi-agency reviews: list, new review, sign-off",
                    LazyScreen(f"{screens}.reviews:ReviewListScreen")),
        Destination("t", "Transfer of Care audits",
                    "Choice letters and escalation: audit list and entry",
                    LazyScreen(f"{screens}.toc_list:TocListScreen")),
        Destination("e", "Experience entry", "Type in patient-experience samples, one key per "
                    "answer", LazyScreen(f"{screens}.experience_entry:ExperienceEntryScreen")),
        Destination("p", "Action plan", "Actions from the findings: owner, due date, rating, "
                    "progress", LazyScreen(f"{screens}.actions_list:ActionListScreen")),
        Destination("o", "Programme targets", "Planned audit volumes against what is done",
                    LazyScreen(f"{screens}.targets:TargetListScreen")),
        Destination("s", "Summary reports", "The scorecard to exports/: xlsx, board paper, csv",
                    LazyScreen(f"{screens}.reports:ReportsScreen")),
        Destination("v", "Moves register", "Every move logged, newest first, at all sites "
                    "or one; Enter opens its night",
                    LazyScreen(f"{screens}.moves_list:MovesListScreen")),
        Destination("x", "Experience samples", "Samples and comments by ward, week, answer "
                    "and theme", LazyScreen(f"{screens}.experience_list:ExperienceListScreen")),
        Destination("g", "Experience grid", "Samples per older-adult ward per week against "
                    "the target", LazyScreen(f"{screens}.experience_grid:ExperienceGridScreen")),
        Destination("l", "Transfer of Care policy", "The letter and escalation timeline and "
                    "its dated versions", LazyScreen(f"{screens}.toc_policy:TocPolicyScreen")),
        Destination("a", "Agencies and themes", "Reference lists for the case-note reviews",
                    LazyScreen(f"{screens}.review_reference:ReviewReferenceScreen")),
        Destination("w", "Sites and wards", "Reference data: sites and their wards",
                    LazyScreen(f"{screens}.reference:ReferenceScreen")),
        Destination("m", "Move reasons and night window",
                    "Which reasons are clinical; the out-of-hours window",
                    LazyScreen(f"{screens}.move_settings:MoveSettingsScreen")),
        Destination("h", "History", "Who changed what and when: any record's change log",
                    LazyScreen(f"{screens}.history:HistoryScreen")),
        Destination("d", "Deleted records", "Deleted records of every kind; restore one",
                    LazyScreen(f"{screens}.deleted:DeletedScreen")),
    ]


def warm_up() -> None:
    """Import every screen (and so the record models): run in a worker after the first
    paint, so the first screen a person opens is as quick as the rest."""
    for dest in destinations():
        resolve = getattr(dest.factory, "resolve", None)
        if resolve is not None:
            resolve()
