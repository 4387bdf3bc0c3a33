"""Patient-experience entry: samples collected at the bedside, typed in later, many at a time.

Every coded answer takes one key (the form moves on to the next question by itself); Enter
saves and starts the next sample for the same ward, date and collector. The line under the
ward says how far the ward is towards this week's target."""

from __future__ import annotations

from datetime import date, timedelta

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import DataTable, Header, Label, Static

from casereview.domain.experience import (
    ANSWER_KEYS,
    DIGNITY,
    DISCHARGE_INFO,
    FFT,
    INVOLVED,
    MOVED_AT_NIGHT,
    Experience,
)
from casereview.domain.values import format_nhs_number, format_uk_date, parse_date
from casereview.metrics.periods import week_of
from casereview.storage.experience import (
    SampleFilter,
    get_experience,
    sample_list,
    save_experience,
    weekly_target,
)
from casereview.storage.records import soft_delete
from casereview.tui.screens.action_sources import ACTIONS_BINDING, show_record_actions
from casereview.tui.screens.form_base import FormScreen, MessageLine, set_text
from casereview.tui.widgets.answer_keys import AnswerKeys, Choice
from casereview.tui.widgets.code_input import CodeInput
from casereview.tui.widgets.code_list_input import CodeListInput
from casereview.tui.widgets.footer import Footer
from casereview.tui.widgets.text_input import Input


def _choices(question: str, labels: dict[str, str]) -> list[Choice]:
    return [Choice(key, code, labels[code]) for key, code in ANSWER_KEYS[question].items()]


# The single key for each answer (domain.experience.ANSWER_KEYS, which files may use too), in
# the order of the SPEC's code lists.
ANSWER_CHOICES: dict[str, list[Choice]] = {
    "fft": _choices("fft", dict(FFT, NEITHER="Neither")),
    "dignity": _choices("dignity", DIGNITY),
    "involved": _choices("involved", INVOLVED),
    "moved_at_night": _choices("moved_at_night", MOVED_AT_NIGHT),
    "discharge_info": _choices("discharge_info", DISCHARGE_INFO),
}
YES_NO = [Choice("y", "YES", "Yes"), Choice("n", "NO", "No")]

QUESTION_LABELS = {
    "fft": "Overall experience (FFT)",
    "dignity": "Dignity and respect",
    "involved": "Involved in decisions",
    "moved_at_night": "Moved ward at night",
    "discharge_info": "Discharge information",
    "proxy": "Answered by carer",
    "dementia": "Dementia",
}
CODED = ("fft", "dignity", "involved", "moved_at_night", "discharge_info")
FLAGS = ("proxy", "dementia")
STICKY = ("sample_date", "ward_code", "collected_by")


def week_status(samples: int, target: int, ward: str, monday: date, today: date) -> str:
    """The line under the ward: how the ward stands against this week's target."""
    week = week_of(monday)
    span = f"{week.label} ({format_uk_date(week.start)} - {format_uk_date(week.end)})"
    shown = f"[b]{ward}[/b], {span}: [b]{samples} of {target}[/b] samples"
    if samples >= target:
        return shown + "  [green]target met[/green]"
    if week.end < today:
        return shown + f"  [red]missed the target by {target - samples}[/red]"
    return shown + f"  [yellow]{target - samples} still to collect[/yellow]"


