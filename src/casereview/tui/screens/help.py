"""Help: every screen and its keys."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from casereview.tui.navigation import destinations

GENERAL = """
## Everywhere

| key | does |
|---|---|
| F1 | this help |
| Ctrl+P | command palette: open any screen, run any action |
| Escape | back to the previous screen |
| Tab / Shift+Tab | next / previous field |
| Ctrl+Q | quit |

## Night log

Enter saves the move and clears the form for the next. F3 jumps to the night's moves: Enter
on one edits it, Delete removes it. Escape while editing stops editing without saving.
Times are typed HH:MM. A time from 22:00 belongs to the night's first evening; a time before
07:00 to the next morning. Wards and reasons take type-ahead: type part of the code or the
name (e.g. `eld1`, `cap`), and the match is shown beside the field.

## Patient experience

| key | does |
|---|---|
| 1-5, 0 | overall experience (FFT): very good ... very poor, 0 don't know |
| a / s / n | dignity: always, sometimes, no |
| d / s / n / x | involved in decisions: definitely, to some extent, no, not applicable |
| y / n / d | moved ward at night: yes, no, don't know |
| y / n / t / x | discharge information: yes, no, not yet, not applicable |
| Backspace | clear the answer of the question under the cursor |

Each answer key moves on to the next question; Enter saves the sample and starts the next
one for the same ward, date and collector. Themes take type-ahead, several at once with a
space between (`noise food`). In the samples list the week is typed as `2026-W47` or as any
date in it. In the grid, Enter on a cell lists that ward's samples for the week.
"""


def _key_name(key: str) -> str:
    return " / ".join(k.replace("ctrl+", "Ctrl+").replace("shift+", "Shift+").capitalize()
                      if len(k) > 1 else k for k in key.split(","))


def screen_keys() -> str:
    """A table of each screen's own keys, read from its bindings so it cannot go stale."""
    parts = []
    for dest in destinations():
        bindings = [b for b in getattr(dest.factory, "BINDINGS", [])
                    if isinstance(b, Binding) and b.description]
        if not bindings:
            continue
        rows = "\n".join(f"| {_key_name(b.key)} | {b.description} |" for b in bindings)
        parts.append(f"### {dest.title}\n\n| key | does |\n|---|---|\n{rows}\n")
    return "## Keys on each screen\n\n" + "\n".join(parts)


class HelpScreen(ModalScreen):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen VerticalScroll { width: 90; height: 90%; border: thick $primary; background: $surface; padding: 0 1; }
    """
    BINDINGS = [Binding("escape,f1,q", "app.pop_screen", "Close")]

    def compose(self) -> ComposeResult:
        screens = "\n".join(f"| `{d.key}` | {d.title} | {d.description} |" for d in destinations())
        text = ("# casereview help\n\n## Screens (keys on the home screen)\n\n"
                "| key | screen | what for |\n|---|---|---|\n" + screens + "\n" + GENERAL
                + "\n" + screen_keys())
        with VerticalScroll():
            yield Markdown(text)
