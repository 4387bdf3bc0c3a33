"""Between an action and where its finding is: every source screen (a review, a Transfer of
Care audit, an experience sample, a ward, a dashboard measure or its chart) has the same key,
F9, that lists the source's actions (and, when it has none yet, starts raising the first);
every action opens its source again (Ctrl+O)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding

if TYPE_CHECKING:  # the record models are not loaded before the first paint
    from casereview.domain.action import Source

# The key every source screen shows, so the way from a finding to its actions is the same.
ACTIONS_BINDING = Binding("f9", "actions", "Actions")


def show_actions(app: App, source: Source, preset: dict | None = None) -> None:
    """The source's actions; with none yet, the form to raise the first (``preset``: values
    to start it with, e.g. a review's learning as the description)."""
    from casereview.tui.screens.actions_list import ActionListScreen

    app.push_screen(ActionListScreen(source, preset, raise_if_none=True))


def show_record_actions(screen, kind: str, record_id: int | None) -> None:
    """F9 on a record's own form: its actions, once it is a saved record."""
    if record_id is None:
        screen.show_message("Save the record first (or open a saved one): F9 then lists its "
                            "actions.", "warning")
        return
    from casereview.domain.action import Source

    show_actions(screen.app, Source(kind, str(record_id)))


def open_source(app, source: Source) -> str | None:
    """Open the screen a source is shown on; a sentence if it cannot be opened."""
    from casereview.storage.actions import source_exists

    if not source_exists(app.db, source):
        return f"The {source.describe()} no longer exists (it was deleted)."
    if source.kind == "review":
        from casereview.tui.screens.review_form import ReviewFormScreen

        app.push_screen(ReviewFormScreen(source.record_id))
    elif source.kind == "toc":
        from casereview.tui.screens.toc_form import TocFormScreen

        app.push_screen(TocFormScreen(source.record_id))
    elif source.kind == "experience":
        from casereview.tui.screens.experience_entry import ExperienceEntryScreen

        app.push_screen(ExperienceEntryScreen(edit_id=source.record_id))
    elif source.kind == "ward":
        from casereview.tui.screens.experience_list import ExperienceListScreen

        if source.ref not in app.context().reference.wards:
            return f"Ward {source.ref} is no longer in the reference data."
        app.push_screen(ExperienceListScreen(ward_code=source.ref))
    elif source.kind == "theme":
        from casereview.tui.screens.reviews import ReviewListScreen

        app.push_screen(ReviewListScreen())
    elif source.kind == "measure":
        return _open_chart(app, source)
    return None


def _open_chart(app, source: Source) -> str | None:
    from casereview.metrics.definitions import MEASURES
    from casereview.metrics.scorecard import build_scorecard
    from casereview.tui.screens.chart import ChartScreen
    from casereview.tui.screens.home import default_period

    if source.ref not in MEASURES:
        return f"{source.ref} is not a measure."
    today = app.now().date()
    kind = (source.scope or "all").partition(":")[0]
    kinds = ("all", "site", "rag") if kind in ("all", "site", "rag") else ("all", kind)
    card = build_scorecard(app.db, default_period(today), today=today, scope_kinds=kinds)
    app.push_screen(ChartScreen(card, source.ref, source.scope or "all"))
    return None
