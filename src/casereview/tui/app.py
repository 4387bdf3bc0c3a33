"""The casereview terminal application."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from casereview.domain.access import Access, AccessDenied, AccountDisabled, Permission
from casereview.domain.values import LONDON
from casereview.storage.access import bind
from casereview.storage.db import connect
from casereview.tui.key_order import KeysInOrder

if TYPE_CHECKING:  # annotations only: storage.db.Database stands in for it
    from casereview.domain.validation import Context
    from casereview.storage.db import Database

Clock = Callable[[], datetime]


def london_now() -> datetime:
    return datetime.now(LONDON)


class CaseReviewApp(KeysInOrder, App):
    """Holds the database path, the user and the clock; screens ask it for a connection.
    Keys are taken in order, each after the effects of the one before (tui/key_order.py)."""

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

    # The oldest generation of the garbage collector is swept when a pause in the typing
    # comes (see _sweep_in_pauses): at most this many collections of the middle generation
    # go by before one is due, and the app looks for a pause every SWEEP_POLL seconds.
    FULL_SWEEP_EVERY = 1000
    SWEEP_POLL = 0.5
    PAUSE = 1.0  # seconds without a key that count as a pause

    # How often a signed-in session checks that its account is still active (a disabled
    # account's changes are refused by the storage layer at once; this signs it out too).
    ACCOUNT_CHECK_SECONDS = 5.0

    def __init__(self, db_path: Path, user: str, clock: Clock = london_now, *,
                 sign_in_name: str = "") -> None:
        super().__init__()
        self.db_path = Path(db_path)
        self.user = user
        self.clock = clock
        self._db: Database | None = None
        # The signed-in session (None: a database without accounts, nothing limited).
        self.access: Access | None = None
        self.sign_in_name = sign_in_name
        self._needs_sign_in: bool | None = None
        # The site last shown in the night log: the log opens on it again (a ward team logs
        # one site's nights).
        self.night_log_site: str | None = None

    @property
    def db(self) -> Database:
        """The main thread's connection, opened on first use (never at import time)."""
        if self._db is None:
            self._db = connect(self.db_path)
            bind(self._db, self.access)
        return self._db

    def worker_db(self) -> Database:
        """A connection for a worker thread, carrying the session's access; the caller
        closes it."""
        db = connect(self.db_path, migrate=False)
        bind(db, self.access)
        return db

    # --- signing in and out -----------------------------------------------------------------

    @property
    def needs_sign_in(self) -> bool:
        """Whether the database holds accounts (then every session signs in)."""
        if self._needs_sign_in is None:
            from casereview.storage.users import has_accounts

            self._needs_sign_in = has_accounts(self.db)
        return self._needs_sign_in

    def may(self, permission: Permission) -> bool:
        return self.access is None or self.access.may(permission)

    def signed_in(self, access: Access) -> None:
        """The sign-in screen accepted ``access``: every connection now carries it."""
        from casereview.tui.screens.home import HomeScreen

        self.access, self.user = access, access.user
        bind(self.db, access)
        self.sub_title = f"{self.db_path.name}  ·  {access.describe()}"
        # The sign-in screen stays at the bottom of the stack: signing out returns to it.
        self.push_screen(HomeScreen())
        self._account_timer = self.set_interval(self.ACCOUNT_CHECK_SECONDS,
                                                self.check_account)

    def check_account(self) -> None:
        from casereview.storage.access import current_account

        if self.access is None:
            return
        try:
            current = current_account(self.db, self.access)
        except AccountDisabled as exc:
            self.sign_out(str(exc))
            return
        if current != self.access:  # a changed role or grant applies at once
            self.access = current
            bind(self.db, current)
            self.sub_title = f"{self.db_path.name}  ·  {current.describe()}"

    def sign_out(self, message: str = "") -> None:
        from casereview.tui.screens.sign_in import SignInScreen

        name = self.access.user if self.access else ""
        self.access = None
        bind(self.db, None)
        timer = getattr(self, "_account_timer", None)
        if timer is not None:
            timer.stop()
        while len(self.screen_stack) > 1:
            self.pop_screen()
        if isinstance(self.screen, SignInScreen):
            self.screen.reset(name, message)
        self.sub_title = str(self.db_path.name)

    def action_sign_out(self) -> None:
        if self.access is not None:
            self.sign_out("Signed out.")

    # --- what the role may use ------------------------------------------------------------

    def role_allows(self, target: object, action: str) -> bool:
        from casereview.tui.permissions import needed_for

        needed = needed_for(target, action)
        return needed is None or self.may(needed)

    def _check_action_state(self, action, default_namespace):
        """Keys the signed-in role may not use are not shown (tui/permissions.py)."""
        target, name, _ = self._parse_action(action, default_namespace)
        if not self.role_allows(target, name):
            return False
        return super()._check_action_state(action, default_namespace)

    async def run_action(self, action, default_namespace=None, namespaces=None) -> bool:
        """...and refused if pressed all the same."""
        target, name, _ = self._parse_action(
            action, self if default_namespace is None else default_namespace, namespaces)
        if not self.role_allows(target, name):
            from casereview.tui.permissions import needed_for

            self.notify(f"{self.access.user} ({self.access.role.value}) may not "
                        f"{needed_for(target, name).value}.", title="Not allowed",
                        severity="warning", timeout=10)
            return True
        return await super().run_action(action, default_namespace, namespaces)

    def _handle_exception(self, error: Exception) -> None:
        """A change the role, site grant or account does not allow reached the storage layer
        (a key the screen should not have offered): say so and carry on, keeping what was
        typed; a disabled account is signed out. Anything else is a crash as before."""
        if isinstance(error, AccessDenied) and self.access is not None:
            if isinstance(error, AccountDisabled):
                self.sign_out(str(error))
            else:
                self.notify(str(error), title="Not allowed", severity="error", timeout=8)
            return
        super()._handle_exception(error)

    def now(self) -> datetime:
        return self.clock().astimezone(LONDON)

    def context(self) -> Context:
        """What a record is validated against (loaded with the first form: the rules are
        not needed to paint the home screen)."""
        from casereview.storage.context import load_context

        return load_context(self.db, self.now())

    def on_ready(self) -> None:
        """The first screen is painted: what lives as long as the app is kept out of the
        garbage collector's sweeps, and the other screens and the record models are imported
        in a worker, so that opening one is quick too (the cold start does not wait for
        them)."""
        from casereview.tui.navigation import warm_up

        self.keep_long_lived()
        gc.enable()  # off while starting (cli._run_app)
        if not self.is_headless:
            self._sweep_in_pauses()

        def warmed() -> None:
            warm_up()
            self.call_from_thread(self.keep_long_lived)

        self.run_worker(warmed, thread=True, group="warm-up", exit_on_error=False)

    def _sweep_in_pauses(self) -> None:
        """A sweep of the garbage collector's oldest generation visits every object the app
        holds and took 20-70 ms; left to itself it came every 10-15 keys typed in a form, and
        those keys were that much later on screen. So the oldest generation is swept only when
        the person has stopped typing for a moment (or, typing without a pause, after
        FULL_SWEEP_EVERY younger sweeps, which bounds the garbage held): cyclic garbage waits
        a second or two for its sweep instead of a key waiting for it."""
        young, middle, _ = gc.get_threshold()
        gc.set_threshold(young, middle, self.FULL_SWEEP_EVERY)
        self.set_interval(self.SWEEP_POLL, self._sweep_if_paused, name="garbage sweeps")

    def _sweep_if_paused(self) -> None:
        if gc.get_count()[2] > 0 and self.seconds_since_key() >= self.PAUSE:
            gc.collect()

    def pop_screen(self):
        """Close the screen on top. A closed screen's widgets refer to each other, so only a
        sweep of the garbage collector frees them, and one that came due while the next
        screen opened took 50-250 ms of it: so the sweep is done as soon as the screen has
        gone, as part of going back."""
        closing = super().pop_screen()
        if not self.is_headless:
            asyncio.ensure_future(self._sweep_after(closing))
        return closing

    @staticmethod
    async def _sweep_after(closing) -> None:
        await closing
        del closing  # its result holds the closed screen
        gc.collect()

    def keep_long_lived(self) -> None:
        """Take what lives while the app runs (modules, the home screen, its scorecard) out of
        the garbage collector's sweeps (gc.freeze). A sweep of the oldest generation visits
        every object: with the scorecard's rows that took over 100 ms, and it fell in the
        middle of opening a screen or of typing. Called on the home screen alone, so that no
        screen that will be closed is kept (whatever is frozen and left in a cycle is never
        freed; everything else is freed as before, when nothing refers to it)."""
        if len(self.screen_stack) == 1 and not self.is_headless:
            # (Headless is a test or the bench in one process with many apps: it would keep
            # the garbage of the apps before.)
            gc.freeze()

    def get_default_screen(self) -> Screen:
        """The home screen is the app's base screen (nothing to go back to from it), made
        directly rather than pushed over an empty default screen: one screen less to build
        and style before the first paint."""
        from casereview.tui.screens.home import HomeScreen

        if self.needs_sign_in:
            from casereview.tui.screens.sign_in import SignInScreen

            return SignInScreen(self.sign_in_name)
        return HomeScreen()

    def on_mount(self) -> None:
        self.sub_title = (str(self.db_path.name) if self.needs_sign_in
                          else f"{self.db_path}  ·  {self.user}")

    def action_help(self) -> None:
        from casereview.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def open_destination(self, factory: Callable[[], Screen]) -> None:
        self.push_screen(factory())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from casereview.tui.navigation import destinations

        yield from super().get_system_commands(screen)
        for dest in destinations(self.access):
            yield SystemCommand(f"Open: {dest.title}", dest.description,
                                lambda f=dest.factory: self.open_destination(f))
        if self.access is not None:
            yield SystemCommand("Sign out", "End this session", self.action_sign_out)
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
            self._db.close()


def create_app(db_path: str | Path, user: str, *, clock: Clock = london_now,
               sign_in_name: str = "") -> CaseReviewApp:
    """The app factory used by the CLI and the tests alike. With accounts in the database the
    app opens on the sign-in screen (``sign_in_name`` typed in for the user)."""
    return CaseReviewApp(Path(db_path), user, clock, sign_in_name=sign_in_name)
