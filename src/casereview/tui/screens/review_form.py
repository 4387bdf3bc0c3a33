"""One case-note review, in sections: episode, agencies and reviewers, outcomes, care scores,
themes, learning. Tab walks every field; the derived flags update as the panel types.

Enter (or Ctrl+S) saves and keeps the review's status; F2 saves a draft, F3 completes (every
missing field gets its own message), F4 signs off. A signed-off review is read-only until F5
starts an amendment, which is saved only with a reason.
"""

from __future__ import annotations

from datetime import date, datetime

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Header, Input, Label, SelectionList, Static, TextArea
from textual.widgets.selection_list import Selection

from casereview.domain.access import Permission
from casereview.domain.review import (
    COMPLETE,
    DRAFT,
    OUTCOMES,
    PHASE_SCORES,
    SIGNED_OFF,
    STATUS_LABELS,
    Review,
    intensity,
    more_care_than_needed,
    non_ideal,
    parse_outcome,
    parse_score,
    raw_from_row,
    second_stage,
)
from casereview.domain.values import LONDON, format_nhs_number, format_uk_date
from casereview.storage.errors import DatabaseError
from casereview.storage.reviews import (
    AmendmentRefused,
    NotReadyToSignOff,
    amend,
    get_review,
    save_review,
    sign_off,
)
from casereview.tui.screens.action_sources import ACTIONS_BINDING
from casereview.tui.screens.form_base import FormScreen, MessageLine
from casereview.tui.widgets.code_input import CodeInput
from casereview.tui.widgets.dialogs import Confirm
from casereview.tui.widgets.footer import Footer
from casereview.tui.widgets.ticks import TickList

# (field, label, placeholder) per section, in tab order.
EPISODE = [
    ("review_date", "Review date", "DD/MM/YYYY"),
    ("patient_ref", "Patient", "NHS or hospital no."),
    ("age", "Age", "years"),
    ("dementia", "Dementia", "y / n / blank"),
    ("admission_date", "Admitted", "DD/MM/YYYY"),
    ("medically_fit_date", "Medically fit", "DD/MM/YYYY"),
    ("discharge_date", "Discharged", "blank: still in"),
]
OUTCOME_FIELDS = [
    ("ideal_outcome", "Ideal outcome", "e.g. home, support, nursing"),
    ("actual_outcome", "Actual outcome", "e.g. residential"),
    ("admission_avoidable", "Admission avoidable?", "yes / no / unsure"),
]
SCORE_FIELDS = [
    *[(name, f"{label.capitalize()}", "1-5, blank n/a") for name, label in PHASE_SCORES.items()],
    ("score_overall", "Overall", "1-5"),
    ("avoidable_delay_days", "Avoidable delay", "days"),
    ("ward_moves", "Ward moves", "number"),
]
INPUT_FIELDS = [f for f, _, _ in [*EPISODE, ("reviewers", "", ""), *OUTCOME_FIELDS,
                                   *SCORE_FIELDS]]
# Short meanings for the type-ahead hint beside an outcome (the full ones are in SPEC 4.3).
OUTCOME_SHORT = {
    "HOME": "home, no new support", "HOME_SUPPORT": "home with new support",
    "INTERMEDIATE": "community bed / rehab", "RESIDENTIAL": "residential care home",
    "NURSING": "nursing home", "HOSPITAL": "acute hospital", "HOSPICE": "hospice / end of life",
    "OTHER": "other",
}
DATE_FIELDS = ("review_date", "admission_date", "medically_fit_date", "discharge_date")
FIELDS_PER_ROW = 4
SECTIONS = ["episode", "agencies", "outcomes", "scores", "themes", "learning"]
LIVE_FIELDS = {"ideal_outcome", "actual_outcome", "score_overall", *PHASE_SCORES}


