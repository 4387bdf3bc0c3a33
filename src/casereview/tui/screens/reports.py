"""Summary reports: the week's, month's or quarter's summary written to exports/ as the board
pack (PDF, SPEC 9), the xlsx scorecard with its charts, the board-paper Markdown, and the csv
and json of SPEC 7.2, optionally published (small numbers suppressed, no free text). Written
in a thread worker with a progress bar; the screen says where each file went."""

from __future__ import annotations

import re
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Checkbox, Header, Input, Label, ProgressBar, Static
from textual.worker import Worker, WorkerState

from casereview.domain.values import format_uk_date
from casereview.io.summary_files import write_summary
from casereview.metrics.engine import summarise
from casereview.metrics.periods import Period, PeriodError, parse_period
from casereview.metrics.scorecard import build_scorecard
from casereview.tui.widgets.footer import Footer
from casereview.tui.widgets.ticks import TickBox

FORMATS = [("pdf", "Board pack (pdf)", True), ("xlsx", "Excel scorecard (xlsx)", True),
           ("md", "Board paper (md)", True), ("csv", "Measures (csv)", False),
           ("json", "Measures (json)", False)]
DEFAULT_FOLDER = Path("exports")


def parse_any_period(text: str) -> Period:
    """A week (2026-W47), a month (2026-11) or an NHS quarter (2026/27 Q3)."""
    text = text.strip()
    kind = "week" if "w" in text.lower() else "quarter" if "q" in text.lower() else "month"
    return parse_period(kind, text)


def report_name(period: Period, fmt: str, publish: bool) -> str:
    """summary-2026-W47.xlsx, summary-2026-27-Q3-published.md, board-pack-2026-11.pdf: safe
    in any file system."""
    label = re.sub(r"[^A-Za-z0-9-]+", "-", period.label).strip("-")
    kind = "board-pack" if fmt == "pdf" else "summary"
    return f"{kind}-{label}{'-published' if publish else ''}.{fmt}"


class ReportsWritten(Message):
    def __init__(self, paths: list[Path]) -> None:
        super().__init__()
        self.paths = paths


