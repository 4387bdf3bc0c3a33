"""Keys are taken in order, one at a time, whatever the timing.

Textual hands each key to the widget that has the focus *when the key is read*, into that
widget's own queue. A key that moves the form on (a one-key answer, Enter that saves and starts
the next record, Tab) changes the focus only when it is handled, a moment later; keys typed in
that moment have already been handed to the old field. At a clerk's typing speed, and always
when a save waits on a busy database, answers went to the wrong field or were dropped.

So the app holds the keys back: each key is delivered (by Textual's own rules: priority
bindings, then the focused widget, then the bindings from it upwards) only once everything the
key before it set off has been handled: every message queue of the app and of the screen on
top is empty. A key typed while the app is idle is delivered at once.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import TYPE_CHECKING

from textual import events

if TYPE_CHECKING:
    from textual.app import App
    from textual.message_pump import MessagePump

# A key is never held for more than this many polls (POLL seconds each, at least), whatever is
# still running (an animation, a pump that never empties): late is better than lost.
POLL = 0.0005
LONGEST_HOLD_POLLS = 2000


class _Dispatching:
    """How many messages are being handled right now, across every message pump. A handler
    may await (and so let this module's task run) with its message already out of the queue;
    the queue alone would then look empty too soon."""

    count = 0
    installed = False

    @classmethod
    def install(cls) -> None:
        if cls.installed:
            return
        from textual.message_pump import MessagePump

        dispatch = MessagePump._dispatch_message

        async def counted(pump: MessagePump, message) -> None:
            cls.count += 1
            try:
                await dispatch(pump, message)
            finally:
                cls.count -= 1

        MessagePump._dispatch_message = counted  # type: ignore[method-assign]
        cls.installed = True


def _busy(pump: MessagePump) -> bool:
    """Messages or callbacks waiting in ``pump`` (Textual's own queue, its peeked message and
    its call_next callbacks: the pinned Textual's internals, checked by the tests)."""
    return (not pump._message_queue.empty() or pump._pending_message is not None
            or bool(pump._next_callbacks))


class KeysInOrder:
    """Mixin for the App: keys wait for the effects of the key before them."""

    _held_keys: deque[events.Key]
    _key_pump: asyncio.Task | None = None
    _last_key_at: float = float("-inf")  # time.monotonic() of the last key typed

    def seconds_since_key(self) -> float:
        """How long since the last key reached the app (a pause in the typing)."""
        return time.monotonic() - self._last_key_at

    def _quiet(self: App, handling: int = 0) -> bool:  # type: ignore[misc]
        """Nothing waiting or being handled (``handling``: messages in hand that are ours)."""
        if _Dispatching.count > handling or _busy(self):
            return False
        try:
            screen = self.screen
        except Exception:  # no screen yet (starting) or any more (closing)
            return False
        if not screen.is_mounted:
            return False
        return not any(_busy(node) for node in screen.walk_children(with_self=True))

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            self._last_key_at = time.monotonic()
            _Dispatching.install()
            if not hasattr(self, "_held_keys"):
                self._held_keys = deque()
            if not self._held_keys and self._quiet(handling=1):
                await super().on_event(event)  # type: ignore[misc]  # idle: as Textual does
                return
            self._held_keys.append(event)
            if self._key_pump is None or self._key_pump.done():
                self._key_pump = asyncio.create_task(self._deliver_keys())
            return
        await super().on_event(event)  # type: ignore[misc]

    async def _deliver_keys(self) -> None:
        while self._held_keys:
            # Quiet twice in a row, a turn of the event loop apart: what the key before set
            # off has started, and finished. Time the app spends working (a screen being
            # built, a save) does not count towards the longest hold, only time it waits.
            await asyncio.sleep(0)
            for _ in range(LONGEST_HOLD_POLLS):
                if self._quiet():
                    await asyncio.sleep(0)
                    if self._quiet():
                        break
                await asyncio.sleep(POLL)
            event = self._held_keys.popleft()
            if not self.is_running or not self._screen_stack:  # type: ignore[attr-defined]
                self._held_keys.clear()  # the app is closing (or never started): no one to type to
                return
            try:
                await super().on_event(event)  # type: ignore[misc]
            except Exception as error:  # as Textual would: the app reports it and ends
                self._handle_exception(error)  # type: ignore[attr-defined]
                return

    async def keys_delivered(self) -> None:
        """Wait until every key typed so far has been handed on (for tests and the bench)."""
        for _ in range(3):  # keys a driver has scheduled but not yet posted
            await asyncio.sleep(0)
        while True:
            if self._key_pump is not None and not self._key_pump.done():
                await asyncio.shield(self._key_pump)
            elif _busy(self) or _Dispatching.count:  # keys may still be on their way in
                await asyncio.sleep(POLL)
            else:
                return
