"""Progress on the terminal for the command line's long commands (imports, exports, the
summary, a long demo), drawn with rich (which Textual brings).

``terminal_progress(description)`` is a context manager giving ``update(done, total)`` (total
None while unknown: a spinner and a count instead of a bar), or None when standard error is
not a terminal: a script, a pipe or a nightly job gets nothing but the command's own lines.
The bar is drawn on standard error, never on standard output (which may be the export
itself), and is cleared when the command finishes; lines printed meanwhile appear above it.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import TextIO

Update = Callable[[int, "int | None"], None]


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed, or not a real file
        return False


@contextlib.contextmanager
def terminal_progress(description: str, *, unit: str | None = "rows",
                      stream: TextIO | None = None) -> Iterator[Update | None]:
    """``unit`` None: no count, only a spinner and the time so far (work that cannot say how
    far it has got, such as computing a summary)."""
    stream = stream if stream is not None else sys.stderr
    if not is_terminal(stream):
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(file=stream, stderr=stream is sys.__stderr__)
    if unit is None:
        columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    else:
        columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                   MofNCompleteColumn(), TextColumn(unit), TimeElapsedColumn(),
                   TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True,
                  redirect_stdout=False) as progress:
        task = progress.add_task(description, total=None)

        def update(done: int, total: int | None = None) -> None:
            progress.update(task, completed=done, total=total)

        yield update
