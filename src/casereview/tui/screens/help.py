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

## Home: the dashboard

The period's scorecard: each measure's value, the previous period's, the 13-week mean, the last
13 weeks, the SPC signal (blue improvement, orange concern, grey common cause) and the target.

| key | does |
|---|---|
| Enter | the measure's SPC chart (Escape comes back) |
| [ / ] | previous / next period |
| F2 | all sites, then each site in turn |
| F3 | week, month or NHS quarter |
| F4 | set the measure's target (for the scope shown; blank clears it) |
| F5 | compute again |
| Tab | between the scorecard and the list of screens |

## SPC chart

| key | does |
|---|---|
| F2 | all sites, then each site in turn |
| F3 | the list of weeks and why each signals |
| Escape | back to the dashboard |

## Summary reports

Type a week (2026-W47), month (2026-11) or quarter (2026/27 Q3), tick the formats, and press
Enter or F5: the files are written to exports/ as summary-<period>.<format>.

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