class ExperienceEntryScreen(FormScreen):
    DEFAULT_CSS = """
    ExperienceEntryScreen #sticky { grid-size: 3; grid-columns: 20 1fr 1fr; grid-gutter: 0 2;
                                     height: auto; padding: 0 1; }
    ExperienceEntryScreen #patient { grid-size: 4; grid-columns: 1fr 10 1fr 1fr;
                                      grid-gutter: 0 2; height: auto; padding: 0 1; }
    ExperienceEntryScreen .question Label { color: $text-muted; }
    ExperienceEntryScreen .problem { padding: 0 1; }
    ExperienceEntryScreen #week-status { height: 1; padding: 0 2; margin-bottom: 1; }
    ExperienceEntryScreen .question { height: 1; padding: 0 1; }
    ExperienceEntryScreen .question Label { width: 26; }
    ExperienceEntryScreen .wide { height: auto; padding: 0 1; }
    ExperienceEntryScreen #message { padding: 0 2; margin-top: 1; }
    ExperienceEntryScreen #week-samples { height: 1fr; min-height: 3; margin: 0 1; }

    /* A short terminal (80x24): no blank lines, themes and comment side by side, so that
       the ward's samples for the week stay in view under the form. */
    ExperienceEntryScreen.-short #week-status { margin-bottom: 0; }
    ExperienceEntryScreen.-short #message { margin-top: 0; }
    ExperienceEntryScreen.-short .wide { layout: grid; grid-size: 2; grid-gutter: 0 2; }
    ExperienceEntryScreen.-short .hint { text-wrap: nowrap; text-overflow: ellipsis; }
    """
    # Below this many rows the form has no blank lines (the "-short" class).
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

    # on_mount chooses what to focus; the default would take the first field first.
    AUTO_FOCUS = ""

    BINDINGS = [
        Binding("enter", "save", "Save"),
        Binding("f3", "focus_samples", "Week's samples"),
        Binding("f4", "new_ward", "Other ward"),
        Binding("delete", "delete_sample", "Delete sample", show=False),
        Binding("escape", "escape", "Back"),
        ACTIONS_BINDING,
    ]

    def __init__(self, *, ward_code: str | None = None, edit_id: int | None = None) -> None:
        super().__init__()
        self.start_ward = ward_code
        self.start_edit = edit_id
        self.editing_id: int | None = None

    # --- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        field = self.field_row
        with Grid(id="sticky"):
            yield field("sample_date", "Sample date", placeholder="DD/MM/YYYY", compact=True)
            yield field("ward_code", "Ward", CodeInput(
                id="ward_code", placeholder="code or name, e.g. eld1", compact=True),
                hint=True)
            yield field("collected_by", "Collected by", placeholder="who asked the patient",
                        compact=True)
        yield Static("", id="week-status")
        for name in CODED:
            self.register_field(name)
            with Horizontal(classes="question"):
                yield Label(QUESTION_LABELS[name])
                yield AnswerKeys(ANSWER_CHOICES[name], id=name)
            yield self.problem_line(name)
        with Grid(id="patient"):
            yield field("patient_ref", "Patient ref (optional)",
                        placeholder="NHS or hospital no.", compact=True)
            yield field("age", "Age", placeholder="years", compact=True)
            for name in FLAGS:
                yield field(name, QUESTION_LABELS[name], AnswerKeys(YES_NO, id=name))
        with Vertical(classes="wide"):
            yield field("themes", "Themes (type part of each, space between)",
                        CodeListInput(id="themes", placeholder="e.g. noise food", compact=True),
                        hint=True)
            yield field("comment", "Comment, in the patient's words", placeholder="optional",
                        compact=True)
        yield MessageLine()
        yield DataTable(id="week-samples", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Patient experience: enter samples"
        context = self.app.context()
        self.query_one("#ward_code", CodeInput).set_choices(self._ward_choices())
        self.query_one("#themes", CodeListInput).set_choices(
            context.reference.experience_themes)
        add_sample_columns(self.query_one("#week-samples", DataTable))
        self.query_one("#sample_date", Input).value = self.app.now().date().strftime("%d/%m/%Y")
        if self.start_ward:
            self.query_one("#ward_code", CodeInput).value = self.start_ward
        if not context.reference.wards:
            self.show_message("[b]No wards yet.[/b] Add sites and wards first (Escape, then w), "
                              "or import them: casereview import wards FILE", "warning")
        if self.start_edit is not None:
            self.load_sample(self.start_edit)
        else:
            self.mark_clean()
            self.refresh_week()
            self.focus_first()
            if context.reference.wards:
                self.show_message("One key per answer (the form moves on by itself); [b]Enter[/b] "
                                  "saves and starts the next sample for the same ward.")

    def _ward_choices(self) -> dict[str, str]:
        """Every ward, older-adult wards (those with a weekly target) first."""
        wards = self.app.context().reference.wards.values()
        ordered = sorted(wards, key=lambda w: (not w.older_adults, w.site_code, w.ward_code))
        return {w.ward_code: w.ward_name + ("" if w.older_adults else " (no target)")
                for w in ordered}

    def focus_first(self) -> None:
        """The first thing that needs typing: the ward, then the collector, then the answers."""
        for name in STICKY[1:]:
            widget = self.query_one(f"#{name}", Input)
            if not widget.value.strip() or (isinstance(widget, CodeInput)
                                             and widget.resolved()[0] is None):
                widget.focus()
                return
        self.query_one("#fft", AnswerKeys).focus()

    # --- the ward's week ------------------------------------------------------------------

    def _ward(self) -> str | None:
        return self.query_one("#ward_code", CodeInput).resolved()[0]

    def _week_monday(self) -> date:
        today = self.app.now().date()
        try:
            day = parse_date(self.query_one("#sample_date", Input).value, today=today)
        except ValueError:
            day = today
        return day - timedelta(days=day.weekday())

    def refresh_week(self) -> None:
        """The status line and the list of the ward's samples in the sample date's week (a
        week's samples for one ward are a handful, so one query fills the table)."""
        ward = self._ward()
        table = self.query_one("#week-samples", DataTable)
        table.clear()
        status = self.query_one("#week-status", Static)
        if ward is None:
            set_text(status, "Choose a ward: the ward's samples for the week are listed below.")
            return
        monday = self._week_monday()
        page = sample_list(SampleFilter(ward_code=ward, week=monday)).first(self.app.db,
                                                                            500)
        target = weekly_target(self.app.db)
        is_older = self.app.context().reference.wards[ward].older_adults
        if is_older:
            set_text(status, week_status(len(page.rows), target, ward, monday,
                                         self.app.now().date()))
        else:
            set_text(status, f"[b]{ward}[/b] is not an older-adult ward: it has no weekly "
                             f"target ({len(page.rows)} samples in {week_of(monday).label}).")
        for row in page.rows:
            table.add_row(*sample_cells(row), key=str(row["id"]))

    def field_changed(self, name: str) -> None:
        super().field_changed(name)
        if name in ("ward_code", "sample_date"):
            self.refresh_week()

    # --- answering ------------------------------------------------------------------------

    @on(AnswerKeys.Chosen)
    def _chosen(self, event: AnswerKeys.Chosen) -> None:
        if event.value:
            self.focus_next()

    def raw_values(self) -> dict[str, str]:
        raw = super().raw_values()
        ward = self.query_one("#ward_code", CodeInput).resolved()[0]
        raw["site_code"] = self.app.context().reference.wards[ward].site_code if ward else ""
        for name in FLAGS:
            raw[name] = {"YES": "yes", "NO": "no"}.get(raw[name], "")
        return raw

    def adjust_problems(self, problems: dict[str, str]) -> dict[str, str]:
        if "site_code" in problems:
            # The site follows the ward: only a ward that is not known leaves it blank.
            problems.setdefault("ward_code", "choose a ward from the list")
            del problems["site_code"]
        return problems

    def save(self) -> None:
        if isinstance(self.focused, DataTable):
            return  # Enter on the week's list edits a sample (RowSelected), it does not save
        sample = self.validated(Experience, self.raw_values())
        if sample is None:
            return
        was_editing = self.editing_id
        record_id = self.stored(lambda: save_experience(self.app.db, sample, self.app.user,
                                                        self.editing_id))
        if record_id is None:
            return
        if was_editing and self.start_edit is not None:
            self.app.pop_screen()  # opened from the sample list to edit one sample
            return
        verb = "Updated" if was_editing else "Saved"
        self.clear_answers()
        # The cleared answers and the message are drawn first; the week's list follows a
        # frame later (refilling it took longer than the rest of the save).
        self.call_after_refresh(self.refresh_week)
        self.show_message(f"{verb} sample {record_id} ({sample.ward_code}, "
                          f"{format_uk_date(sample.sample_date)}, FFT "
                          f"{FFT[sample.fft or '']}). Next sample for the same ward:", "ok")
        self.focus_now(self.query_one("#fft", AnswerKeys))

    def clear_answers(self) -> None:
        """Ready for the next patient: keep the date, ward and collector."""
        self.editing_id = None
        self.clear_fields(keep=STICKY)

    # --- editing and deleting -------------------------------------------------------------

    def load_sample(self, record_id: int) -> None:
        row = get_experience(self.app.db, record_id)
        if row is None:
            self.show_message(f"Sample {record_id} no longer exists.", "error")
            return
        self.clear_answers()
        self.fill({
            "sample_date": date.fromisoformat(row["sample_date"]).strftime("%d/%m/%Y"),
            "ward_code": row["ward_code"], "collected_by": row["collected_by"],
            "patient_ref": row["patient_ref"], "age": row["age"],
            "comment": row["comment"],
            **{name: row[name] for name in CODED},
            **{name: None if row[name] is None else ("YES" if row[name] else "NO")
               for name in FLAGS},
        })
        self.query_one("#themes", CodeListInput).set_codes(
            [t for t in (row["themes"] or "").split(";") if t])
        self.editing_id = record_id
        self.refresh_week()
        self.mark_clean()  # as loaded: leaving without a change asks nothing
        back = ("goes back to the list" if self.start_edit is not None
                else "stops editing")
        self.show_message(f"Editing sample {record_id}: Enter saves the change, Escape "
                          f"{back}.", "warning")
        self.query_one("#fft", AnswerKeys).focus()

    @on(DataTable.RowSelected, "#week-samples")
    def _edit(self, event: DataTable.RowSelected) -> None:
        self.load_sample(int(event.row_key.value))

    def action_focus_samples(self) -> None:
        self.query_one("#week-samples", DataTable).focus()

    def action_new_ward(self) -> None:
        ward = self.query_one("#ward_code", CodeInput)
        ward.value = ""
        ward.focus()

    def action_delete_sample(self) -> None:
        table = self.query_one("#week-samples", DataTable)
        if not table.has_focus or not table.row_count:
            return
        record_id = int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        self.confirm_delete(
            f"sample {record_id}",
            lambda: soft_delete(self.app.db, "experience", record_id, self.app.user),
            self.refresh_week)

    def action_actions(self) -> None:
        """The sample being edited: its actions (raising the first if it has none)."""
        show_record_actions(self, "experience", self.editing_id)

    def action_escape(self) -> None:
        if self.editing_id is not None and self.start_edit is None:
            self.clear_answers()
            self.show_message("Stopped editing; nothing changed.")
            self.query_one("#fft", AnswerKeys).focus()
        else:
            self.leave(self.app.pop_screen)


# Short answers for table cells, where the form's words would be too wide.
SHORT = {
    "dignity": {"ALWAYS": "Always", "SOMETIMES": "Sometimes", "NO": "No"},
    "involved": {"DEFINITELY": "Definitely", "SOME_EXTENT": "Some extent", "NO": "No",
                 "NOT_APPLICABLE": "n/a"},
    "moved_at_night": {"YES": "Yes", "NO": "No", "DONT_KNOW": "Don't know"},
    "discharge_info": {"YES": "Yes", "NO": "No", "NOT_YET": "Not yet", "NOT_APPLICABLE": "n/a"},
}
# (heading, width). Fixed widths: a table refilled by clear() + add_row() can otherwise be
# painted once with the headings' widths before DataTable measures the new rows.
SAMPLE_COLUMNS = (("Date", 11), ("FFT", 10), ("Comment", 48), ("Dignity", 9),
                  ("Involved", 11), ("Night move", 10), ("Discharge", 9), ("Carer", 5),
                  ("Themes", 30), ("Patient", 12))


def add_sample_columns(table: DataTable) -> None:
    for heading, width in SAMPLE_COLUMNS:
        table.add_column(heading, width=width)


def sample_cells(row) -> list[str | Text]:
    """A stored sample as table cells (the sample list and the entry screen's week list), in
    the order of SAMPLE_COLUMNS. What people typed goes in as plain Text, so a '[' in a
    comment is not taken as markup."""
    return [
        format_uk_date(date.fromisoformat(row["sample_date"])),
        _fft_cell(row["fft"]),
        Text(_short(row["comment"] or "", 48)),
        *[SHORT[q].get(row[q] or "", "") for q in SHORT],
        "" if row["proxy"] is None else ("yes" if row["proxy"] else "no"),
        (row["themes"] or "").replace(";", " "),
        format_nhs_number(row["patient_ref"]) if row["patient_ref"] else "anonymous",
    ]


def _fft_cell(code: str) -> Text:
    label = "Neither" if code == "NEITHER" else FFT.get(code, code)
    if code in ("POOR", "VERY_POOR"):
        return Text(label, style="red")
    if code in ("VERY_GOOD", "GOOD"):
        return Text(label, style="green")
    return Text(label)


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
