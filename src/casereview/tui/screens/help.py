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

## Case-note reviews

| key | does |
|---|---|
| n | (list) start a new review |
| Enter | (list) open the review under the cursor; (form) save, keeping its status |
| F2 | (list) filters: status, review dates, theme, second stage; (form) save as a draft |
| F3 | (list) back to the list; (form) complete: every missing field is named |
| F4 | (form) sign off a complete review: it becomes read-only |
| F5 | (form) amend a signed-off review: give the reason at the top, then Ctrl+S |
| Ctrl+S | (form) save, as Enter does (also from the learning text) |
| Ctrl+Down / Ctrl+Up | (form) next / previous section |
| Space | (form) tick an agency or a theme |
| Escape | (form) back to the list (asks first if there are unsaved changes); cancels an amendment |

A draft needs only the review date and the patient. Completing needs the admission date, at
least two agencies, a reviewer, both outcomes and the overall score. Outcomes take type-ahead
(`home`, `support`, `nurs`). Only complete and signed-off reviews count in the measures.
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
