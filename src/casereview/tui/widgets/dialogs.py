"""Small modal dialogs: confirm a step, or ask for one line of text."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from casereview.tui.widgets.text_input import Input


class Confirm(ModalScreen[bool]):
    """Enter or y confirms; Escape or n cancels."""

    DEFAULT_CSS = """
    Confirm { align: center middle; }
    Confirm > Vertical {
        width: 70; height: auto; border: thick $warning; background: $surface; padding: 1 2;
    }
    """
    BINDINGS = [
        Binding("enter,y", "answer(True)", "Yes"),
        Binding("escape,n", "answer(False)", "No"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question)
            yield Label("[b]Enter[/b] yes   [b]Escape[/b] no", classes="muted")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class AskText(ModalScreen[str | None]):
    """One line of text; Enter accepts (a blank answer is refused when required)."""

    DEFAULT_CSS = """
    AskText { align: center middle; }
    AskText > Vertical {
        width: 80; height: auto; border: thick $primary; background: $surface; padding: 1 2;
    }
    AskText #ask-error { color: $error; height: auto; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, *, value: str = "", label: str = "",
                 required: bool = True) -> None:
        super().__init__()
        self.question, self.value, self.label, self.required = question, value, label, required

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question)
            if self.label:
                yield Label(self.label)
            yield Input(value=self.value, id="ask-input")
            yield Static("", id="ask-error")
            yield Label("[b]Enter[/b] confirm   [b]Escape[/b] cancel", classes="muted")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if self.required and not text:
            self.query_one("#ask-error", Static).update(f"{self.label or 'This'} is required")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)

