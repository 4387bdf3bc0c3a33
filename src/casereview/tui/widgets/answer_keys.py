"""A coded answer picked with one key: the options are shown on one line with their keys, the
chosen one highlighted. Typing an option's key chooses it and tells the form, which moves on to
the next question; Backspace or Delete clears the answer. Any other character is refused, and
the form says so beside the question (a key typed is never silently dropped)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget


@dataclass(frozen=True)
class Choice:
    key: str    # the single key that picks it (shown to the person)
    code: str   # the stored code
    label: str  # the words on screen


CLEAR_KEYS = ("backspace", "delete")


class AnswerKeys(Widget, can_focus=True):
    """``value`` is the chosen code, or "" for no answer."""

    DEFAULT_CSS = """
    AnswerKeys { height: 1; width: 1fr; padding: 0 1; }
    AnswerKeys:focus { background: $primary 40%; }
    """

    value: reactive[str] = reactive("")

    class _Typed(Message):
        """A key typed in the widget (``control``: the widget, for the form's handlers)."""

        def __init__(self, widget: AnswerKeys) -> None:
            super().__init__()
            self.widget = widget

        @property
        def control(self) -> AnswerKeys:
            return self.widget

    class Chosen(_Typed):
        """An answer was chosen (or cleared) by a key press."""

        def __init__(self, widget: AnswerKeys, value: str) -> None:
            super().__init__(widget)
            self.value = value

    class Refused(_Typed):
        """A character that is no option's key was typed: nothing was chosen."""

        def __init__(self, widget: AnswerKeys, character: str) -> None:
            super().__init__(widget)
            self.character = character

        def explain(self) -> str:
            options = "; ".join(f"{c.key} = {c.label}" for c in self.widget.choices)
            return f"{self.character!r} is not an answer here: {options}"

    def __init__(self, choices: list[Choice], *, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.choices = choices
        self._by_key = {c.key.lower(): c for c in choices}
        self._codes = {c.code for c in choices}

    def set_value(self, code: str | None) -> None:
        """Set from a stored code (or None / "" for no answer)."""
        code = (code or "").upper()
        self.value = code if code in self._codes else ""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        # Our option keys win over any screen binding on the same key while we have focus, and
        # so does any other character: it is refused here, said beside the question.
        return (key.lower() in self._by_key or key in CLEAR_KEYS
                or (character is not None and character.isprintable()))

    def on_key(self, event: events.Key) -> None:
        choice = self._by_key.get((event.character or event.key).lower())
        if choice is not None:
            event.stop()
            event.prevent_default()
            self.value = choice.code
            self.post_message(self.Chosen(self, self.value))
        elif event.key in CLEAR_KEYS:
            event.stop()
            event.prevent_default()
            self.value = ""
            self.post_message(self.Chosen(self, ""))
        elif event.character is not None and event.character.isprintable():
            event.stop()
            event.prevent_default()
            self.post_message(self.Refused(self, event.character))

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        for i, choice in enumerate(self.choices):
            if i:
                text.append("  ")
            chosen = choice.code == self.value
            text.append(f" {choice.key} ", style="bold reverse" if chosen else "bold")
            text.append(f" {choice.label}", style="bold" if chosen else "dim" if self.value
                        else "")
        if not self.value:
            text.append("   (no answer)", style="italic dim")
        return text

    def watch_value(self) -> None:
        self.refresh()

    def label_of(self, code: str | None) -> str:
        for choice in self.choices:
            if choice.code == code:
                return choice.label
        return ""
