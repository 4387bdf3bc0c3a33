"""The sign-in screen: shown first whenever the database holds user accounts (SPEC 8), in a
terminal and in every browser session of `casereview serve`.

The password is checked in a thread worker (scrypt is slow on purpose), so the screen stays
responsive; a refusal says why and keeps the username typed.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Static
from textual.worker import get_current_worker

from casereview.tui.screens.form_base import _drained
from casereview.tui.widgets.footer import Footer


class SignInScreen(Screen):
    DEFAULT_CSS = """
    SignInScreen { align: center middle; }
    SignInScreen #sign-in { width: 64; height: auto; border: thick $primary; padding: 1 2;
                            background: $panel; }
    SignInScreen Input { margin-bottom: 1; }
    SignInScreen #sign-in-message { height: auto; min-height: 1; }
    """
    BINDINGS = [
        Binding("ctrl+q", "app.quit", "Quit"),
        # Priority, and in key order: Enter in the username moves the focus before the next
        # key is read, so a quick typist's password never lands in the username.
        Binding("enter", "enter", "Sign in", show=False, priority=True),
    ]

    def __init__(self, username: str = "", message: str = "") -> None:
        super().__init__()
        self.username, self.message = username, message
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Center():
            with Vertical(id="sign-in"):
                yield Static("[b]Sign in to casereview[/b]\nThis database is shared: every "
                             "change is recorded under your name.", classes="title")
                yield Label("Username")
                yield Input(value=self.username, id="username", max_length=200)
                yield Label("Password")
                yield Input(password=True, id="password", max_length=1024)
                yield Static(self.message, id="sign-in-message", classes="error")
                yield Label("[b]Enter[/b] sign in   [b]Tab[/b] next field   "
                            "[b]Ctrl+Q[/b] quit", classes="muted")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Sign in"
        self.query_one("#password" if self.username else "#username", Input).focus()

    async def action_enter(self) -> None:
        username, password = self.query_one("#username", Input), self.query_one("#password",
                                                                                 Input)
        await _drained([username, password])  # every key typed before Enter is in its field
        if self.focused is username:
            self.set_focus(password)
        else:
            self.submit()

    def submit(self) -> None:
        if self.busy:
            return
        username = self.query_one("#username", Input).value
        password = self.query_one("#password", Input).value
        if not username.strip():
            self.show("Type your username.")
            self.query_one("#username", Input).focus()
            return
        self.busy = True
        self.show("[i]Checking…[/i]", error=False)
        self.check(username, password)

    @work(thread=True, exclusive=True, group="sign-in", exit_on_error=False)
    def check(self, username: str, password: str) -> None:
        from casereview.storage.users import SignInRefused, sign_in

        worker = get_current_worker()
        db = self.app.worker_db()
        try:
            access = sign_in(db, username, password)
        except SignInRefused as exc:
            if not worker.is_cancelled:
                self.app.call_from_thread(self.refused, str(exc))
            return
        except Exception as exc:  # a damaged or read-only database: say so, stay here
            if not worker.is_cancelled:
                self.app.call_from_thread(self.refused, f"sign-in failed: {exc}")
            return
        finally:
            db.close()
        if not worker.is_cancelled:
            self.app.call_from_thread(self.app.signed_in, access)

    def reset(self, username: str, message: str) -> None:
        """Back to this screen after signing out (or being signed out)."""
        self.busy = False
        self.query_one("#username", Input).value = username
        self.query_one("#password", Input).value = ""
        self.show(message)
        self.query_one("#password" if username else "#username", Input).focus()

    def refused(self, message: str) -> None:
        self.busy = False
        self.show(message[:1].upper() + message[1:])
        password = self.query_one("#password", Input)
        password.value = ""
        password.focus()

    def show(self, text: str, error: bool = True) -> None:
        message = self.query_one("#sign-in-message", Static)
        message.set_class(error, "error")
        message.update(text)
