"""The casereview terminal application."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from casereview.domain.validation import Context
from casereview.domain.values import LONDON
from casereview.storage.context import load_context
from casereview.storage.db import connect

if TYPE_CHECKING:  # annotations only: storage.db.Database stands in for it
    from casereview.storage.db import Database

Clock = Callable[[], datetime]


def london_now() -> datetime:
    return datetime.now(LONDON)


class CaseReviewApp(App):
    """Holds the database path, the user and the clock; screens ask it for a connection."""

    TITLE = "casereview"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
        # Priority: focus moves as the key arrives, so characters typed straight after Tab
        # land in the next field even when the screen is still repainting.
        Binding("tab", "focus_next", "Next field", show=False, priority=True),
        Binding("shift+tab", "focus_previous", "Previous field", show=False, priority=True),
    ]

    def __init__(self, db_path: Path, user: str, clock: Clock = london_now) -> None:
        super().__init__()
        self.db_path = Path(db_path)
        self.user = user
        self.clock = clock
        self._db: Database | None = None
        # The site last shown in the night log: the log opens on it again (a ward team logs
        # one site's nights).
        self.night_log_site: str | None = None

    @property
    def db(self) -> Database:
        """The main thread's connection, opened on first use (never at import time)."""
        if self._db is None:
            self._db = connect(self.db_path)
        return self._db

    def worker_db(self) -> Database:
        """A connection for a worker thread; the caller closes it."""
        return connect(self.db_path, migrate=False)

    def now(self) -> datetime:
        return self.clock().astimezone(LONDON)

    def context(self) -> Context:
        return load_context(self.db, self.now())

    def on_ready(self) -> None:
        """The first screen is painted: import the other screens and the record models in a
        worker, so that opening one is quick too (the cold start does not wait for them)."""
        from casereview.tui.navigation import warm_up

        self.run_worker(warm_up, thread=True, group="warm-up", exit_on_error=False)

    def get_default_screen(self) -> Screen:
        """The home screen is the app's base screen (nothing to go back to from it), made
        directly rather than pushed over an empty default screen: one screen less to build
        and style before the first paint."""
        from casereview.tui.screens.home import HomeScreen

        return HomeScreen()

    def on_mount(self) -> None:
        self.sub_title = f"{self.db_path}  ·  {self.user}"

    def action_help(self) -> None:
        from casereview.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def open_destination(self, factory: Callable[[], Screen]) -> None:
        self.push_screen(factory())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from casereview.tui.navigation import destinations

        yield from super().get_system_commands(screen)
        for dest in destinations():
            yield SystemCommand(f"Open: {dest.title}", dest.description,
                                lambda f=dest.factory: self.open_destination(f))
        yield SystemCommand("Help", "Keys and screens", self.action_help)
        # This screen's own actions, as its footer shows them.
        for binding in getattr(screen, "BINDINGS", []):
            if isinstance(binding, Binding) and binding.description:
                yield SystemCommand(f"{binding.description} ({self.get_key_display(binding)})",
                                    f"{screen.title or type(screen).__name__} action",
                                    lambda a=binding.action, s=screen: self._run_on(s, a))

    def _run_on(self, screen: Screen, action: str) -> None:
        self.call_later(screen.run_action, action)

    def on_unmount(self) -> None:
        if self._db is not None:
            self._db.conn.close()


def create_app(db_path: str | Path, user: str, *, clock: Clock = london_now) -> CaseReviewApp:
    """The app factory used by the CLI and the tests alike."""
    return CaseReviewApp(Path(db_path), user, clock)
