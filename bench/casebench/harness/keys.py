"""Keys typed into each entry form at a clerk's pace, in a real terminal, each timed from the
moment it is written to the terminal to the first frame written after the app has handled it
(harness/terminal.py). Run by the benchmark:

    python -m casebench.harness.keys DB RUNS ["FORM|FORM..."]     (some forms only)

Prints one JSON object: {"forms": {title: {"ms": [one per key typed in the form], "keys":
[their names], "saved": records the run added}}}. The keys that open a form are not counted;
each form's keys are what a person types there: whole moves, samples, reviews, audits and
actions, each saved as the form saves it (Enter, F2, Ctrl+S). Keys go out at a typist's pace,
80-160 ms apart (a seeded random gap), whether or not the app has shown the one before.
"""

from __future__ import annotations

import json
import random
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from casebench.harness.session import Session, keys_of

GAP = (0.08, 0.16)  # seconds between keys: 6-12 keys a second, a clerk typing


@dataclass(frozen=True)
class Form:
    title: str
    open: tuple[str, ...]       # keys from the home screen
    screens: tuple[str, ...]    # the screen each opening key brings up
    text: str                   # what is typed there (session.keys_of)
    table: str                  # where its records go (counted before and after)


def _night(moves: int) -> str:
    """Whole moves in the night log: time, from, to, reason, (move no.), age; Enter saves."""
    out = []
    for i in range(moves):
        minute = 5 + 7 * i
        time_text = f"{22 + minute // 60}:{minute % 60:02d}" if minute < 120 else \
            f"00:{minute - 120:02d}"
        out.append(f"{time_text}<tab>s1-w{1 + i % 9:02d}<tab>s1-w{11 + i % 9:02d}<tab>"
                   f"{'cap' if i % 2 else 'esc'}<tab><tab>{70 + i}<enter>")
    return "".join(out)


def _samples(count: int) -> str:
    """The experience form: ward and collector, then samples of one key per answer."""
    answers = ["1adny", "5nnyn", "2ssyt", "3adnn", "4ssyy", "1aany"]
    out = ["s1-w01<tab>R. Khan<tab>"]
    for i in range(count):
        out.append(answers[i % len(answers)] + "<enter>")
    return "".join(out)


def _review() -> str:
    """A whole case-note review by Tab, typing and Space; F2 saves the draft."""
    fields = ["999 000 0018", "84", "y", "01/09/2026", "10/09/2026", "24/09/2026"]
    text = "".join(f"{f}<tab>" for f in fields)
    text += "<space><down><down><space><tab>A Shah; B Jones<tab>"
    text += "".join(f"{f}<tab>" for f in ["support", "resid", "no", "3", "4", "3", "2", "",
                                          "3", "9", "2"])
    text += "<space><tab>Waited nine days for a social care assessment.<f2>"
    return text


def _audits(count: int) -> str:
    """Transfer of Care audits: site and ward once, then patient, dates, outcome, letter 1;
    Enter saves and the form is ready for the next patient."""
    numbers = ["9990000018", "9990000026", "9990000034", "9990000042"]
    text = "<tab><tab>s1<tab>s1-w01<tab>"
    for i in range(count):
        text += (f"{numbers[i % len(numbers)]}<tab>01/10/2026<tab>10/10/2026<tab><tab>pref"
                 f"<tab><tab>0{2 + i % 3}/10/2026<enter>")
    return text


def _action() -> str:
    return ("Choice letter 2 within 2 days<tab>Ward clerks send letter 2 from the template "
            "the day the first is due.<tab>A Shah<tab>acute<tab><tab>31/01/2027<ctrl+s>")


def forms() -> list[Form]:
    return [
        Form("Night log", ("n",), ("NightLogScreen",), _night(6), "move"),
        Form("Experience entry", ("e",), ("ExperienceEntryScreen",), _samples(24),
             "experience"),
        Form("Case-note review form", ("r", "ctrl+n"), ("ReviewListScreen", "ReviewFormScreen"),
             _review(), "review"),
        Form("Transfer of Care form", ("t", "ctrl+n"), ("TocListScreen", "TocFormScreen"),
             _audits(3), "toc"),
        Form("Action form", ("p", "ctrl+n"), ("ActionListScreen", "ActionFormScreen"),
             _action(), "action"),
    ]


def _count(db: Path, table: str) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    except sqlite3.Error:
        return 0
    finally:
        conn.close()


def type_form(session: Session, form: Form, rng: random.Random) -> tuple[list[float], list[str]]:
    for key, name in zip(form.open, form.screens, strict=True):
        session.wait_quiet()
        since = len(session.events)
        session.press(key)
        session.wait_screen(name, since)
    session.wait_quiet()
    first = len(session.sent)
    keys = keys_of(form.text)
    due = time.perf_counter()
    for key in keys:
        due += rng.uniform(*GAP)
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        session.press(key)
    session.wait_quiet(hold=0.5)
    last = len(session.sent) - 1
    session.wait_for(lambda e: e["ev"] == "shown" and e["n"] == last, 30)
    shown = {e["n"]: e["t"] for e in session.events if e["ev"] == "shown"}
    arrived = [e["key"] for e in session.events if e["ev"] == "key"]
    if len(arrived) != len(session.sent):
        raise RuntimeError(f"{len(session.sent)} keys sent, {len(arrived)} reached the app")
    times = [(shown[n] - session.sent[n][1]) * 1000 for n in range(first, last + 1)]
    for name in [*reversed(form.screens[:-1]), "HomeScreen"]:
        session.wait_quiet()
        since = len(session.events)
        session.press("escape")
        session.wait_screen(name, since, timeout=30)
    return times, keys


def measure(db: Path, runs: int, seed: int = 2026, only: set[str] | None = None) -> dict:
    rng = random.Random(seed)
    out: dict[str, dict] = {}
    for _ in range(runs):
        with Session(db) as session:
            session.wait_for(lambda e: e["ev"] == "ready", 60)
            session.wait_quiet(hold=0.5)
            for form in forms():
                if only is not None and form.title not in only:
                    continue
                before = _count(db, form.table)
                times, keys = type_form(session, form, rng)
                entry = out.setdefault(form.title, {"ms": [], "keys": [], "saved": 0})
                entry["ms"] += times
                entry["keys"] += keys
                entry["saved"] += _count(db, form.table) - before
    return {"forms": out}


def main() -> int:
    only = set(sys.argv[3].split("|")) if len(sys.argv) > 3 else None
    print(json.dumps(measure(Path(sys.argv[1]), int(sys.argv[2]), only=only)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