class ReportsScreen(Screen):
    DEFAULT_CSS = """
    ReportsScreen #where { height: auto; padding: 1 1 0 1; }
    ReportsScreen #period-row { height: 3; padding: 0 1; }
    ReportsScreen #period-row Label { padding: 1 1 0 0; }
    ReportsScreen #period { width: 20; }
    ReportsScreen #period-words { padding: 1 2 0 2; color: $text-muted; }
    ReportsScreen #choices { height: auto; padding: 0 1; }
    ReportsScreen #choices Horizontal { height: auto; }
    ReportsScreen #choices Checkbox { width: auto; }
    ReportsScreen #problem { height: auto; padding: 0 2; color: $error; }
    ReportsScreen #progress { margin: 1 2 0 2; height: 1; }
    ReportsScreen #status { height: auto; padding: 0 2; }
    """
    BINDINGS = [
        Binding("f5", "write", "Write reports"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self, folder: Path | None = None) -> None:
        super().__init__()
        self.folder = Path(folder) if folder else DEFAULT_FOLDER
        self.busy = False

    def compose(self) -> ComposeResult:
        from casereview.tui.screens.home import default_period

        yield Header()
        yield Static(f"Summaries are written to [b]{self.folder.resolve()}[/b]. Type the "
                     "period as a week (2026-W47), a month (2026-11) or a quarter "
                     "(2026/27 Q3); Enter or F5 writes.", id="where")
        with Horizontal(id="period-row"):
            yield Label("Period")
            yield Input(default_period(self.app.now().date()).label, id="period")
            yield Static("", id="period-words")
        with Vertical(id="choices"):
            with Horizontal():
                for fmt, label, on_by_default in FORMATS:
                    yield TickBox(label, on_by_default, id=f"fmt-{fmt}")
            yield TickBox("Published: show counts of 1-7 as * (for papers that leave the "
                           "organisation)", False, id="publish")
        yield Static("", id="problem")
        yield ProgressBar(id="progress", show_eta=False)
        yield Static("", id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Summary reports"
        self._describe_period()
        self.query_one("#progress", ProgressBar).display = False  # until a report is written
        period = self.query_one("#period", Input)
        period.focus()
        # Typing replaces the suggested period rather than adding to it.
        self.call_after_refresh(period.select_all)

    @on(Input.Changed, "#period")
    def _describe_period(self, event: Input.Changed | None = None) -> None:
        try:
            period = parse_any_period(self.query_one("#period", Input).value)
        except PeriodError:
            self.query_one("#period-words", Static).update("")
            return
        self.query_one("#period-words", Static).update(
            f"{format_uk_date(period.start)} to {format_uk_date(period.end)}")

    @on(Input.Submitted, "#period")
    def _submitted(self, event: Input.Submitted) -> None:
        self.action_write()

    def chosen_formats(self) -> list[str]:
        return [fmt for fmt, _, _ in FORMATS if self.query_one(f"#fmt-{fmt}", Checkbox).value]

    def action_write(self) -> None:
        problem = self.query_one("#problem", Static)
        if self.busy:
            return
        try:
            period = parse_any_period(self.query_one("#period", Input).value)
        except PeriodError as exc:
            problem.update(f"Period: {exc}")
            return
        formats = self.chosen_formats()
        if not formats:
            problem.update("Choose at least one format.")
            return
        problem.update("")
        publish = self.query_one("#publish", Checkbox).value
        self.busy = True
        bar = self.query_one("#progress", ProgressBar)
        bar.display = True
        bar.update(total=len(formats) + 1, progress=0)
        self.query_one("#status", Static).update(f"Computing the measures for {period.label}…")
        self.write_reports(period, formats, publish)

    @work(thread=True, exclusive=True, group="reports", exit_on_error=False)
    def write_reports(self, period: Period, formats: list[str], publish: bool) -> None:
        db = self.app.worker_db()
        paths: list[Path] = []
        try:
            now = self.app.now()  # the app's clock: which nights have ended, what is to date
            today = now.date()
            summary = summarise(db, period, generated_at=now)
            card = (build_scorecard(db, period, today=today, summary=summary)
                    if {"pdf", "xlsx", "md"} & set(formats) else None)
            self.app.call_from_thread(self._step, None)
            for fmt in formats:
                path = self.folder / report_name(period, fmt, publish)
                self.app.call_from_thread(self._status, f"Writing {path.name}…")
                if fmt == "pdf":
                    # Imported here: the charts' plotting library is not for the app's start.
                    from casereview.io.board_pack import write_board_pack

                    write_board_pack(db, period, path, publish=publish, today=today,
                                     card=card, progress=self._progress_of(path.name))
                else:
                    write_summary(db, summary, fmt, path, publish=publish, today=today,
                                  card=card)
                paths.append(path)
                self.app.call_from_thread(self._step, path)
        finally:
            db.close()
        self.post_message(ReportsWritten(paths))

    def _progress_of(self, name: str):
        """What the board pack reports as it goes (each chart drawn), shown on the screen."""
        return lambda text: self.app.call_from_thread(self._status, f"Writing {name}: {text}…")

    # Called on the main thread (the DOM is not for worker threads).
    def _step(self, path: Path | None) -> None:
        self.query_one("#progress", ProgressBar).advance(1)

    def _status(self, text: str) -> None:
        self.query_one("#status", Static).update(text)

    def on_reports_written(self, message: ReportsWritten) -> None:
        self.busy = False
        lines = "\n".join(f"  {p.resolve()}" for p in message.paths)
        self.query_one("#status", Static).update(
            f"[b]Written {len(message.paths)} file{'s' if len(message.paths) != 1 else ''}:"
            f"[/b]\n{lines}")
        self.notify(f"{len(message.paths)} report file(s) written to {self.folder}")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "reports" and event.state == WorkerState.ERROR:
            self.busy = False
            self.query_one("#status", Static).update(
                f"[red]Nothing more was written: {event.worker.error}[/red]")
