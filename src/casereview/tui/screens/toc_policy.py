"""The Transfer of Care policy timeline: the version in force, its history, and a form for a
new dated version. A change never rewrites a version: it adds one from a date, with a reason,
and the audits dated from then on are judged against it (the change log records both)."""

from __future__ import annotations

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Checkbox, DataTable, Header, Input, Label, Select, Static

from casereview.domain.toc import ANCHORS, MAX_STEP_DAYS, STEPS, Policy, PolicyInvalid, StepRule
from casereview.domain.values import format_uk_date, parse_date, parse_int
from casereview.storage.errors import DatabaseError
from casereview.storage.toc import (
    DEFAULT_VERSION,
    PolicyVersion,
    add_policy,
    audits_dated_from,
    load_timeline,
    policy_versions,
)
from casereview.tui.screens.form_base import ShowsMessages
from casereview.tui.widgets.dialogs import Confirm
from casereview.tui.widgets.footer import Footer
from casereview.tui.widgets.ticks import TickBox

SHORT = {"letter1": "Letter 1", "choice_discussion": "Choice", "letter2": "Letter 2",
         "escalation": "Escalation", "letter3": "Letter 3"}


def describe(policy: Policy) -> str:
    """One line: Letter 1 adm+2 · Letter 2 fit+2 · ..."""
    return " · ".join(f"{SHORT[r.step]} {'adm' if r.anchor == 'admission_date' else 'fit'}"
                      f"+{r.days}" for r in policy.rules)


