"""The patient-experience samples with their comments, newest first, filtered by ward, week,
answer and theme; paged from SQLite by keyset (End and Home jump to the oldest and the
newest samples however many years the table holds)."""

from __future__ import annotations

from datetime import date, timedelta

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Label, Select, Static

from casereview.domain.experience import QUESTIONS
from casereview.domain.values import format_uk_date, parse_date
from casereview.metrics.periods import PeriodError, parse_week, week_of
from casereview.storage.experience import SampleFilter, sample_list
from casereview.storage.records import soft_delete
from casereview.tui.screens.action_sources import ACTIONS_BINDING
from casereview.tui.screens.experience_entry import (
    QUESTION_LABELS,
    SAMPLE_COLUMNS,
    sample_cells,
)
from casereview.tui.screens.form_base import ShowsMessages
from casereview.tui.widgets.code_input import CodeInput
from casereview.tui.widgets.footer import Footer
from casereview.tui.widgets.paged_table import PagedTable, position_text

# The entry screen's columns with the ward after the date.
COLUMNS = (SAMPLE_COLUMNS[0], ("Ward", 9), *SAMPLE_COLUMNS[1:])


def listed_cells(row: dict) -> list:
    cells = sample_cells(row)
    return [cells[0], row["ward_code"], *cells[1:]]


def answer_options() -> list[tuple[str, str]]:
    """Every (question, answer) pair, e.g. 'FFT: Poor' -> 'fft=POOR'."""
    options = []
    for question, (answers, _, _) in QUESTIONS.items():
        short = QUESTION_LABELS[question].split(" (")[0]
        options += [(f"{short}: {label}", f"{question}={code}") for code, label in answers.items()]
    return options


def parse_week_text(text: str, today: date) -> date | None:
    """A week typed as 2026-W47 or as any date in it; blank is every week. Returns Monday."""
    text = text.strip()
    if not text:
        return None
    try:
        return parse_week(text).start
    except PeriodError:
        pass
    try:
        day = parse_date(text, today=today)
    except ValueError:
        raise ValueError(f"'{text}' is not a week: type 2026-W47 or a date in the week") from None
    return day - timedelta(days=day.weekday())


