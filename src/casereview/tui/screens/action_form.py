"""One action: what, who, when, its status and rating, where it came from, and its progress
notes (dated, signed, only ever added; a note may set the rating). Ctrl+S saves; F6 closes the
action as done today (the date can be changed before saving); F7 adds a progress note;
Ctrl+O opens the source.

A changed rating is dated today (the rating history keeps every earlier one); a note's rating
is dated with the note.
"""

from __future__ import annotations

from datetime import date

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.widgets import Header, Static, TextArea

from casereview.domain.action import (
    DONE,
    RAGS,
    STATUSES,
    Action,
    Source,
    parse_source,
)
from casereview.domain.validation import RecordInvalid
from casereview.domain.values import format_uk_date
from casereview.metrics.actions import check_source
from casereview.storage.actions import (
    action_source,
    get_action,
    progress_notes,
    ratings,
    save_action,
)
from casereview.tui.screens.form_base import FormScreen, MessageLine
from casereview.tui.widgets.code_input import CodeInput
from casereview.tui.widgets.footer import Footer

DATE_FIELDS = ("raised_on", "due_date", "closed_on")


def _uk(iso: str | None) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""


def notes_text(notes: list[dict]) -> str:
    """The progress notes, newest first, as markup (what people typed is escaped)."""
    if not notes:
        return "[dim]No progress notes yet: F7 adds one.[/dim]"
    lines = []
    for n in reversed(notes):
        rag = f"  [b]→ {RAGS[n['rag']]}[/b]" if n["rag"] else ""
        lines.append(f"[b]{format_uk_date(date.fromisoformat(n['noted_on']))}[/b]  "
                     f"{escape(n['author'])}{rag}\n  {escape(n['text'])}")
    return "\n".join(lines)


