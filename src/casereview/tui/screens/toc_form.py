"""The Transfer of Care audit form: the case file, the stay, and the steps as a timeline that
shows each step's due date and status while the dates are typed. Enter saves (a new audit then
clears the patient's fields for the next case file, keeping the audit date, auditor and ward);
Escape goes back to the list."""

from __future__ import annotations

from datetime import date

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widgets import Header, Static

from casereview.domain.toc import (
    DATE_FIELDS,
    OUTCOMES,
    STEPS,
    Toc,
    date_field,
    dates_typed,
    evaluate,
)
from casereview.domain.values import blank, format_uk_date, parse_date
from casereview.storage.toc import PolicyTimeline, get_toc, load_timeline, save_toc
from casereview.tui.screens.action_sources import ACTIONS_BINDING, show_record_actions
from casereview.tui.screens.form_base import FormScreen, MessageLine, set_text
from casereview.tui.widgets.code_input import CodeInput
from casereview.tui.widgets.footer import Footer
from casereview.tui.widgets.text_input import Input
from casereview.tui.widgets.toc_steps import due_text, status_text, summary_text

# (id, label, placeholder) in tab order, by section
CASE_FIELDS = [
    ("audit_date", "Audit date", "DD/MM/YYYY"),
    ("auditor", "Auditor", "name"),
    ("site_code", "Site", "code or name"),
    ("ward_code", "Ward", "code or name"),
    ("patient_ref", "Patient", "NHS or hospital no."),
]
STAY_FIELDS = [
    ("admission_date", "Admitted", "DD/MM/YYYY"),
    ("medically_fit_date", "Medically fit", "DD/MM/YYYY"),
    ("discharge_date", "Discharged", "blank = still in"),
    ("outcome", "Outcome", "e.g. pref, interim"),
    ("interim_offered", "Interim offered", "y / n"),
]
CODE_FIELDS = ("site_code", "ward_code", "outcome")
STEP_FIELDS = [date_field(step) for step in STEPS]
# Kept when Enter saves a new audit, so the next case file from the same ward is quick.
KEPT_FOR_NEXT = ("audit_date", "auditor", "site_code", "ward_code")
ALL_FIELDS = ([f[0] for f in CASE_FIELDS] + [f[0] for f in STAY_FIELDS] + STEP_FIELDS
              + ["notes"])


def _uk(iso: str | None) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""


