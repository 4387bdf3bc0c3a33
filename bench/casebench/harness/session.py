"""The outside half of the terminal figures: casereview (harness/terminal.py) in a real
pseudo-terminal, keys written to it as a terminal sends them, and the app's timing marks read
back. Times are the machine's monotonic clock, shared with the app's process."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import tempfile
import termios
import threading
import time
from pathlib import Path

from casebench.measure import child_env, python

# What a terminal sends for each key (xterm).
BYTES = {
    "tab": "\t", "enter": "\r", "escape": "\x1b", "space": " ", "backspace": "\x7f",
    "shift+tab": "\x1b[Z", "up": "\x1b[A", "down": "\x1b[B", "right": "\x1b[C",
    "left": "\x1b[D", "home": "\x1b[H", "end": "\x1b[F", "pageup": "\x1b[5~",
    "pagedown": "\x1b[6~", "delete": "\x1b[3~", "f1": "\x1bOP", "f2": "\x1bOQ",
    "f3": "\x1bOR", "f4": "\x1bOS", "f5": "\x1b[15~",
}


def key_bytes(key: str) -> bytes:
    if key in BYTES:
        return BYTES[key].encode()
    if key.startswith("ctrl+") and len(key) == 6:
        return bytes([ord(key[-1].lower()) - ord("a") + 1])
    if len(key) == 1:
        return key.encode()
    raise ValueError(f"no terminal bytes for key {key!r}")


def keys_of(text: str) -> list[str]:
    """'23:15 <tab> a1 <enter>' -> ['2', '3', ':', '1', '5', 'tab', 'a', '1', 'enter']:
    <name> is a named key, anything else is typed character by character."""
    out: list[str] = []
    rest = text
    while rest:
        if rest.startswith("<") and ">" in rest:
            name, rest = rest[1:].split(">", 1)
            out.append(name)
        else:
            out.append(rest[0])
            rest = rest[1:]
    return out


class Session:
    """casereview on ``db`` in a terminal of ``size``; ``events`` are its marks so far."""

    def __init__(self, db: Path, size: tuple[int, int] = (130, 40), **env: str) -> None:
        self.dir = tempfile.TemporaryDirectory()
        self.events_path = Path(self.dir.name) / "events"
        self.events_path.touch()
        self.events: list[dict] = []
        self._read = 0
        self.sent: list[tuple[str, float]] = []  # (key, when written)
        self.output = bytearray()
        master, slave = pty.openpty()
        columns, lines = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        env = child_env(BENCH_EVENTS=str(self.events_path), COLUMNS=str(columns),
                        LINES=str(lines), **env)
        self.proc = subprocess.Popen(
            [python(), "-m", "casebench.harness.terminal", str(db)], stdin=slave,
            stdout=slave, stderr=slave, env=env, close_fds=True, start_new_session=True)
        os.close(slave)
        self.master = master
        self._drain = threading.Thread(target=self._drain_output, daemon=True)
        self._drain.start()

    def _drain_output(self) -> None:
        """Read what the app draws (it must never block on a full terminal)."""
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output += chunk
            del self.output[:-65536]

    # --- the app's marks -------------------------------------------------------------------

    def poll(self) -> list[dict]:
        with open(self.events_path, encoding="utf-8") as handle:
            handle.seek(self._read)
            text = handle.read()
        complete = text[:text.rfind("\n") + 1]
        self._read += len(complete.encode())
        new = [json.loads(line) for line in complete.splitlines() if line]
        self.events += new
        return new

    def wait_for(self, test, timeout: float = 60.0, since: int = 0) -> dict:
        """The first mark from index ``since`` on for which ``test`` holds."""
        deadline = time.perf_counter() + timeout
        index = since
        while True:
            self.poll()
            while index < len(self.events):
                if test(self.events[index]):
                    return self.events[index]
                index += 1
            if self.proc.poll() is not None:
                raise RuntimeError(f"casereview ended ({self.proc.returncode}): "
                                   f"{self.output[-2000:].decode(errors='replace')}")
            if time.perf_counter() > deadline:
                raise TimeoutError(f"no such mark within {timeout:.0f} s; the last: "
                                   f"{self.events[-5:]}")
            time.sleep(0.002)

    def wait_screen(self, name: str, since: int, timeout: float = 60.0) -> dict:
        return self.wait_for(lambda e: e["ev"] == "screen" and e["name"] == name, timeout,
                             since)

    def wait_quiet(self, hold: float = 0.25, timeout: float = 120.0) -> None:
        """Until no worker has run, no key been held and no key or screen been shown for
        ``hold`` seconds. (A screen's workers start after its first frame: the quiet before
        that frame is not the screen's, so a screen coming up counts as activity too.)"""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            self.poll()
            marks = [e for e in self.events if e["ev"] in ("busy", "quiet")]
            shown = [e["t"] for e in self.events if e["ev"] in ("key", "shown", "screen")]
            now = time.perf_counter()
            if marks and marks[-1]["ev"] == "quiet" and now - marks[-1]["t"] >= hold \
                    and (not shown or now - shown[-1] >= hold):
                return
            time.sleep(0.01)
        raise TimeoutError("the app did not fall quiet")

    # --- keys ------------------------------------------------------------------------------

    def press(self, key: str) -> float:
        data = key_bytes(key)
        when = time.perf_counter()
        os.write(self.master, data)
        self.sent.append((key, when))
        return when

    def close(self) -> None:
        try:
            os.write(self.master, key_bytes("ctrl+q"))
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        finally:
            try:
                os.close(self.master)
            except OSError:
                pass
            self.dir.cleanup()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
