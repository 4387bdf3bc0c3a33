"""Every screen reachable from the menu, opened by its key in a real terminal, timed from the
key to the first frame that shows the screen with its data (harness/terminal.py says when a
screen holds its data). Run by the benchmark:

    python -m casebench.harness.screens DB RUNS ["TITLE|TITLE..."]     (some screens only)

Prints one JSON object: {"screens": {title: {"screen", "open_ms": [...], "first_ms": [...]}}}
with one value a run. Each run is its own casereview process: it starts, paints the home
screen, falls quiet (the warm-up that imports the screens done, the scorecard computed), and
then opens each screen in turn from the home screen (a form from its list), waiting for the
app to fall quiet before each key, and goes back with Escape.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from casebench.harness.session import Session


@dataclass(frozen=True)
class Visit:
    title: str
    keys: tuple[str, ...]         # from the home screen; the last one is timed
    screens: tuple[str, ...]      # the screen each key brings up


def visits() -> list[Visit]:
    """The menu's screens (tui/navigation.py), then the forms and views reached from them."""
    from casereview.tui.navigation import destinations

    out = [Visit(dest.title, (dest.key,), (dest.factory.path.split(":")[1],))
           for dest in destinations()]
    out += [
        Visit("New case-note review (form)", ("r", "ctrl+n"),
              ("ReviewListScreen", "ReviewFormScreen")),
        Visit("A case-note review opened from the list", ("r", "enter"),
              ("ReviewListScreen", "ReviewFormScreen")),
        Visit("New Transfer of Care audit (form)", ("t", "ctrl+n"),
              ("TocListScreen", "TocFormScreen")),
        Visit("A Transfer of Care audit opened from the list", ("t", "enter"),
              ("TocListScreen", "TocFormScreen")),
        Visit("New action (form)", ("p", "ctrl+n"), ("ActionListScreen", "ActionFormScreen")),
        Visit("New programme target (form)", ("o", "ctrl+n"),
              ("TargetListScreen", "TargetFormScreen")),
        Visit("A move's night from the moves register", ("v", "enter"),
              ("MovesListScreen", "NightLogScreen")),
        Visit("A measure's chart (Enter on the dashboard)", ("enter",), ("ChartScreen",)),
        Visit("Help", ("f1",), ("HelpScreen",)),
    ]
    return out


def _back_home(session: Session, visit: Visit) -> None:
    """Escape back through the screens the visit opened, to the home screen."""
    for name in [*reversed(visit.screens[:-1]), "HomeScreen"]:
        session.wait_quiet()
        since = len(session.events)
        session.press("escape")
        session.wait_screen(name, since, timeout=30)
    session.wait_quiet()


def one_run(db: Path, chosen: list[Visit]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    with Session(db) as session:
        session.wait_for(lambda e: e["ev"] == "ready", 60)
        session.wait_quiet(hold=0.5)
        for visit in chosen:
            for key, name in zip(visit.keys[:-1], visit.screens[:-1], strict=False):
                since = len(session.events)
                session.press(key)
                session.wait_screen(name, since)
                session.wait_quiet()
            since = len(session.events)
            sent = session.press(visit.keys[-1])
            shown = session.wait_screen(visit.screens[-1], since)
            out[visit.title] = {"screen": visit.screens[-1],
                                "open_ms": (shown["t"] - sent) * 1000,
                                "first_ms": (shown["first"] - sent) * 1000}
            _back_home(session, visit)
    return out


def measure(db: Path, runs: int, only: set[str] | None = None) -> dict:
    chosen = [v for v in visits() if only is None or v.title in only]
    results: dict[str, dict] = {}
    for _ in range(runs):
        for title, entry in one_run(db, chosen).items():
            into = results.setdefault(title, {"screen": entry["screen"], "open_ms": [],
                                              "first_ms": []})
            into["open_ms"].append(entry["open_ms"])
            into["first_ms"].append(entry["first_ms"])
    return {"screens": results}


def main() -> int:
    only = set(sys.argv[3].split("|")) if len(sys.argv) > 3 else None
    print(json.dumps(measure(Path(sys.argv[1]), int(sys.argv[2]), only)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