class TocFormScreen(FormScreen):
    DEFAULT_CSS = """
    TocFormScreen #body { height: 1fr; }
    TocFormScreen .section { text-style: bold; padding: 1 1 0 1; }
    TocFormScreen .fields { grid-size: 5; grid-gutter: 0 2; height: auto; padding: 0 1; }
    TocFormScreen .field .hint { height: 1; }
    TocFormScreen #policy-line { padding: 0 1; color: $text-muted; height: auto; }
    TocFormScreen .step { height: 1; padding: 0 1; }
    TocFormScreen .step .step-label { width: 36; }
    TocFormScreen .step Input { width: 14; }
    TocFormScreen .step .due { width: 34; padding: 0 0 0 2; }
    TocFormScreen .step .status { width: 1fr; }
    TocFormScreen #summary { padding: 1 1 0 1; height: auto; }
    TocFormScreen #notes-row { height: auto; padding: 0 1; }
    """

    # Focus is placed by on_mount (the first field to type), not on the scrolling body.
    AUTO_FOCUS = None

    BINDINGS = [
        Binding("f4", "clear", "Clear form"),
        Binding("escape", "back", "Back"),
        ACTIONS_BINDING,
    ]

    def __init__(self, record_id: int | None = None) -> None:
        super().__init__()
        self.record_id = record_id
        self.timeline: PolicyTimeline | None = None

    # --- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="body", can_focus=False):
            yield Static("Case file", classes="section")
            with Grid(classes="fields"):
                for spec in CASE_FIELDS:
                    yield self._field(*spec)
            yield Static("Stay", classes="section")
            with Grid(classes="fields"):
                for spec in STAY_FIELDS:
                    yield self._field(*spec)
            yield Static("Steps: type each date as the case file shows it", classes="section")
            yield Static("", id="policy-line")
            for step, label in STEPS.items():
                with Horizontal(classes="step", id=f"{step}-row"):
                    yield Static(label, classes="step-label")
                    self.register_field(date_field(step))
                    yield Input(id=date_field(step), placeholder="DD/MM/YYYY", compact=True)
                    yield Static("", classes="due", id=f"{step}-due")
                    yield Static("", classes="status", id=f"{step}-status")
            yield Static("", id="summary")
            with Vertical(id="notes-row"):
                yield self._field("notes", "Notes", "optional")
        yield MessageLine()
        yield Footer()

    def _field(self, field_id: str, label: str, placeholder: str) -> Vertical:
        widget = (CodeInput(id=field_id, placeholder=placeholder) if field_id in CODE_FIELDS
                  else Input(id=field_id, placeholder=placeholder))
        return self.field_row(field_id, label, widget, hint=True)

    def on_mount(self) -> None:
        reference = self.app.context().reference
        self.timeline = load_timeline(self.app.db)
        self.query_one("#site_code", CodeInput).set_choices(reference.sites)
        self.query_one("#ward_code", CodeInput).set_choices(
            {w.ward_code: w.ward_name for w in reference.wards.values()})
        self.query_one("#outcome", CodeInput).set_choices(OUTCOMES)
        if self.record_id is not None:
            self.title = f"Transfer of Care audit {self.record_id}"
            self.load(self.record_id)
        else:
            self.title = "New Transfer of Care audit"
            self.query_one("#audit_date", Input).value = self.app.now().strftime("%d/%m/%Y")
            self.query_one("#auditor", Input).value = self.app.user
            self.mark_clean()
        self.refresh_timeline()
        # Top of the form: today's date is filled in, and selected when focused, so typing
        # replaces it.
        self.query_one("#audit_date", Input).focus()

    def load(self, record_id: int) -> None:
        row = get_toc(self.app.db, record_id)
        for name in ALL_FIELDS:
            value = row.get(name)
            if name in DATE_FIELDS or name == "audit_date":
                value = _uk(value)
            elif name == "interim_offered":
                value = "" if value is None else ("yes" if value else "no")
            self.write_field(name, value)
        self.show_message(f"Editing audit {record_id}: Enter saves the change, Escape goes back "
                          "without saving.", "warning")
        self.mark_clean()

    # --- live timeline --------------------------------------------------------------------

    def field_changed(self, name: str) -> None:
        super().field_changed(name)
        if name == "site_code":
            self._limit_wards()
        if name in DATE_FIELDS or name == "audit_date":
            self.refresh_timeline()

    def _limit_wards(self) -> None:
        reference = self.app.context().reference
        site, _ = self.query_one("#site_code", CodeInput).resolved()
        wards = reference.wards_on(site) if site else reference.wards.values()
        self.query_one("#ward_code", CodeInput).set_choices(
            {w.ward_code: w.ward_name for w in wards})

    def refresh_timeline(self) -> None:
        """Re-judge every step from what is typed so far, against the policy in force on the
        audit date typed (today's while it is unreadable)."""
        if self.timeline is None:
            return
        raw = self.raw_values()
        today = self.app.now().date()
        typed = dates_typed(raw, today)
        audit_date = _lenient_date(raw["audit_date"], today)
        version = self.timeline.in_force(audit_date or today)
        if version.id is None:
            policy_text = "Timeline: the default policy (SPEC 4.4)"
        else:
            policy_text = (f"Timeline: policy version {version.id}, in force from "
                           f"{format_uk_date(version.effective_from)}")
        set_text(self.query_one("#policy-line", Static),
                 policy_text + (" on the audit date" if audit_date else " today"))
        results = {r.step: r for r in evaluate(version.policy, typed)}
        for step in STEPS:
            due = self.query_one(f"#{step}-due", Static)
            status = self.query_one(f"#{step}-status", Static)
            text = raw[date_field(step)]
            unreadable = not blank(text) and typed[date_field(step)] is None
            result = results.get(step)
            if result is None:
                set_text(due, "[dim]not timed by the policy[/dim]")
                set_text(status, "[yellow]? not a date (yet)[/yellow]" if unreadable else "")
                continue
            set_text(due, due_text(result))
            set_text(status, "[yellow]? not a date (yet)[/yellow]" if unreadable
                     else status_text(result, audit_date))
        set_text(self.query_one("#summary", Static), summary_text(list(results.values())))

    # --- saving ---------------------------------------------------------------------------

    def save(self) -> None:
        toc = self.validated(Toc, self.raw_values())
        if toc is None:
            return
        record_id = self.stored(lambda: save_toc(self.app.db, toc, self.app.user,
                                                 self.record_id))
        if record_id is None:
            return
        results = toc.steps(self.timeline.in_force(toc.audit_date).policy)
        on_time = sum(r.status is not None and r.status.value == "on_time" for r in results)
        required = sum(r.required for r in results)
        text = (f"Saved audit {record_id}: {toc.ward_code}, {on_time} of {required} required "
                "steps on time.")
        if self.record_id is not None:
            self.dismiss(text)
            return
        self.clear_form(keep=KEPT_FOR_NEXT)
        self.show_message(text + " Ready for the next case file.", "ok")
        self.focus_now(self.query_one("#patient_ref", Input))

    def problem_widget(self, name: str) -> Static | None:
        """A step's problem takes the place of its status on the timeline."""
        if name in STEP_FIELDS:
            return self.query_one(f"#{name.removesuffix('_date')}-status", Static)
        return super().problem_widget(name)

    def set_problem(self, name: str, message: str) -> None:
        if name in STEP_FIELDS:
            set_text(self.query_one(f"#{name.removesuffix('_date')}-status", Static),
                     f"[red]{escape(message)}[/red]" if message else "")
        else:
            super().set_problem(name, message)

    def clear_form(self, keep: tuple[str, ...] = ()) -> None:
        self.clear_fields(keep)
        self.refresh_timeline()

    def action_clear(self) -> None:
        if self.record_id is not None:
            self.show_message("Editing an audit: Escape goes back without saving.", "warning")
            return
        self.clear_form(keep=KEPT_FOR_NEXT)
        self.show_message("Cleared.")
        self.focus_now(self.query_one("#patient_ref", Input))

    def action_actions(self) -> None:
        """The audit's actions (raising the first if it has none)."""
        show_record_actions(self, "toc", self.record_id)

    def action_back(self) -> None:
        self.leave(lambda: self.dismiss(None))


def _lenient_date(text: str, today: date) -> date | None:
    try:
        return None if blank(text) else parse_date(text, today=today)
    except ValueError:
        return None

