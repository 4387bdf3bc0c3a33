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

| key | does |
|---|---|
| Enter | save the move and clear the form for the next |
| PgUp / PgDn | previous / next night |
| F2 | close the night: record the audit return (a nil return if no moves) |
| F3 | jump to the list of the night's moves; Enter edits, Delete removes |
| Escape | (while editing) stop editing without saving |

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
| Enter | save the sample and start the next one for the same ward, date and collector |
| F3 | the ward's samples this week; Enter edits one, Delete removes it |
| F4 | another ward |

Each answer key moves on to the next question. Themes take type-ahead, several at once with
a space between (`noise food`). In the samples list F2 goes to the filters (ward, week as
`2026-W47` or a date, answer, theme), F5 / F6 step the week, F8 clears them. In the grid,
Enter on a cell lists that ward's samples for the week, `e` enters samples for the ward, F2
sets the weekly target and F4 shows one site at a time.
"""


class HelpScreen(ModalScreen):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen VerticalScroll { width: 90; height: 90%; border: thick $primary; background: $surface; padding: 0 1; }
    """
    BINDINGS = [Binding("escape,f1,q", "app.pop_screen", "Close")]

    def compose(self) -> ComposeResult:
        screens = "\n".join(f"| `{d.key}` | {d.title} | {d.description} |" for d in destinations())
        text = ("# casereview help\n\n## Screens (keys on the home screen)\n\n"
                "| key | screen | what for |\n|---|---|---|\n" + screens + "\n" + GENERAL)
        with VerticalScroll():
            yield Markdown(text)