class TocPolicyScreen(ShowsMessages, Screen):
    DEFAULT_CSS = """
    TocPolicyScreen #body { height: 1fr; }
    TocPolicyScreen .section { text-style: bold; padding: 1 1 0 1; }
    TocPolicyScreen #in-force { padding: 0 2; height: auto; }
    TocPolicyScreen #versions { height: auto; max-height: 12; margin: 0 1; }
    TocPolicyScreen .rule { height: 3; padding: 0 1; }
    TocPolicyScreen .rule Checkbox { width: 46; }
    TocPolicyScreen .rule Select { width: 30; }
    TocPolicyScreen .rule Input { width: 10; }
    TocPolicyScreen .rule Label { padding: 1 1 0 1; }
    TocPolicyScreen .rule .problem { padding: 1 1 0 1; color: $error; width: 1fr; }
    TocPolicyScreen .meta { height: auto; padding: 0 1; }
    TocPolicyScreen .meta Vertical { height: auto; width: 1fr; }
    TocPolicyScreen .meta #effective_from { width: 20; }
    TocPolicyScreen .meta .problem { color: $error; height: auto; }
    TocPolicyScreen #message { height: auto; padding: 0 1; }
    """

    AUTO_FOCUS = None

    BINDINGS = [
        Binding("ctrl+s", "save", "Save new version"),
        Binding("f3", "focus_versions", "Versions"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="body", can_focus=False):
            yield Static("In force today", classes="section")
            yield Static("", id="in-force")
            yield Static("History (Enter on a version copies it into the form below)",
                         classes="section")
            yield DataTable(id="versions", cursor_type="row", zebra_stripes=True)
            yield Static("New version: tick the steps the policy times, each from an anchor "
                         "date by a number of days", classes="section")
            for step, label in STEPS.items():
                with Horizontal(classes="rule"):
                    yield TickBox(label, id=f"{step}-timed")
                    yield Select([(f"from {name}", anchor) for anchor, name in ANCHORS.items()],
                                 id=f"{step}-anchor", allow_blank=False,
                                 value="medically_fit_date")
                    yield Input(id=f"{step}-days", placeholder="days", type="integer")
                    yield Label("days")
                    yield Static("", classes="problem", id=f"{step}-problem")
            with Horizontal(classes="meta"):
                with Vertical():
                    yield Label("In force from")
                    yield Input(id="effective_from", placeholder="DD/MM/YYYY")
                    yield Static("", classes="problem", id="effective_from-problem")
                with Vertical():
                    yield Label("Reason for the change")
                    yield Input(id="reason", placeholder="e.g. discharge board, 3 Nov 2026")
                    yield Static("", classes="problem", id="reason-problem")
        yield Static("", id="message")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Transfer of Care policy timeline"
        self.query_one("#versions", DataTable).add_columns(
            "In force from", "Steps", "Set by", "Reason")
        self.reload()
        self.fill(load_timeline(self.app.db).current(self.app.now().date()).policy)
        self.query_one("#effective_from", Input).value = self.app.now().strftime("%d/%m/%Y")
        self.query_one("#versions", DataTable).focus()

    def reload(self) -> None:
        today = self.app.now().date()
        current = load_timeline(self.app.db).current(today)
        lines = [f"[b]{STEPS[r.step]}[/b]: {r.describe()}" for r in current.policy.rules]
        source = ("the default timeline (SPEC 4.4); no version has been set" if current.id is None
                  else f"version {current.id}, in force from "
                       f"{format_uk_date(current.effective_from)}, set by {current.created_by}"
                       f" ({current.reason})")
        self.query_one("#in-force", Static).update("\n".join(lines) + f"\n[dim]{source}[/dim]")
        table = self.query_one("#versions", DataTable)
        table.clear()
        self.versions: dict[str, PolicyVersion] = {"default": DEFAULT_VERSION}
        table.add_row("(from the start)", describe(DEFAULT_VERSION.policy), "",
                      "default timeline (SPEC 4.4)", key="default")
        for version in policy_versions(self.app.db):
            key = str(version.id)
            self.versions[key] = version
            table.add_row(format_uk_date(version.effective_from), describe(version.policy),
                          version.created_by or "", version.reason or "", key=key)

    def fill(self, policy: Policy) -> None:
        for step in STEPS:
            rule = policy.rule(step)
            self.query_one(f"#{step}-timed", Checkbox).value = rule is not None
            if rule is not None:
                self.query_one(f"#{step}-anchor", Select).value = rule.anchor
                self.query_one(f"#{step}-days", Input).value = str(rule.days)
            else:
                self.query_one(f"#{step}-days", Input).value = ""

    @on(Checkbox.Changed)
    def _timed_changed(self, event: Checkbox.Changed) -> None:
        # An untimed step has no anchor or days: greyed out so the form reads as the policy.
        step = (event.checkbox.id or "").removesuffix("-timed")
        if step in STEPS:
            self.query_one(f"#{step}-anchor", Select).disabled = not event.value
            self.query_one(f"#{step}-days", Input).disabled = not event.value

    @on(DataTable.RowSelected, "#versions")
    def _copy(self, event: DataTable.RowSelected) -> None:
        version = self.versions.get(str(event.row_key.value))
        if version is not None:
            self.fill(version.policy)
            self.show_message("Copied into the form; change it, give a date and a reason, then "
                              "Ctrl+S.", "")
            self.query_one("#letter1-timed", Checkbox).focus()

    def action_focus_versions(self) -> None:
        self.query_one("#versions", DataTable).focus()

    # --- saving a new version -------------------------------------------------------------

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def read_form(self):
        """(policy, effective_from, reason) or a dict of problems by field id."""
        problems: dict[str, str] = {}
        rules = []
        for step in STEPS:
            if not self.query_one(f"#{step}-timed", Checkbox).value:
                continue
            anchor = self.query_one(f"#{step}-anchor", Select).value
            try:
                days = parse_int(self.query_one(f"#{step}-days", Input).value, minimum=0,
                                 maximum=MAX_STEP_DAYS)
            except ValueError as exc:
                problems[f"{step}-problem"] = f"days: {exc}"
                continue
            rules.append(StepRule(step, str(anchor), days))
        try:
            effective = parse_date(self.query_one("#effective_from", Input).value,
                                   today=self.app.now().date())
        except ValueError as exc:
            problems["effective_from-problem"] = str(exc)
            effective = None
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            problems["reason-problem"] = "is required: say why the policy changed"
        policy = None
        if not problems:
            try:
                policy = Policy(tuple(rules))
            except PolicyInvalid as exc:
                self.show_message(f"Not saved: {escape(str(exc))}", "error")
                return None
        if problems:
            return problems
        return policy, effective, reason

    def action_save(self) -> None:
        for widget in self.query(".problem"):
            widget.update("")
        result = self.read_form()
        if result is None:
            return
        if isinstance(result, dict):
            for target, message in result.items():
                self.query_one(f"#{target}", Static).update(escape(message))
            self.show_message(f"Not saved: {len(result)} problem"
                              f"{'s' if len(result) != 1 else ''}.", "error")
            return
        policy, effective, reason = result
        affected = audits_dated_from(self.app.db, effective)

        def done(confirmed: bool | None) -> None:
            if not confirmed:
                self.show_message("Not saved.")
                return
            try:
                added = add_policy(self.app.db, policy, effective, self.app.user, reason)
            except DatabaseError as exc:  # read-only or full disk: the form is kept
                self.show_message(f"Not saved: {escape(str(exc))}", "error")
                return
            self.reload()
            self.query_one("#reason", Input).value = ""
            self.show_message(
                f"Saved policy version {added.version_id}, in force from "
                f"{format_uk_date(effective)}; {added.reevaluated} audit"
                f"{'s' if added.reevaluated != 1 else ''} re-judged with a changed result.",
                "ok")

        self.app.push_screen(Confirm(
            f"Add a policy version in force from {format_uk_date(effective)}?\n"
            f"{describe(policy)}\n{affected} audit{'s' if affected != 1 else ''} dated from then "
            "will be judged against it (unless a later version applies)."), done)
