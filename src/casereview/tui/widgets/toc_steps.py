"""How a Transfer of Care step's status is shown: a word, a colour and a mark, the same in
the audit list and on the form, so the timeline reads at a glance."""

from __future__ import annotations

from datetime import date

from rich.text import Text

from casereview.domain.toc import Adherence, StepResult, StepStatus
from casereview.domain.values import format_uk_date

# status -> (mark, colour)
LOOK: dict[StepStatus | None, tuple[str, str]] = {
    StepStatus.ON_TIME: ("✔", "green"),
    StepStatus.LATE: ("⚠", "yellow"),
    StepStatus.MISSING: ("✘", "red"),
    StepStatus.NOT_REQUIRED: ("–", "dim"),
    None: ("·", "dim"),
}


def status_cell(value: str | None, dated: bool = False) -> Text:
    """A short coloured cell for the list: ✔ on time, ⚠ late, ✘ missing, – not required
    (as "not req", to fit five steps on a line); for a step the policy did not time, whether
    a date was recorded."""
    if value is None:
        return Text("dated", style="dim") if dated else Text("")
    status = StepStatus(value)
    mark, colour = LOOK[status]
    word = "not req" if status is StepStatus.NOT_REQUIRED else status.label
    return Text(f"{mark} {word}", style=colour)


def adherence_cell(value: str | None) -> Text:
    if value is None:
        return Text("")
    adherence = Adherence(value)
    colour = {"full": "green", "not_full": "red", "none_required": "dim"}[adherence.value]
    return Text(adherence.label, style=colour)


LEGEND = "  ".join(f"{LOOK[s][0]} {s.label}" for s in (
    StepStatus.ON_TIME, StepStatus.LATE, StepStatus.MISSING, StepStatus.NOT_REQUIRED))


def due_text(result: StepResult) -> str:
    if result.due_date is None:
        return f"[dim]due {result.rule.describe()}[/dim]"
    anchor = "adm" if result.rule.anchor == "admission_date" else "fit"
    return (f"due {result.due_date:%a} {format_uk_date(result.due_date)} "
            f"[dim]({anchor} +{result.rule.days})[/dim]")


def status_text(result: StepResult, audit_date: date | None) -> str:
    """The status with what it means: how late, or why it was not required."""
    if result.status is None:
        return "[dim]· waiting for the anchor date[/dim]"
    mark, colour = LOOK[result.status]
    text = f"{mark} {result.status.label}"
    if result.status is StepStatus.LATE and result.done and result.due_date:
        days = (result.done - result.due_date).days
        text += f" ({days} day{'s' if days != 1 else ''} after due)"
    elif result.status is StepStatus.NOT_REQUIRED:
        text += " (left by the due date)"
    elif result.status is StepStatus.MISSING and audit_date and result.due_date \
            and result.due_date > audit_date:
        # The SPEC counts it missing; say so plainly rather than hide it.
        text += " (not yet due at the audit date)"
    return f"[{colour}]{text}[/{colour}]"


def summary_text(results: list[StepResult]) -> str:
    required = [r for r in results if r.required]
    if not results or any(r.status is None for r in results) and not required:
        return "[dim]Type the admission and medically fit dates to see the timeline.[/dim]"
    on_time = sum(r.status is StepStatus.ON_TIME for r in required)
    if not required:
        return "[dim]No step required: discharged before any step fell due.[/dim]"
    colour = "green" if on_time == len(required) else "red"
    verdict = "every required step on time" if on_time == len(required) else "late or missing"
    return (f"[{colour}][b]{on_time} of {len(required)}[/b] required steps on time: "
            f"{verdict}[/{colour}]")