class ExperienceListScreen(ShowsMessages, Screen):
    DEFAULT_CSS = """
    ExperienceListScreen #filters { grid-size: 4; grid-columns: 1fr 22 1fr 1fr; grid-gutter: 0 2;
                                    height: auto; padding: 0 1; }
    ExperienceListScreen #filters Vertical { height: auto; }
    ExperienceListScreen #filters Label { color: $text-muted; }
    ExperienceListScreen #filters .hint { height: 1; color: $text-muted; }
    ExperienceListScreen #filter-problem { height: auto; color: $error; padding: 0 2; }
    ExperienceListScreen #count { height: 1; padding: 0 2; }
    ExperienceListScreen #samples { height: 1fr; margin: 0 1; }
    ExperienceListScreen #detail { height: 6; padding: 0 2; border-top: solid $primary; }
    """

    # on_mount chooses what to focus; the default would take the first field first.
    AUTO_FOCUS = ""

    BINDINGS = [
        Binding("f2", "focus_filters", "Filters"),
        Binding("f3", "focus_table", "Samples"),
        Binding("f5", "shift_week(-1)", "Prev week"),
        Binding("f6", "shift_week(1)", "Next week"),
        Binding("f8", "clear_filters", "Clear filters"),
        ACTIONS_BINDING,
        Binding("delete", "delete_sample", "Delete", show=False),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self, *, ward_code: str | None = None, week: date | None = None) -> None:
        super().__init__()
        self.start_ward = ward_code
        self.start_week = week
        self.where = SampleFilter()
        self._suspended = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Grid(id="filters"):
            yield Vertical(Label("Ward"), CodeInput(id="f-ward", placeholder="all wards",
                                                    compact=True),
                           Static("", classes="hint", id="f-ward-hint"))
            yield Vertical(Label("Week"), Input(id="f-week", placeholder="all weeks",
                                                compact=True),
                           Static("", classes="hint", id="f-week-hint"))
            yield Vertical(Label("Answer"), Select(answer_options(), id="f-answer",
                                                   prompt="any answer", compact=True))
            yield Vertical(Label("Theme"), CodeInput(id="f-theme", placeholder="any theme",
                                                     compact=True),
                           Static("", classes="hint", id="f-theme-hint"))
        yield Static("", id="filter-problem")
        yield Static("", id="count")
        yield PagedTable(self.app.worker_db, listed_cells, id="samples")
        yield Static("", id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Patient experience: samples"
        reference = self.app.context().reference
        self.query_one("#f-ward", CodeInput).set_choices(
            {code: w.ward_name for code, w in reference.wards.items()})
        self.query_one("#f-theme", CodeInput).set_choices(reference.experience_themes)
        self.query_one("#samples", PagedTable).set_columns(COLUMNS)
        if self.start_ward:
            self.query_one("#f-ward", CodeInput).value = self.start_ward
        if self.start_week:
            self.query_one("#f-week", Input).value = week_of(self.start_week).label
        self.apply_filters()
        self.query_one("#samples", PagedTable).focus()

    def on_screen_suspend(self) -> None:
        self._suspended = True

    def on_screen_resume(self) -> None:
        # Back from editing a sample: show it as it is now.
        if self._suspended:
            self._suspended = False
            self.query_one("#samples", PagedTable).reload()

    # --- filters --------------------------------------------------------------------------

    @on(Input.Changed, "#f-ward, #f-theme")
    def _code_changed(self, event: Input.Changed) -> None:
        self.query_one(f"#{event.input.id}-hint", Static).update(escape(event.input.hint()))

    @on(Input.Submitted, "#f-ward, #f-week, #f-theme")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.apply_filters():
            self.query_one("#samples", PagedTable).focus()

    @on(Select.Changed, "#f-answer")
    def _answer_changed(self, event: Select.Changed) -> None:
        self.apply_filters()

    def apply_filters(self) -> bool:
        """Read the filter fields into a SampleFilter and reload; False if one is not valid."""
        problem = self.query_one("#filter-problem", Static)
        problem.update("")
        ward_input = self.query_one("#f-ward", CodeInput)
        theme_input = self.query_one("#f-theme", CodeInput)
        problems = []
        ward = theme = None
        if ward_input.value.strip():
            ward = ward_input.resolved()[0]
            if ward is None:
                problems.append(f"Ward: {ward_input.hint()}")
        if theme_input.value.strip():
            theme = theme_input.resolved()[0]
            if theme is None:
                problems.append(f"Theme: {theme_input.hint()}")
        week = None
        try:
            week = parse_week_text(self.query_one("#f-week", Input).value, self.app.now().date())
        except ValueError as exc:
            problems.append(f"Week: {exc}")
        self.query_one("#f-week-hint", Static).update(
            f"{week.day} {week:%b} - {format_uk_date(week + timedelta(days=6))}" if week
            else "")
        answer = self.query_one("#f-answer", Select).value
        answers = {}
        if isinstance(answer, str):
            question, code = answer.split("=", 1)
            answers[question] = code
        if problems:
            problem.update(escape("; ".join(problems)))
            return False
        self.where = SampleFilter(ward_code=ward, week=week, answers=answers, theme=theme)
        self.reload()
        return True

    def action_shift_week(self, weeks: int) -> None:
        week_input = self.query_one("#f-week", Input)
        current = self.where.week or self.app.now().date()
        target = current + timedelta(weeks=weeks if self.where.week else 0)
        if target > self.app.now().date():
            return
        week_input.value = week_of(target).label
        self.apply_filters()

    def action_clear_filters(self) -> None:
        for name in ("#f-ward", "#f-week", "#f-theme"):
            self.query_one(name, Input).value = ""
        self.query_one("#f-answer", Select).clear()
        self.apply_filters()

    # --- the paged table ------------------------------------------------------------------

    def reload(self) -> None:
        """List the samples matching the filters from the newest (and count them)."""
        self.query_one("#samples", PagedTable).show(sample_list(self.where))
        self.show_detail()

    @on(PagedTable.PageShown, "#samples")
    def _page_shown(self, event: PagedTable.PageShown) -> None:
        where = position_text(event, "samples")
        if not where:
            where = ("Reading the samples…" if event.total is None else
                     "No samples match. Change the filters (F8 clears them).")
        self.query_one("#count", Static).update(where)
        self.show_detail()

    @on(DataTable.RowHighlighted, "#samples")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def _selected(self) -> dict | None:
        return self.query_one("#samples", PagedTable).row_data()

    def show_detail(self) -> None:
        row = self._selected()
        detail = self.query_one("#detail", Static)
        detail.update(detail_text(row) if row else "")

    @on(DataTable.RowSelected, "#samples")
    def _open(self, event: DataTable.RowSelected) -> None:
        from casereview.tui.screens.experience_entry import ExperienceEntryScreen

        self.app.push_screen(ExperienceEntryScreen(edit_id=int(event.row_key.value)))

    def action_actions(self) -> None:
        """The selected sample's actions (raising the first if it has none)."""
        from casereview.domain.action import Source
        from casereview.tui.screens.action_sources import show_actions

        row = self._selected()
        if row is not None:
            show_actions(self.app, Source("experience", str(row["id"])),
                         {"description": row.get("comment") or ""})

    def action_focus_filters(self) -> None:
        self.query_one("#f-ward", CodeInput).focus()

    def action_focus_table(self) -> None:
        self.query_one("#samples", PagedTable).focus()

    def action_delete_sample(self) -> None:
        table = self.query_one("#samples", PagedTable)
        row = self._selected()
        if not table.has_focus or row is None:
            return
        record_id = row["id"]
        self.confirm_delete(
            f"sample {record_id}",
            lambda: soft_delete(self.app.db, "experience", record_id, self.app.user),
            table.reload, report=lambda text: self.notify(text, severity="error"))


def detail_text(row: dict) -> Text:
    """The highlighted sample in full: who and when, every answer in words, the comment."""
    text = Text()
    text.append(f"Sample {row['id']}  {row['ward_code']}  "
                f"{format_uk_date(date.fromisoformat(row['sample_date']))}  collected by "
                f"{row['collected_by']}", style="dim")
    if row["proxy"]:
        text.append("  (answered by a carer or relative)", style="dim")
    text.append("\n")
    answers = []
    for question, (words, _, _) in QUESTIONS.items():
        label = QUESTION_LABELS[question].split(" (")[0]
        answers.append(f"{label}: {words.get(row[question] or '', '-')}")
    text.append("  ·  ".join(answers) + "\n")
    if row["themes"]:
        text.append("Themes: " + row["themes"].replace(";", ", ") + "\n", style="dim")
    text.append(row["comment"] or "(no comment)", style="bold" if row["comment"] else "dim")
    return text
