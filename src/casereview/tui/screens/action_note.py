"""A progress note on an action: its date (today unless changed), its author (you unless
changed), what happened, and optionally the rating it gives the action from that date. Notes
are only ever added: this screen never edits one."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.widgets import Header, Static

from casereview.domain.action import RAGS, ProgressNote
from casereview.domain.validation import RecordInvalid
from casereview.storage.actions import add_progress, get_action
from casereview.tui.screens.form_base import FormScreen, MessageLine
from casereview.tui.widgets.code_input import CodeInput
from casereview.tui.widgets.footer import Footer


class ProgressNoteScreen(FormScreen):
    DEFAULT_CSS = """
    ProgressNoteScreen #about { height: auto; padding: 1 1 0 1; }
    ProgressNoteScreen #note-fields { grid-size: 3; grid-gutter: 0 2; height: auto;
                                      padding: 0 1; }
    ProgressNoteScreen #note-text { height: auto; padding: 0 1; }
    """

    AUTO_FOCUS = None
    BINDINGS = [*FormScreen.BINDINGS, Binding("escape", "back", "Back")]

    def __init__(self, action_id: int) -> None:
        super().__init__()
        self.action_id = action_id

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="about")
        with Vertical(id="note-text"):
            yield self.field_row("text", "Progress made", placeholder="what has happened")
        with Grid(id="note-fields"):
            yield self.field_row("noted_on", "Date", placeholder="DD/MM/YYYY")
            yield self.field_row("author", "Author", placeholder="name")
            yield self.field_row("rag", "Rating from this date (blank: unchanged)",
                                 CodeInput(id="rag", placeholder="red, amber, green"),
                                 hint=True)
        yield MessageLine()
        yield Footer()

    def on_mount(self) -> None:
        row = get_action(self.app.db, self.action_id)
        self.title = f"Progress note on action {self.action_id}"
        current = RAGS.get(row["rag"] or "", "no rating")
        self.query_one("#about", Static).update(
            f"[b]{escape(row['title'])}[/b]  ·  {escape(row['owner'])}  ·  rated {current}")
        self.query_one("#rag", CodeInput).set_choices(RAGS)
        self.fill({"noted_on": self.app.now().strftime("%d/%m/%Y"), "author": self.app.user})
        self.mark_clean()
        self.focus_now(self.field("text"))

    def save(self) -> None:
        note = self.validated(ProgressNote, self.raw_values())
        if note is None:
            return
        try:
            self.stored_or_raise(note)
        except RecordInvalid as exc:
            self.show_problems(exc.by_field())
            return

    def stored_or_raise(self, note: ProgressNote) -> None:
        """Add the note; a rule that needs the stored action (a date before it was raised)
        comes back as RecordInvalid, anything else as "Not saved"."""
        try:
            add_progress(self.app.db, self.action_id, note, self.app.user)
        except RecordInvalid:
            raise
        except Exception as exc:
            self.show_message(f"Not saved: {escape(str(exc))}", "error")
            return
        rated = f", rated {RAGS[note.rag]} from that date" if note.rag else ""
        self.mark_clean()
        self.dismiss(f"Progress note added{rated}.")

    def action_back(self) -> None:
        self.leave(lambda: self.dismiss(None))
