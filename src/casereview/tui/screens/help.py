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
Enter on a measure opens its SPC chart: the weekly series, its mean and limits, and the weeks
that signal special cause marked. Tab moves between the scorecard and the list of screens.
F4 sets the selected measure's target. Targets are weekly: for a month or a quarter a count's
target is the weekly one pro rata (x days / 7: 10 a week is 42.9 for a 30-day month); a
percentage, mean or median target is the same for any period.

## Summary reports

Type a week (2026-W47), month (2026-11) or quarter (2026/27 Q3), tick the formats, and press
Enter or F5: the files are written to exports/ as summary-<period>.<format>.

## Night log

Enter saves the move and clears the form for the next. F3 jumps to the night's moves: Enter
on one edits it, Delete removes it. Escape while editing stops editing without saving.
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

## Action plan and programme targets

| key | does |
|---|---|
| p | (home) the action plan: filters by status, rating, owner, agency, source and overdue |
| o | (home) programme targets: Ctrl+N sets one, Enter edits one |
| F9 | where a finding is: its actions; with none yet, raise the first |
| Ctrl+N | (list) raise an action (from the source the list is of) |
| Ctrl+O | (list, form) open the action's source |
| F6 | (form) close as done today: change the date if need be, then Ctrl+S |
| F7 | (form) add a progress note: date, author, text, and optionally the rating from that date |

F9 works on a review (its form), a Transfer of Care audit or an experience sample (its list
or its form), a ward (sites and wards) and a measure (the dashboard or its chart); an action
from a review starts with its learning. A rating is required while an action is open; done and
dropped need the closing date. Progress notes are only ever added. The home screen shows
each running programme target against what is expected by today, and the overdue actions.

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


def _screens() -> list[tuple[str, object]]:
    """Home and the chart (reached from home, not from the menu), then every destination."""
    from casereview.tui.screens.chart import ChartScreen
    from casereview.tui.screens.home import HomeScreen

    return ([("Home: the dashboard", HomeScreen), ("SPC chart", ChartScreen)]
            + [(d.title, d.factory) for d in destinations()])


def screen_keys() -> str:
    """A table of each screen's own keys, read from its bindings so it cannot go stale."""
    parts = []
    for title, factory in _screens():
        bindings = [b for b in getattr(factory, "BINDINGS", [])
                    if isinstance(b, Binding) and b.description]
        if not bindings:
            continue
        rows = "\n".join(f"| {b.key_display or _key_name(b.key)} | {b.description} |"
                         for b in bindings)
        parts.append(f"### {title}\n\n| key | does |\n|---|---|\n{rows}\n")
    return "## Keys on each screen\n\n" + "\n".join(parts)


class HelpScreen(ModalScreen):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen VerticalScroll {
        width: 90; height: 90%; border: thick $primary; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,f1,q", "app.pop_screen", "Close")]

    def compose(self) -> ComposeResult:
        screens = "\n".join(f"| `{d.key}` | {d.title} | {d.description} |" for d in destinations())
        with VerticalScroll():
            # What the window shows first; the rest follows once it is on screen (a Markdown
            # table is a widget per cell: the whole text took over a second to lay out).
            yield Markdown("# casereview help\n\n## Screens (keys on the home screen)\n\n"
                           "| key | screen | what for |\n|---|---|---|\n" + screens + "\n")

    def on_mount(self) -> None:
        self.call_after_refresh(self.show_the_rest)

    async def show_the_rest(self) -> None:
        """The other sections, one at a time, each after the frame before is drawn."""
        markdown = self.query_one(Markdown)
        for section in sections(GENERAL + "\n" + screen_keys()):
            if not self.is_attached:
                return
            await markdown.append(section)


def sections(text: str) -> list[str]:
    """``text`` cut before each second-level heading."""
    parts = text.split("\n## ")
    return [parts[0], *("\n## " + part for part in parts[1:])]