def _uk(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""


def _try(parse, text: str):
    try:
        return parse(text) if text.strip() else None
    except ValueError:
        return None


def describe_flags(raw: dict[str, str]) -> tuple[str, str]:
    """The outcome and second-stage lines, from whatever has been typed so far."""
    ideal = _try(parse_outcome, raw.get("ideal_outcome", ""))
    actual = _try(parse_outcome, raw.get("actual_outcome", ""))
    scores = [_try(parse_score, raw.get(name, "")) for name in PHASE_SCORES]
    overall = _try(parse_score, raw.get("score_overall", ""))
    differs = non_ideal(ideal, actual)
    if differs is None:
        outcome = "Outcome: [dim]not known until both outcomes are given[/dim]"
    elif not differs:
        outcome = "Outcome: [green]ideal[/green] (the person went where they should have)"
    else:
        levels = f"intensity {_level(ideal)} → {_level(actual)}"
        if more_care_than_needed(ideal, actual):
            outcome = (f"Outcome: [b red]non-ideal: more care than needed[/b red] ({levels})")
        else:
            outcome = f"Outcome: [b yellow]non-ideal[/b yellow] ({levels})"
    needed = second_stage(overall, scores)
    if needed is None:
        stage = "Second-stage review: [dim]not known until the overall score is given[/dim]"
    elif needed:
        why = ("overall score " + str(overall)) if overall is not None and overall <= 2 \
            else "a phase scored 1 (very poor)"
        stage = f"Second-stage review: [b red]needed[/b red] ({why})"
    else:
        stage = "Second-stage review: [green]not needed[/green]"
    return outcome, stage


def _level(code: str | None) -> str:
    level = intensity(code)
    return "none" if level is None else str(level)


class ReviewFormScreen(FormScreen):
    DEFAULT_CSS = """
    ReviewFormScreen #state { height: auto; padding: 0 1; }
    ReviewFormScreen #amend-row { height: auto; padding: 0 1; display: none; }
    ReviewFormScreen #amend-row.amending { display: block; }
    ReviewFormScreen #amend-row Input { width: 1fr; }
    ReviewFormScreen #amend_reason-problem { padding: 0 1; }
    ReviewFormScreen #sections { height: 1fr; padding: 0 1; }
    ReviewFormScreen .section { height: auto; border-top: solid $primary-darken-2; }
    ReviewFormScreen .section-title { text-style: bold; color: $accent; }
    ReviewFormScreen .row { height: auto; }
    ReviewFormScreen .field { width: 1fr; margin: 0 1 1 0; }
    ReviewFormScreen .field Input { background: $boost; }
    ReviewFormScreen .field Input:focus { background: $primary 30%; }
    ReviewFormScreen .flags { height: auto; padding: 0 1; }
    ReviewFormScreen SelectionList { height: auto; max-height: 14; margin-bottom: 1; }
    ReviewFormScreen SelectionList:focus { background: $primary 15%; }
    ReviewFormScreen #learning { height: 8; }
    """

    BINDINGS = [
        Binding("f2", "save_draft", "Save draft"),
        Binding("f3", "complete", "Complete"),
        Binding("f4", "sign_off", "Sign off"),
        Binding("f5", "amend", "Amend"),
        Binding("ctrl+down", "section(1)", "Next section"),
        Binding("ctrl+up", "section(-1)", "Prev section", show=False),
        Binding("escape", "back", "Back"),
        ACTIONS_BINDING,
    ]
    # Read-only (signed off, not being amended): no saving, and no field to jump to.
    READ_ONLY_HIDDEN = ("save", "save_draft", "complete", "sign_off", "section")

    def __init__(self, record_id: int | None = None) -> None:
        super().__init__()
        self.record_id = record_id
        self.status = DRAFT
        self.stored_row: dict | None = None
        self.amending = False
        # The ticked codes of each list as loaded, in their saved order.
        self.saved_order: dict[str, list[str]] = {}

    # --- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        reference = self.app.context().reference
        yield Header()
        yield Static("", id="state")
        with Horizontal(id="amend-row"):
            yield Label("Reason for amendment ")
            yield Input(id="amend_reason", placeholder="why this signed-off review is changed")
        yield self.problem_line("amend_reason")
        yield MessageLine()
        with VerticalScroll(id="sections"):
            with Vertical(classes="section", id="sec-episode"):
                yield Static("1  Episode", classes="section-title")
                yield from self._rows(EPISODE)
            with Vertical(classes="section", id="sec-agencies"):
                yield Static("2  Agencies and reviewers   [dim]Space ticks an agency; at least "
                             "two[/dim]", classes="section-title")
                self.register_field("agencies")
                yield TickList(*[Selection(f"{code}  {name}", code) for code, name in
                                      reference.agencies.items()], id="agencies", compact=True)
                yield self.problem_line("agencies")
                yield self._field("reviewers", "Reviewers",
                                  "names separated by ;  e.g. Dr H. Osei; E. Thornton")
            with Vertical(classes="section", id="sec-outcomes"):
                yield Static("3  Outcomes   [dim]where the person went, and where they should "
                             "have gone[/dim]", classes="section-title")
                yield from self._rows(OUTCOME_FIELDS)
                yield Static("", classes="flags", id="outcome-flag")
            with Vertical(classes="section", id="sec-scores"):
                yield Static("4  Care scores   [dim]1 very poor, 2 poor, 3 adequate, 4 good, "
                             "5 excellent; blank = not applicable[/dim]",
                             classes="section-title")
                yield from self._rows(SCORE_FIELDS)
                yield Static("", classes="flags", id="stage-flag")
            with Vertical(classes="section", id="sec-themes"):
                yield Static("5  Themes   [dim]Space ticks a theme[/dim]",
                             classes="section-title")
                self.register_field("themes")
                yield TickList(*[Selection(f"{code}  {label}", code) for code, label in
                                      reference.review_themes.items()], id="themes", compact=True)
                yield self.problem_line("themes")
            with Vertical(classes="section", id="sec-learning"):
                yield Static("6  Learning   [dim]Tab leaves the text; Ctrl+S saves[/dim]",
                             classes="section-title")
                self.register_field("learning")
                yield TextArea(id="learning", soft_wrap=True, tab_behavior="focus")
                yield self.problem_line("learning")
        yield Footer()

    def _rows(self, specs: list[tuple[str, str, str]]) -> ComposeResult:
        """Fields four to a row. Rows rather than a grid: a grid row keeps its height when a
        problem message below a field wraps onto a second line."""
        for start in range(0, len(specs), FIELDS_PER_ROW):
            row = [self._field(*spec) for spec in specs[start:start + FIELDS_PER_ROW]]
            row += [Vertical(classes="field") for _ in range(FIELDS_PER_ROW - len(row))]
            yield Horizontal(*row, classes="row")

    def _field(self, field_id: str, label: str, placeholder: str) -> Vertical:
        if field_id in ("ideal_outcome", "actual_outcome"):
            widget: Input = CodeInput(
                {code: f"{OUTCOME_SHORT[code]} · intensity {_level(code)}" for code in OUTCOMES},
                id=field_id, placeholder=placeholder, compact=True)
        else:
            widget = Input(id=field_id, placeholder=placeholder, compact=True)
        return self.field_row(field_id, label, widget, hint=isinstance(widget, CodeInput))

    def on_mount(self) -> None:
        if self.record_id is None:
            self.title = "New case-note review"
            self.load_raw({"review_date": self.app.now().date().isoformat()})
            self.set_read_only(False)
            self.query_one("#patient_ref", Input).focus()
        else:
            self.reload()
            self.query_one("#review_date", Input).focus()
        self.refresh_state()

    # --- reading and writing the widgets --------------------------------------------------

    def raw_values(self) -> dict[str, str]:
        raw = super().raw_values()
        for list_id in ("agencies", "themes"):
            raw[list_id] = ";".join(self._ticked(list_id))
        return raw

    def _ticked(self, list_id: str) -> list[str]:
        """Ticked codes in a stable order: those already saved in their saved order, then new
        ones in list order, so an unchanged set reads back unchanged (no phantom edits)."""
        widget = self.query_one(f"#{list_id}", SelectionList)
        ticked = set(widget.selected)
        saved = [c for c in self.saved_order.get(list_id, []) if c in ticked]
        listed = [widget.get_option_at_index(i).value for i in range(widget.option_count)]
        return saved + [c for c in listed if c in ticked and c not in saved]

    def load_raw(self, raw: dict[str, str]) -> None:
        for name in INPUT_FIELDS:
            value = raw.get(name, "") or ""
            if name in DATE_FIELDS:
                value = _uk(value)
            elif name == "patient_ref":
                value = format_nhs_number(value)
            elif name == "reviewers":
                value = "; ".join(filter(None, value.split(";")))
            self.write_field(name, value)
        self.saved_order = {list_id: list(filter(None, (raw.get(list_id) or "").split(";")))
                            for list_id in ("agencies", "themes")}
        for name in ("agencies", "themes", "learning"):
            self.write_field(name, raw.get(name))
        self.mark_clean()
        self.refresh_flags()

    def reload(self) -> None:
        """Show the stored review (after a save, a sign-off or a cancelled amendment)."""
        assert self.record_id is not None
        self.stored_row = get_review(self.app.db, self.record_id)
        self.status = self.stored_row["status"]
        self.title = f"Case-note review {self.record_id}"
        self.load_raw(raw_from_row(self.stored_row))
        self.set_read_only(self.status == SIGNED_OFF and not self.amending)

    @property
    def dirty(self) -> bool:
        return self.unsaved

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        # Read-only: the sections scroll with the keys instead of stopping on fields.
        self.query_one("#sections", VerticalScroll).can_focus = read_only
        if read_only:
            self.query_one("#sections", VerticalScroll).focus()
            self.show_message("This review is signed off and read-only. F5 starts an "
                              "amendment, which needs a reason.", "warning")

    def refresh_state(self) -> None:
        if self.record_id is None:
            text = "[b]New review[/b]: a draft until completed (F3)"
        else:
            text = f"[b]Review {self.record_id}[/b]: {STATUS_LABELS[self.status]}"
            if self.status == SIGNED_OFF and self.stored_row:
                text += (f" by {self.stored_row['signed_off_by']} on "
                         f"{_when(self.stored_row)}")
                text += ("  [b yellow]amending[/b yellow]: give a reason, then Ctrl+S"
                         if self.amending else "  [dim]read-only (PgDn/PgUp scroll); F5 amends "
                         "with a reason[/dim]")
            elif not self.app.may(Permission.COMPLETE_REVIEW):
                text += "  [dim]a lead completes and signs off reviews[/dim]"
            elif self.status == COMPLETE:
                text += "  [dim]F4 signs it off[/dim]"
            else:
                text += "  [dim]F3 completes it[/dim]"
        self.query_one("#state", Static).update(text)
        self.query_one("#amend-row").set_class(self.amending, "amending")
        self.refresh_bindings()

    def refresh_flags(self) -> None:
        outcome, stage = describe_flags(self.raw_values())
        self.query_one("#outcome-flag", Static).update(outcome)
        self.query_one("#stage-flag", Static).update(stage)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """Footer shows only what can be done now."""
        signed = self.status == SIGNED_OFF
        if action in ("save_draft", "complete", "sign_off"):
            return not signed
        if action == "amend":
            return signed and not self.amending
        return super().check_action(action, parameters)

    # --- events ---------------------------------------------------------------------------

    def field_changed(self, name: str) -> None:
        super().field_changed(name)
        if name in LIVE_FIELDS:
            self.refresh_flags()

    @on(Input.Submitted, "#amend_reason")
    def _reason_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    # --- saving ---------------------------------------------------------------------------

    def build(self, status: str) -> Review | None:
        """The form as a review with ``status``, or None with every problem shown."""
        action = {DRAFT: "saved", COMPLETE: "completed", SIGNED_OFF: "amended"}[status]
        return self.validated(
            Review, dict(self.raw_values(), status=status),
            lambda count: f"Not {action}: {count} field{'s' if count != 1 else ''} to put right.")

    def store(self, review: Review, verb: str) -> bool:
        record_id = self.stored(lambda: save_review(self.app.db, review, self.app.user,
                                                    self.record_id))
        if record_id is None:
            return False
        self.record_id = record_id
        self.reload()
        self.refresh_state()
        stamp = self.app.now().strftime("%H:%M")
        self.show_message(f"{verb} at {stamp}.", "ok")
        return True

    def save(self) -> None:
        """Enter / Ctrl+S: save, keeping the review's status."""
        if self.status == SIGNED_OFF:
            self.save_amendment()
            return
        if self.record_id is not None and not self.dirty:
            self.show_message("No changes to save.")
            return
        review = self.build(self.status)
        if review is not None:
            self.store(review, "Saved as a draft" if self.status == DRAFT else "Saved")

    def action_save_draft(self) -> None:
        if self.status == SIGNED_OFF:
            return
        review = self.build(DRAFT)
        if review is not None:
            was_complete = self.status == COMPLETE
            self.store(review, "Returned to draft and saved" if was_complete
                       else "Saved as a draft")

    def action_complete(self) -> None:
        if self.status == SIGNED_OFF:
            return
        review = self.build(COMPLETE)
        if review is not None:
            self.store(review, "Completed: it now counts in the measures (F4 to sign it off). "
                       "Saved")

    def action_sign_off(self) -> None:
        if self.status == SIGNED_OFF:
            return
        review = self.build(COMPLETE)
        if review is None:
            return

        def done(confirmed: bool | None) -> None:
            if not confirmed:
                self.show_message("Not signed off.")
                return
            if (self.dirty or self.status != COMPLETE) and not self.store(review, "Completed"):
                return
            try:
                sign_off(self.app.db, self.record_id, self.app.user)
            except (NotReadyToSignOff, DatabaseError) as exc:
                self.show_message(f"Not signed off: {escape(str(exc))}", "error")
                return
            self.reload()
            self.refresh_state()
            self.show_message(f"Signed off by {escape(self.app.user)}. The review is now "
                              "read-only; F5 amends it with a reason.", "ok")

        self.app.push_screen(Confirm(
            "Sign off this review? It becomes read-only: any later change is an amendment "
            "that must give a reason, and the change log keeps both."), done)

    def action_amend(self) -> None:
        if self.status != SIGNED_OFF:
            self.show_message("Only a signed-off review is amended; edit this one and save.")
            return
        self.amending = True
        self.set_read_only(False)
        self.query_one("#amend_reason", Input).value = ""
        self.refresh_state()
        self.show_message("Amending: give the reason, Tab on to change the fields, then "
                          "Ctrl+S (Escape cancels).", "warning")
        self.query_one("#amend_reason", Input).focus()

    def save_amendment(self) -> None:
        review = self.build(SIGNED_OFF)
        if review is None:
            return
        reason_input = self.query_one("#amend_reason", Input)
        reason = reason_input.value.strip()
        if not reason:
            self.set_problem("amend_reason",
                             "A reason is required to amend a signed-off review.")
            self.show_message("Not saved: an amendment needs a reason.", "error")
            reason_input.focus()
            return
        try:
            amend(self.app.db, self.record_id, review, self.app.user, reason)
        except (AmendmentRefused, DatabaseError) as exc:
            self.show_message(f"Not saved: {escape(str(exc))}", "error")
            return
        self.amending = False
        self.reload()
        self.refresh_state()
        self.show_message(f"Amendment saved with its reason: {escape(reason)}", "ok")

    # --- moving about ---------------------------------------------------------------------

    def action_section(self, step: int) -> None:
        """Jump to the first field of the next or previous section."""
        focused = self.focused
        current = -1 if step > 0 else len(SECTIONS)  # outside the sections: first or last
        for i, name in enumerate(SECTIONS):
            section = self.query_one(f"#sec-{name}")
            if focused is not None and focused in section.walk_children():
                current = i
        target = self.query_one(f"#sec-{SECTIONS[(current + step) % len(SECTIONS)]}")
        for widget in target.query("Input, SelectionList, TextArea"):
            if widget.focusable:
                widget.focus()
                target.scroll_visible()
                return

    def action_actions(self) -> None:
        """The review's actions; raising one starts from the review's learning."""
        if self.record_id is None:
            self.show_message("Save the review first; then F9 raises actions from it.",
                              "warning")
            return
        from casereview.domain.action import Source
        from casereview.tui.screens.action_sources import show_actions

        learning = get_review(self.app.db, self.record_id)["learning"] or ""
        show_actions(self.app, Source("review", str(self.record_id)),
                     {"description": learning})

    def action_back(self) -> None:
        if self.amending:
            self.amending = False
            self.reload()
            self.refresh_state()
            self.show_message("Amendment cancelled; nothing changed.")
            return
        self.leave(self.app.pop_screen)


def _when(row: dict) -> str:
    stamp = row.get("signed_off_at")
    if not stamp:
        return ""
    moment = datetime.fromisoformat(stamp).astimezone(LONDON)
    return f"{format_uk_date(moment.date())} at {moment:%H:%M}"
