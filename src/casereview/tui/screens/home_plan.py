"""The home screen's action-plan panel: each current programme target against what is
expected by today, and the overdue actions, longest overdue first."""

from __future__ import annotations

from datetime import date

from rich.markup import escape

from casereview.domain.values import format_uk_date
from casereview.metrics.programme_targets import targets_with_progress
from casereview.storage.actions import count_overdue, overdue_actions

SHOWN_OVERDUE = 3
# One line each on the panel: the due date, the title and the owner cut to fit.
TITLE_WIDTH, OWNER_WIDTH = 29, 12


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def plan_text(db, today: date) -> str:
    lines = ["[b]Programme targets[/b]"]
    current = targets_with_progress(db, today, current_only=True)
    for stored in current:
        scope = stored.target.scope
        # The site or ward code: a line each, on a panel beside the menu.
        where = None if scope == "all" else scope.partition(":")[2]
        text = escape(stored.progress.describe(where, short=True))
        lines.append(f"  [red]{text}[/red]" if stored.progress.behind else f"  {text}")
    if not current:
        lines.append("  [dim]none running: o sets one[/dim]")
    overdue = count_overdue(db, today)
    lines.append(f"[b]Overdue actions: {overdue}[/b] (p: the action plan)" if overdue
                 else "[b]No action is overdue.[/b]")
    for row in overdue_actions(db, today, SHOWN_OVERDUE):
        due = format_uk_date(date.fromisoformat(row["due_date"]))
        title, owner = _cut(row["title"], TITLE_WIDTH), _cut(row["owner"], OWNER_WIDTH)
        lines.append(f"  [red]{due}[/red] {escape(title)} [dim]{escape(owner)}[/dim]")
    return "\n".join(lines)
