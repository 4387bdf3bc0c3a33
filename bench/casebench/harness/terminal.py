"""casereview as the `casereview` command runs it, with timing marks: the inside half of the
terminal figures (screens.py, keys.py drive it from outside through a real pseudo-terminal).

    python -m casebench.harness.terminal DB      (BENCH_EVENTS=FILE in the environment)

Writes one JSON object a line to $BENCH_EVENTS, each with ``t`` on the machine's monotonic
clock (time.perf_counter is CLOCK_MONOTONIC on Linux, shared by every process, so the driver
subtracts the moment it wrote a key to the terminal):

- ``ready``: the first frame is on the terminal (Textual's Ready);
- ``key``: a key event read from the terminal reaches the app (``n`` counts them from 0);
- ``shown``: the first frame written after key ``n`` was handled: delivered by the app (keys
  are taken in order, tui/key_order.py) and every handler it reached, bindings and actions
  included, finished; the frame therefore holds what the key did;
- ``screen``: a screen came to the top (``first``: its first frame) and ``data``: the first
  frame written once it holds its data: it is mounted, every keyset-paged list in it holds its
  first page, and no worker of the screen or its widgets is waiting or running (counts
  excepted, workers of a group named "...-count": a paged list's "of N" or the number of
  reviews using each agency follow the rows they count in their own worker);
- ``busy`` and ``quiet``: each change between a worker running or a key held, and neither
  (polled from a thread, so that the polling adds nothing to the app's own event loop).

A frame is a call of the app's ``_display`` that writes to the terminal; its time is taken when
Textual has handed the frame to its writer thread.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time


# Workers the first frame with data does not wait for: counts (a worker group named
# "...-count": a list's "of N", how many reviews use each code) follow the rows they count,
# and the app's warm-up is not the screen's.
def _not_waited_for(group: str) -> bool:
    return group.endswith("-count") or group == "warm-up"


class Events:
    def __init__(self, path: str) -> None:
        self.handle = open(path, "a", encoding="utf-8", buffering=1)
        self.lock = threading.Lock()

    def write(self, **fields) -> None:
        fields.setdefault("t", time.perf_counter())
        with self.lock:
            self.handle.write(json.dumps(fields) + "\n")


class _Key:
    __slots__ = ("n", "event", "active", "delivered")

    def __init__(self, n: int, event) -> None:
        self.n, self.event = n, event
        self.active = 0       # queued in a pump or being handled (dispatch or app on_event)
        self.delivered = False


def instrument(events: Events) -> None:
    """Patch the pinned Textual's App and MessagePump to report keys, frames and screens."""
    from textual.app import App
    from textual.message_pump import MessagePump
    from textual.worker import WorkerState

    from casereview.tui.app import CaseReviewApp
    from casereview.tui.widgets.paged_table import PagedTable

    keys: dict[int, _Key] = {}   # id(event) -> the key, while not yet shown
    pending: list[_Key] = []
    state = {"n": 0, "screen": None, "first": None, "data_done": True}

    def tracked(message) -> _Key | None:
        return keys.get(id(message))

    original_post = MessagePump.post_message  # Widget.post_message ends in this one

    def post_message(self, message) -> bool:
        key = tracked(message)
        posted = original_post(self, message)
        if key is not None and posted:
            key.active += 1
        return posted

    MessagePump.post_message = post_message

    original_dispatch = MessagePump._dispatch_message

    async def dispatch(self, message) -> None:
        key = tracked(message)
        if key is None and isinstance(self, App) and _is_key(message) \
                and not message.is_forwarded:
            key = _Key(state["n"], message)
            state["n"] += 1
            keys[id(message)] = key
            pending.append(key)
            events.write(ev="key", n=key.n, key=message.key)
            key.active += 1  # posted before we knew it
        try:
            await original_dispatch(self, message)
        finally:
            if key is not None:
                key.active -= 1

    MessagePump._dispatch_message = dispatch

    original_on_event = App.on_event

    async def on_event(self, event) -> None:  # the key's delivery (tui/key_order.py)
        key = tracked(event) if not getattr(event, "is_forwarded", True) else None
        if key is None:
            await original_on_event(self, event)
            return
        key.active += 1
        try:
            await original_on_event(self, event)
        finally:
            key.active -= 1
            key.delivered = True

    App.on_event = on_event

    def data_in(app, screen) -> bool:
        if not screen.is_mounted:
            return False
        for table in screen.query(PagedTable):
            if table.page is None and table.failed is None:
                return False
        for worker in app.workers:
            if _not_waited_for(worker.group) or worker.state not in (
                    WorkerState.PENDING, WorkerState.RUNNING):
                continue
            node = worker.node
            if node is screen or (hasattr(node, "ancestors") and screen in node.ancestors):
                return False
        return True

    original_display = App._display

    every_frame = bool(os.environ.get("BENCH_FRAMES"))  # for looking into a figure

    def display(self, screen, renderable) -> None:
        writes = renderable is not None and not self._batch_count
        began = time.perf_counter()
        original_display(self, screen, renderable)
        if not writes:
            return
        now = time.perf_counter()
        if every_frame:
            events.write(ev="frame", t=now, took=now - began, screen=type(self.screen).__name__)
        held = getattr(self, "_held_keys", ())
        while pending:
            key = pending[0]
            if key.active or not key.delivered or any(e is key.event for e in held):
                break
            pending.pop(0)
            del keys[id(key.event)]
            events.write(ev="shown", n=key.n, t=now)
        try:
            top = self.screen
        except Exception:
            return
        if top is not state["screen"]:
            state.update(screen=top, first=now, data_done=False,
                         keys=state["n"])
            self.set_timer(0.02, lambda: data_without_a_frame(self, top))
        if not state["data_done"] and data_in(self, top):
            state["data_done"] = True
            events.write(ev="screen", name=type(top).__name__, first=state["first"], t=now,
                         keys=state["keys"])

    def data_without_a_frame(app, screen) -> None:
        """A worker that ends without changing what is on screen draws no frame: the data
        is then in when it ends (checked every 20 ms until it is)."""
        if state["data_done"] or state["screen"] is not screen:
            return
        if data_in(app, screen):
            state["data_done"] = True
            events.write(ev="screen", name=type(screen).__name__, first=state["first"],
                         t=time.perf_counter(), keys=state["keys"])
        else:
            app.set_timer(0.02, lambda: data_without_a_frame(app, screen))

    App._display = display

    if every_frame:  # and every collection of the oldest generation, with its time
        import gc

        started: list[float] = []

        def collected(phase: str, info: dict) -> None:
            if info.get("generation") != 2:
                return
            if phase == "start":
                started[:] = [time.perf_counter()]
            elif started:
                now = time.perf_counter()
                events.write(ev="gc", t=now, took=now - started[0],
                             collected=info.get("collected"), frozen=gc.get_freeze_count())

        gc.callbacks.append(collected)

    own_ready = CaseReviewApp.__dict__.get("on_ready")

    def on_ready(self) -> None:
        if own_ready is not None:
            own_ready(self)
        events.write(ev="ready", screen=type(self.screen).__name__)
        threading.Thread(target=_poll_quiet, args=(self, events), daemon=True).start()

    CaseReviewApp.on_ready = on_ready


def _is_key(message) -> bool:
    from textual import events

    return isinstance(message, events.Key)


def _poll_quiet(app, events: Events) -> None:
    """Report each change between busy and quiet (no worker running, no key held)."""
    was = None
    while True:
        try:
            busy = any(w.is_running for w in list(app.workers)) or bool(
                getattr(app, "_held_keys", ()))
        except RuntimeError:  # changed while read: ask again
            busy = True
        if busy != was:
            was = busy
            events.write(ev="busy" if busy else "quiet")
        time.sleep(0.01)


def main() -> int:
    events = Events(os.environ["BENCH_EVENTS"])
    instrument(events)
    from casereview.cli import main as casereview

    return casereview(["--db", sys.argv[1], "--user", os.environ.get("BENCH_USER", "bench")])


if __name__ == "__main__":
    sys.exit(main())
