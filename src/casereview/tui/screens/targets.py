"""Programme targets (SPEC 4.7): the planned volumes of auditing, each with what has been done
and what is expected by today. Ctrl+N sets a new target, Enter edits one, Delete removes one
(soft delete)."""

from __future__ import annotations

from datetime import date

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from casereview.domain.programme_target import PROGRAMMES, ProgrammeTarget
from casereview.domain.values import format_uk_date
from casereview.metrics.display import scope_title
from casereview.metrics.programme_targets import targets_with_progress
from casereview.storage.actions import get_target, save_target
from casereview.storage.records import soft_delete
from casereview.tui.screens.form_base import FormScreen, MessageLine, ShowsMessages
from casereview.tui.widgets.code_input import CodeInput
from casereview.tui.widgets.footer import Footer


def _uk(iso: str | None) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""


class TargetListScreen(ShowsMessages, Screen):
    DEFAULT_CSS = """
    TargetListScreen #targets { height: 1fr; margin: 0 1; }
    TargetListScreen #about { height: auto; padding: 0 1; color: $text-muted; }
    """
    AUTO_FOCUS = "#targets"
    BINDINGS = [
        Binding("ctrl+n", "new", "New target"),
        Binding("delete", "delete", "Delete", show=False),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Progress counts the programme's records in scope from the start to "
                     "today (or the end); expected is the target pro rata for the days gone. "
                     "Case-note reviews count when complete or signed off.", id="about")
        yield DataTable(id="targets", cursor_type="row", zebra_stripes=True)
        yield MessageLine()
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Programme targets"
        table = self.query_one("#targets", DataTable)
        for heading, width in (("Programme", 24), ("Scope", 28), ("From", 12), ("To", 12),
                               ("Target", 7), ("Done", 6), ("Expected", 9), ("", 16),
                               ("Note", 30)):
            table.add_column(heading, width=width)
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        today = self.app.now().date()
        reference = self.app.context().reference
        table = self.query_one("#targets", DataTable)
        table.clear()
        for stored in targets_with_progress(self.app.db, today):
            t, p = stored.target, stored.progress
            running = t.start_date <= today <= t.end_date
            if today < t.start_date:
                state = Text("not started", style="dim")
            elif p.behind:
                state = Text(f"{p.shortfall} behind", style="bold red")
            else:
                state = Text("on track" if running else "met", style="green")
            table.add_row(PROGRAMMES[t.programme],
                          scope_title(t.scope, reference.sites, reference.wards),
                          format_uk_date(t.start_date), format_uk_date(t.end_date),
                          str(t.target_count), str(p.done), f"{p.expected:.1f}", state,
                          Text(t.note or ""), key=str(stored.id))
        if table.row_count == 0:
            self.show_message("No targets yet — Ctrl+N sets one.")

    def _selected_id(self) -> int | None:
        table = self.query_one("#targets", DataTable)
        if table.row_count == 0:
            return None
        return int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    @on(DataTable.RowSelected, "#targets")
    def _open(self, event: DataTable.RowSelected) -> None:
        self.app.push_screen(TargetFormScreen(int(event.row_key.value)), self._after)

    def action_new(self) -> None:
        self.app.push_screen(TargetFormScreen(), self._after)

    def _after(self, message: str | None) -> None:
        if message:
            self.show_message(escape(message), "ok")

    def action_delete(self) -> None:
        record_id = self._selected_id()
        if record_id is None:
            return
        self.confirm_delete(f"target {record_id}",
                            lambda: soft_delete(self.app.db, "programme_target", record_id,
                                                self.app.user), self.reload)


class TargetFormScreen(FormScreen):
    DEFAULT_CSS = """
    TargetFormScreen #target-fields { grid-size: 3; grid-gutter: 0 2; height: auto;
                                      padding: 1 1 0 1; }
    """
    AUTO_FOCUS = None
    BINDINGS = [*FormScreen.BINDINGS, Binding("escape", "back", "Back")]

    def __init__(self, record_id: int | None = None) -> None:
        super().__init__()
        self.record_id = record_id

    def compose(self) -> ComposeResult:
        yield Header()
        with Grid(id="target-fields"):
            yield self.field_row("programme", "Programme",
                                 CodeInput(id="programme", placeholder="reviews, toc, "
                                           "experience"), hint=True)
            yield self.field_row("scope", "Scope", placeholder="all, site:CODE, ward:CODE")
            yield self.field_row("target_count", "Target (records)", placeholder="e.g. 80")
            yield self.field_row("start_date", "From", placeholder="DD/MM/YYYY")
            yield self.field_row("end_date", "To", placeholder="DD/MM/YYYY")
            yield self.field_row("note", "Note", placeholder="optional")
        yield MessageLine()
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#programme", CodeInput).set_choices(
            {code.upper(): label for code, label in PROGRAMMES.items()})
        if self.record_id is None:
            self.title = "New programme target"
            self.fill({"scope": "all"})
        else:
            self.title = f"Programme target {self.record_id}"
            row = get_target(self.app.db, self.record_id)
            self.fill({"programme": row["programme"].upper(), "scope": row["scope"],
                       "target_count": row["target_count"],
                       "start_date": _uk(row["start_date"]), "end_date": _uk(row["end_date"]),
                       "note": row["note"]})
        self.mark_clean()
        self.focus_now(self.field("programme"))

    def save(self) -> None:
        target = self.validated(ProgrammeTarget, self.raw_values())
        if target is None:
            return
        record_id = self.stored(lambda: save_target(self.app.db, target, self.app.user,
                                                    self.record_id))
        if record_id is None:
            return
        self.mark_clean()
        self.dismiss(f"Saved target {record_id}: {PROGRAMMES[target.programme].lower()}, "
                     f"{target.target_count} from {format_uk_date(target.start_date)} to "
                     f"{format_uk_date(target.end_date)}.")

    def action_back(self) -> None:
        self.leave(lambda: self.dismiss(None))