class ActionFormScreen(FormScreen):
    DEFAULT_CSS = """
    ActionFormScreen #body { height: 1fr; }
    ActionFormScreen .section { text-style: bold; padding: 1 1 0 1; }
    ActionFormScreen #fields { grid-size: 4; grid-gutter: 0 2; height: auto; padding: 0 1; }
    ActionFormScreen #wide { height: auto; padding: 0 1; }
    ActionFormScreen #description { height: 5; }
    ActionFormScreen #ratings { height: auto; padding: 0 1; color: $text-muted; }
    ActionFormScreen #notes { height: auto; padding: 0 1; }
    """

    AUTO_FOCUS = None

    BINDINGS = [
        *FormScreen.BINDINGS,
        Binding("f6", "close_done", "Close as done"),
        Binding("f7", "add_note", "Progress note"),
        Binding("ctrl+o", "open_source", "Open its source"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, record_id: int | None = None, *, source: Source | None = None,
                 preset: dict | None = None) -> None:
        super().__init__()
        self.record_id = record_id
        self.source = source
        self.preset = preset or {}

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="body", can_focus=False):
            with Vertical(id="wide"):
                yield self.field_row("title", "Title (what will be done)",
                                     placeholder="e.g. Choice letter 2 within 2 days")
                yield self.field_row("description", "Description",
                                     TextArea(id="description", soft_wrap=True,
                                              tab_behavior="focus"))
            with Grid(id="fields"):
                yield self.field_row("owner", "Owner (accountable)", placeholder="name")
                yield self.field_row("agency_code", "Agency",
                                     CodeInput(id="agency_code", placeholder="code or name"),
                                     hint=True)
                yield self.field_row("raised_on", "Raised on", placeholder="DD/MM/YYYY")
                yield self.field_row("due_date", "Due", placeholder="DD/MM/YYYY")
                yield self.field_row("status", "Status",
                                     CodeInput(id="status", placeholder="open, in progress, "
                                               "done, dropped"), hint=True)
                yield self.field_row("closed_on", "Closed on", placeholder="when done/dropped")
                yield self.field_row("rag", "Rating",
                                     CodeInput(id="rag", placeholder="red, amber, green"),
                                     hint=True)
                yield self.field_row("source", "From", placeholder="e.g. review:12, ward:A1",
                                     hint=True)
            yield Static("", id="ratings")
            yield Static("Progress", classes="section")
            yield Static("", id="notes")
        yield MessageLine()
        yield Footer()

    def on_mount(self) -> None:
        reference = self.app.context().reference
        self.query_one("#agency_code", CodeInput).set_choices(reference.agencies)
        self.query_one("#status", CodeInput).set_choices(STATUSES)
        self.query_one("#rag", CodeInput).set_choices(RAGS)
        if self.record_id is not None:
            self.load(self.record_id)
        else:
            self.title = "Raise an action"
            today = self.app.now().strftime("%d/%m/%Y")
            self.fill({"raised_on": today, "status": "OPEN", "rag": "GREEN",
                       "source": str(self.source) if self.source else ""})
            self.fill({k: v for k, v in self.preset.items() if k in self.field_names})
            self.mark_clean()
            self.query_one("#notes", Static).update("[dim]Save the action, then F7 adds "
                                                    "progress notes.[/dim]")
            if self.source is not None:
                self.show_message(f"Raising an action from {escape(self.source.describe())}.")
        self.focus_now(self.field("title"))

    def load(self, record_id: int) -> None:
        row = get_action(self.app.db, record_id)
        self.title = f"Action {record_id}"
        source = action_source(row)
        self.fill({
            "title": row["title"], "description": row["description"], "owner": row["owner"],
            "agency_code": row["agency_code"], "raised_on": _uk(row["raised_on"]),
            "due_date": _uk(row["due_date"]), "status": row["status"],
            "closed_on": _uk(row["closed_on"]), "rag": row["rag"],
            "source": str(source) if source else ""})
        self.query_one("#source-hint", Static).update(self._source_hint())
        self.mark_clean()
        self.show_notes()

    def show_notes(self) -> None:
        if self.record_id is None:
            return
        conn = self.app.db
        self.query_one("#notes", Static).update(notes_text(progress_notes(conn, self.record_id)))
        history = ratings(conn, self.record_id)
        if history:
            parts = [f"{RAGS[r.rag]} from {format_uk_date(r.rated_on)}" for r in history]
            self.query_one("#ratings", Static).update("Ratings: " + "; ".join(parts))

    def field_changed(self, name: str) -> None:
        super().field_changed(name)
        if name == "source":
            self.query_one("#source-hint", Static).update(self._source_hint())

    def _source_hint(self) -> str:
        try:
            source = parse_source(self.read_field("source"))
        except ValueError:
            return "kinds: review, toc, experience, ward, theme, measure"
        return "" if source is None else escape(source.describe())

    # --- saving ---------------------------------------------------------------------------

    def save(self) -> None:
        action = self.validated(Action, self.raw_values())
        if action is None:
            return
        try:
            check_source(self.app.db, action.source)
        except RecordInvalid as exc:  # the review, audit or sample is not in the store
            self.show_problems(exc.by_field())
            return
        today = self.app.now().date()
        record_id = self.stored(lambda: save_action(self.app.db, action, self.app.user,
                                                    self.record_id, rated_on=today))
        if record_id is None:
            return
        new = self.record_id is None
        self.record_id = record_id
        self.load(record_id)
        self.show_message(f"Saved action {record_id}" + (
            ": F7 adds a progress note, Escape goes back." if new else "."), "ok")

    def action_close_done(self) -> None:
        """Done today: the status and the closing date are filled in for the person to check
        (or change the date) and save."""
        self.write_field("status", DONE)
        self.write_field("closed_on", self.app.now().strftime("%d/%m/%Y"))
        self.show_message("Closing as done today: change the date if it was done earlier, "
                          "then Ctrl+S saves.", "warning")
        self.focus_now(self.field("closed_on"))

    def action_add_note(self) -> None:
        if self.record_id is None:
            self.show_message("Save the action first (Ctrl+S), then add progress notes.",
                              "warning")
            return
        from casereview.tui.screens.action_note import ProgressNoteScreen

        def after(saved: str | None) -> None:
            if saved:
                # The note may have changed the rating: read the action back, keeping
                # whatever else is typed and unsaved.
                row = get_action(self.app.db, self.record_id)
                was_clean = not self.unsaved
                self.write_field("rag", row["rag"])
                if was_clean:
                    self.mark_clean()
                self.show_notes()
                self.show_message(saved, "ok")

        self.app.push_screen(ProgressNoteScreen(self.record_id), after)

    def action_open_source(self) -> None:
        from casereview.tui.screens.action_sources import open_source

        try:
            source = parse_source(self.read_field("source"))
        except ValueError:
            source = None
        if source is None:
            self.show_message("This action has no source to open.", "warning")
            return
        problem = open_source(self.app, source)
        if problem:
            self.show_message(escape(problem), "warning")

    def action_back(self) -> None:
        self.leave(lambda: self.dismiss(None))
