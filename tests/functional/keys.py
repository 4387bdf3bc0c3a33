"""Typing as a fast typist (or a paste, or tmux send-keys) does: every key of a burst arrives
before the app has handled the first, with no pause between them."""

from __future__ import annotations

import unicodedata

from textual import events
from textual.app import App


def _key_event(key: str) -> events.Key:
    names = {" ": "space", ".": "full_stop", ":": "colon", "/": "slash", "-": "minus",
             "'": "apostrophe", ",": "comma", ";": "semicolon"}
    if len(key) == 1 and not key.isalnum():
        return events.Key(names[key], key)
    if len(key) == 1:
        return events.Key(key, key)
    char = {"space": " "}.get(key)
    if char is None:
        try:
            char = unicodedata.lookup(key.upper().replace("_", " "))
        except KeyError:
            char = None
    if key in ("enter", "tab", "escape", "backspace", "delete"):
        char = {"enter": "\r", "tab": "\t", "escape": "\x1b", "backspace": "\x7f",
                "delete": None}[key]
    return events.Key(key, char)


def keys_of(text: str) -> list[str]:
    """'2 s s y t Enter' -> ['2', 's', 's', 'y', 't', 'enter']: words are keys."""
    return [word.lower() if len(word) > 1 else word for word in text.split()]


def burst(app: App, keys: list[str]) -> None:
    """Put every key in the app's queue at once, as a terminal delivers a burst of input."""
    driver = app._driver
    assert driver is not None
    for key in keys:
        event = _key_event(key)
        event.set_sender(app)
        driver.send_message(event)


def typed(text: str) -> list[str]:
    """Characters of ``text`` as keys (a space is the space key)."""
    return list(text)


class BusyWriter:
    """Another writer holding the database's write lock (BEGIN IMMEDIATE) for ``seconds``,
    let go from a timer thread: every save in the meantime waits on the busy timeout."""

    def __init__(self, db_path, seconds: float) -> None:
        import sqlite3
        import threading

        self.conn = sqlite3.connect(str(db_path), check_same_thread=False,
                                    isolation_level=None)
        self.conn.execute("BEGIN IMMEDIATE")
        self.released = threading.Event()
        self.timer = threading.Timer(seconds, self.release)
        self.timer.start()

    def release(self) -> None:
        if not self.released.is_set():
            self.conn.execute("ROLLBACK")
            self.conn.close()
            self.released.set()
