"""The night log: pick a site and a night, type each move, Enter saves and clears for the
next, and close the night with its audit return (nil returns included)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import DataTable, Header, Label, Select, Static

from casereview.domain.move import Move, NightAudit, moment_in_night
from casereview.domain.validation import Context, RecordInvalid, validate
from casereview.domain.values import format_nhs_number, format_uk_date, parse_date, parse_time
from casereview.storage.errors import DatabaseError
from casereview.storage.moves import (
    NightAlreadyClosed,
    close_night,
    get_move,
    moves_for_night,
    night_status,
    save_move,
)
from casereview.storage.records import soft_delete
from casereview.tui.screens.form_base import FormScreen, MessageLine, set_text
from casereview.tui.widgets.code_input import CodeInput
from casereview.tui.widgets.dialogs import AskText
from casereview.tui.widgets.footer import Footer
from casereview.tui.widgets.text_input import Input

# Form fields in tab order: (id, label, width hint, placeholder)
FIELDS = [
    ("time", "Time", "HH:MM"),
    ("from_ward", "From ward", "code or name"),
    ("to_ward", "To ward", "code or name"),
    ("reason", "Reason", "e.g. cap, esc"),
    ("move_number", "Move no.", "1, 2, 3..."),
    ("age", "Age", "years"),
    ("dementia", "Dementia", "y / n / blank"),
    ("authorised_by", "Authorised by", "site manager"),
    ("informed", "Informed", "y / n"),
    ("patient_ref", "Patient ref", "NHS or hospital no."),
]
NOTES_FIELD = ("notes", "Notes", "optional")
CODE_FIELDS = ("from_ward", "to_ward", "reason")


def default_night(now: datetime, context: Context) -> date:
    """Tonight once the window has opened, else the night that has just ended."""
    if now.time() >= context.window.start:
        return now.date()
    return now.date() - timedelta(days=1)


class NightLogScreen(FormScreen):
    DEFAULT_CSS = """
    NightLogScreen #bar { height: 3; padding: 0 1; }
    NightLogScreen #bar Select { width: 44; }
    NightLogScreen #bar #night { width: 18; }
    NightLogScreen #bar Label { padding: 1 1 0 1; }
    NightLogScreen #status { height: 1; padding: 0 2; }
    NightLogScreen #form { grid-size: 5; grid-gutter: 0 1; height: auto; padding: 0 1; }
    NightLogScreen #notes-row { height: auto; padding: 0 1; }
    NightLogScreen #message { padding: 0 2; }
    NightLogScreen #moves { height: 1fr; min-height: 4; margin: 0 1; }

    /* A short terminal (80x24): one-line fields, so that the night's status and its moves
       stay on screen under the form. */
    NightLogScreen.-short #bar { height: 1; }
    NightLogScreen.-short .hint { text-wrap: nowrap; text-overflow: ellipsis; }
    NightLogScreen.-short #bar Label { padding: 0 1; }
    NightLogScreen.-short #bar #night { width: 14; }
    NightLogScreen.-short Input { border: none; height: 1; padding: 0 1; background: $boost; }
    NightLogScreen.-short Input:focus { background: $primary 30%; }
    NightLogScreen.-short Input.-invalid { background: $error 30%; }
    NightLogScreen.-short #bar Select > SelectCurrent { border: none; padding: 0 1;
                                                        background: $boost; }
    NightLogScreen.-short #bar Select:focus > SelectCurrent { background: $primary 30%; }
    """
    # Below this many rows the form's fields are one line high (the "-short" class).
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

    BINDINGS = [
        Binding("f2", "close_night", "Close night"),
        Binding("f3", "focus_moves", "Moves list"),
        # Priority: a text field binds PgUp/PgDn too (to scroll, which it cannot), and its
        # binding would hide these from the footer while the keys still change the night.
        Binding("pageup", "shift_night(-1)", "Prev night", priority=True),
        Binding("pagedown", "shift_night(1)", "Next night", priority=True),
        # Shown while the moves list has the focus (a text field's Delete deletes a character).
        Binding("delete", "delete_move", "Delete move"),
        Binding("escape", "escape", "Back"),
    ]
    # Model field -> form field, where they differ.
    FIELD_OF = {"moved_at": "time", "site_code": "site"}

    def __init__(self, *, site: str | None = None, night: date | None = None) -> None:
        """Opens on ``site`` and ``night`` when given (e.g. from the moves register)."""
        super().__init__()
        self.editing_id: int | None = None
        self.night: date | None = None
        self.shown_site: str | None = None  # the site whose night is on screen
        self.start_site = site
        self.start_night = night

    # --- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="bar"):
            yield Label("Site")
            sites = [(f"{code}  {name}", code)
                     for code, name in self.app.context().reference.sites.items()]
            codes = [code for _, code in sites]
            start = next((code for code in (self.start_site, self.app.night_log_site)
                          if code in codes), codes[0] if codes else None)
            yield Select(sites, id="site", allow_blank=not sites,
                         value=start if start else Select.NULL)
            yield Label("Night of")
            yield Input(id="night", placeholder="DD/MM/YYYY")
        yield Static("", id="status")
        with Grid(id="form"):
            for field_id, label, placeholder in FIELDS:
                yield self._field(field_id, label, placeholder)
        with Vertical(id="notes-row"):
            yield self._field(*NOTES_FIELD)
        yield MessageLine()
        yield DataTable(id="moves", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def _field(self, field_id: str, label: str, placeholder: str) -> Vertical:
        if field_id in CODE_FIELDS:
            return self.field_row(field_id, label, CodeInput(id=field_id,
                                                             placeholder=placeholder),
                                  hint=True)
        return self.field_row(field_id, label, placeholder=placeholder)

    def on_mount(self) -> None:
        context = self.app.context()
        self.title = "Night log"
        table = self.query_one("#moves", DataTable)
        table.add_columns("Time", "From", "To", "Reason", "Move no.", "Age", "Dementia",
                          "Authorised by", "Informed", "Patient", "Notes")
        self.set_night(self.start_night or default_night(self.app.now(), context))
        if not context.reference.sites:
            self.show_message("[b]No sites yet.[/b] Add a site and its wards first (Escape, then "
                              "w), or import them: casereview import wards FILE", "warning")
        self.query_one("#time", Input).focus()

    # --- site and night -------------------------------------------------------------------

    @property
    def site(self) -> str | None:
        value = self.query_one("#site", Select).value
        return value if isinstance(value, str) else None

    def set_night(self, night: date) -> None:
        self.night = night
        self.shown_site = self.app.night_log_site = self.site
        self.query_one("#night", Input).value = night.strftime("%d/%m/%Y")
        self.clear_form()
        self.show_message("")
        self.refresh_night()

    def change_night(self, night: date) -> None:
        """Another night (or site): a half-typed move is dropped only if the user says so;
        otherwise the site and the night go back to the ones the move is being typed for."""
        def stay() -> None:
            if self.shown_site is not None:
                self.query_one("#site", Select).value = self.shown_site
            self.query_one("#night", Input).value = self.night.strftime("%d/%m/%Y")
            self.query_one("#time", Input).focus()

        self.leave(lambda: self.set_night(night), stay)

    def refresh_night(self) -> None:
        """Reload the ward pick lists, the night's status and its moves."""
        context = self.app.context()
        site = self.site
        wards = {w.ward_code: w.ward_name for w in context.reference.wards_on(site or "")}
        self.query_one("#from_ward", CodeInput).set_choices(wards)
        self.query_one("#to_ward", CodeInput).set_choices(wards)
        self.query_one("#reason", CodeInput).set_choices(
            {code: f"{label}{' (clinical)' if clinical else ''}"
             for code, (label, clinical) in context.reference.reasons.items()})
        status_widget = self.query_one("#status", Static)
        table = self.query_one("#moves", DataTable)
        table.clear()
        if site is None or self.night is None:
            set_text(status_widget, "")
            return
        status = night_status(self.app.db, site, self.night)
        night_text = f"{self.night:%a} {format_uk_date(self.night)}"
        if status.closed:
            closed = (f"[green]closed[/green] by {escape(status.audited_by or '')}"
                      + (" (nil return)" if status.moves == 0 else ""))
        else:
            closed = "[yellow]not closed[/yellow] (F2 to close)"
        set_text(status_widget, f"[b]{night_text}[/b] at {site}: {status.moves} move"
                                f"{'s' if status.moves != 1 else ''}, {closed}")
        reasons = context.reference.reasons
        for row in moves_for_night(self.app.db, site, self.night):
            clinical = reasons.get(row["reason"], ("", False))[1]
            # Typed text goes in as Text, never as markup: "[/b]" in a note is just text.
            table.add_row(
                row["moved_at"][11:16], row["from_ward"], row["to_ward"],
                row["reason"] + (" (clinical)" if clinical else ""),
                _text(row["move_number"]), _text(row["age"]), _yes_no(row["dementia"]),
                Text(row["authorised_by"]) if row["authorised_by"]
                else "[red]not recorded[/red]", _yes_no(row["informed"]),
                Text(format_nhs_number(row["patient_ref"]) if row["patient_ref"] else ""),
                Text(row["notes"] or ""), key=str(row["id"]),
            )

    @on(Select.Changed, "#site")
    def _site_changed(self, event: Select.Changed) -> None:
        if self.night is None or self.site == self.shown_site:
            return  # not yet shown, or put back after "keep what I typed"
        self.change_night(self.night)

    @on(Input.Submitted, "#night")
    def _night_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            night = parse_date(event.value, today=self.app.now().date())
        except ValueError as exc:
            self.show_message(f"Night: {escape(str(exc))}", "error")
            return
        if night != self.night:
            self.change_night(night)
        self.query_one("#time", Input).focus()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """PgUp/PgDn are the open site list's own keys while it is dropped down."""
        if action == "shift_night" and self.query_one("#site", Select).expanded:
            return False
        return super().check_action(action, parameters)

    def action_shift_night(self, days: int) -> None:
        if self.night is None:
            return
        target = self.night + timedelta(days=days)
        if target > default_night(self.app.now(), self.app.context()):
            self.show_message("That night has not begun yet.", "warning")
            return
        self.change_night(target)

    # --- the form -------------------------------------------------------------------------

    def moved_at_text(self, time_text: str, context: Context) -> str:
        """Night + typed time -> a local timestamp, by the audit-night rule itself
        (``domain.move.moment_in_night``). Raises ValueError for a time outside the window."""
        assert self.night is not None
        at = parse_time(time_text)
        moment = moment_in_night(context.window, self.night, at)
        if moment is None:
            window = context.window
            raise ValueError(f"{at:%H:%M} is outside the night window ({window.label()}); "
                             "moves in the day are not part of the night log")
        return f"{moment:%Y-%m-%d %H:%M}"

    def save(self) -> None:
        self.clear_problems()
        if self.site is None or self.night is None:
            self.show_message("Choose a site and a night first.", "error")
            return
        context = self.app.context()
        raw = self.raw_values()
        problems: dict[str, str] = {}
        data = {k: v for k, v in raw.items() if k != "time"}
        data["site_code"] = self.site
        try:
            data["moved_at"] = self.moved_at_text(raw["time"], context) if raw["time"].strip() \
                else ""
        except ValueError as exc:
            problems["time"] = str(exc)
            data["moved_at"] = ""
        try:
            move = validate(Move, data, context)
        except RecordInvalid as exc:
            for name, message in exc.by_field().items():
                problems.setdefault(self.FIELD_OF.get(name, name), message)
            move = None
        if problems or move is None:
            self.show_problems(problems)
            return
        record_id = self.stored(lambda: save_move(self.app.db, move, self.app.user,
                                                  self.editing_id))
        if record_id is None:
            return
        verb = "Updated" if self.editing_id else "Saved"
        self.show_message(
            f"{verb} move {record_id}: {move.moved_at:%H:%M} {move.from_ward} → {move.to_ward} "
            f"({move.reason}{'' if move.non_clinical else ', clinical'})"
            + ("" if move.out_of_hours else " [b]outside the night window[/b]"), "ok")
        self.clear_form()
        # The cleared form and the message are drawn first; the night's list follows a frame
        # later (refilling it took longer than the rest of the save).
        self.call_after_refresh(self.refresh_night)
        self.focus_now(self.query_one("#time", Input))

    def clear_form(self) -> None:
        self.editing_id = None
        self.clear_fields()

    # --- the moves list -------------------------------------------------------------------

    def action_focus_moves(self) -> None:
        self.query_one("#moves", DataTable).focus()

    @on(DataTable.RowSelected, "#moves")
    def _edit(self, event: DataTable.RowSelected) -> None:
        record_id = int(event.row_key.value)
        row = get_move(self.app.db, record_id)
        if row is None:
            return
        self.clear_form()
        self.editing_id = record_id
        self.fill({
            "time": row["moved_at"][11:16], "from_ward": row["from_ward"],
            "to_ward": row["to_ward"], "reason": row["reason"],
            "move_number": _text(row["move_number"]), "age": _text(row["age"]),
            "dementia": _yes_no(row["dementia"]), "authorised_by": row["authorised_by"] or "",
            "informed": _yes_no(row["informed"]), "patient_ref": row["patient_ref"] or "",
            "notes": row["notes"] or "",
        })
        self.mark_clean()
        self.show_message(f"Editing move {record_id}: Enter saves the change, Escape stops "
                          "editing.", "warning")
        self.query_one("#time", Input).focus()

    def _selected_move(self) -> int | None:
        table = self.query_one("#moves", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return int(key.value)

    def action_delete_move(self) -> None:
        if not self.query_one("#moves", DataTable).has_focus:
            return
        record_id = self._selected_move()
        if record_id is None:
            return
        self.confirm_delete(f"move {record_id}",
                            lambda: soft_delete(self.app.db, "move", record_id, self.app.user),
                            self.refresh_night)

    def action_escape(self) -> None:
        if self.editing_id is not None:
            self.clear_form()
            self.show_message("Stopped editing; nothing changed.")
            self.query_one("#time", Input).focus()
        else:
            self.leave(self.app.pop_screen)

    # --- closing the night ----------------------------------------------------------------

    def action_close_night(self) -> None:
        """F2: the audit return. A move typed but not saved would be left out of the night it
        declares complete, so that asks first."""
        if self.site is None or self.night is None:
            return
        self.guard(self._close_night, "A move is typed but not saved: close the night "
                   "without it? (No: go back to the move and press Enter to save it.)",
                   stay=lambda: self.focus_now(self.query_one("#time", Input)))

    def _close_night(self) -> None:
        if self.site is None or self.night is None:
            return
        status = night_status(self.app.db, self.site, self.night)
        when = format_uk_date(self.night)
        if status.closed:
            self.show_message(f"The night of {when} at {self.site} is already closed (by "
                              f"{escape(status.audited_by or '')}).", "warning")
            return
        kind = ("[b]nil return[/b]: no moves were logged" if status.moves == 0
                else f"{status.moves} move{'s' if status.moves != 1 else ''} logged")
        site, night = self.site, self.night

        def done(audited_by: str | None) -> None:
            if audited_by is None:
                return
            try:
                audit = validate(NightAudit, {"site_code": site, "audit_night": night.isoformat(),
                                              "audited_by": audited_by}, self.app.context())
                close_night(self.app.db, audit, self.app.user)
            except (RecordInvalid, NightAlreadyClosed, DatabaseError) as exc:
                self.show_message(f"Night not closed: {escape(str(exc))}", "error")
                return
            self.show_message(f"Closed the night of {when} at {site} ({kind}).", "ok")
            self.refresh_night()

        self.app.push_screen(AskText(
            f"Close the night of {when} at {site}: {kind}.\nThis records the night audit return.",
            value=self.app.user, label="Audited by"), done)


def _text(value) -> str:
    return "" if value is None else str(value)


def _yes_no(value) -> str:
    return "" if value is None else ("yes" if value else "no")
