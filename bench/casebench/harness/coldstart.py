"""Cold start to the first painted screen: run in a terminal by the benchmark.

    python -m casebench.harness.coldstart app DB     casereview on DB, as `casereview` runs
    python -m casebench.harness.coldstart minimal    a minimal Textual app, measured the same

Both stop at Textual's Ready event, which is sent once the DOM is ready and the first frame
has been displayed. The wall-clock time of that moment and the screen's name are written to
$BENCH_READY_FILE; the benchmark subtracts the time it started the process, so the figure
runs from spawn (interpreter start and every import included) to the first frame, and not
the exit after it.
"""

from __future__ import annotations

import os
import sys
import time


def _ready(self) -> None:
    stamp = time.time()
    target = os.environ.get("BENCH_READY_FILE")
    if target:
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(f"{stamp!r} {type(self.screen).__name__}")
    self.exit()


def main() -> int:
    mode = sys.argv[1]
    if mode == "app":
        import gc

        # As `casereview` does before it imports the app (cli._run_app); the harness imports
        # it sooner, to wrap its Ready handler.
        gc.disable()
        from casereview.tui.app import CaseReviewApp

        own = CaseReviewApp.__dict__.get("on_ready")

        def on_ready(self) -> None:
            if own is not None:
                own(self)  # whatever the app itself does on its first paint
            _ready(self)

        CaseReviewApp.on_ready = on_ready  # Textual dispatches handlers by name, per class
        from casereview.cli import main as casereview

        return casereview(["--db", sys.argv[2], "--user", "bench"])
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header, Static

    class Minimal(App):
        def compose(self) -> ComposeResult:
            yield Header()
            yield Static("Hello")
            yield Footer()

        on_ready = _ready

    Minimal().run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
