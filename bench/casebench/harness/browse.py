"""Open every screen of the app on a database, as a person would, and report how long each
took to paint and the process's peak memory. Run in its own process by the benchmark:

    python -m casebench.harness.browse DB

Prints one JSON object: {"screens": {title: {"open_ms", "end_ms"?, ...}}, "peak_rss_mb"}.
A screen holding a keyset-paged list (PagedTable) is timed to the first frame that holds its
first page, then paged: End (the oldest page), PgUp up to three times from each page's first
row (the page before), Home (the newest page), each timed from the key to the frame holding
the new page; "end_ms" is the jump to the oldest page. Every other screen is timed to
painted with its workers finished.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from datetime import datetime

from casereview.domain.values import LONDON
from casereview.tui.app import create_app
from casereview.tui.navigation import destinations
from casereview.tui.widgets.paged_table import PagedTable

SIZE = (130, 40)


async def _settle(app, pilot) -> None:
    """Until no worker runs and the screen has been refreshed."""
    await pilot.pause()
    for _ in range(200):
        running = [w for w in app.workers if w.is_running]
        if not running:
            break
        await app.workers.wait_for_complete()
        await pilot.pause()
    await pilot.pause()


class Frames:
    """When the app produced each frame, and when each PagedTable last put a page in its
    table: a page is painted at the first frame made after it was put there. (Waiting for the
    app to fall idle instead would count the CPU of the count that follows in its own worker,
    which the person at the screen does not wait for.)"""

    def __init__(self, app) -> None:
        self.times: list[float] = []
        self.applied: dict[int, float] = {}
        display = app._display

        def timed(screen, renderable) -> None:
            if renderable is not None:
                self.times.append(time.perf_counter())
            display(screen, renderable)

        app._display = timed
        frames, apply = self, PagedTable._apply

        def applied(table, *args, **kwargs):
            apply(table, *args, **kwargs)
            frames.applied[id(table)] = time.perf_counter()

        PagedTable._apply = applied

    def after(self, moment: float) -> float | None:
        return next((t for t in self.times if t >= moment), None)


async def _page_painted(table: PagedTable, pilot, previous, frames: Frames) -> float | None:
    """Until the table shows a page other than ``previous`` and a frame holds it: the time of
    that frame (None if no new page came within 20 s)."""
    for _ in range(20_000):
        if table.page is not None and table.page is not previous and not table.fetching:
            break
        await asyncio.sleep(0.001)
    else:
        return None
    applied = frames.applied.get(id(table), 0.0)
    for _ in range(5_000):
        painted = frames.after(applied)
        if painted is not None:
            return painted
        await asyncio.sleep(0.001)
    return None


async def browse(db_path: str) -> dict:
    app = create_app(db_path, "bench", clock=lambda: datetime.now(LONDON))
    frames = Frames(app)
    out: dict = {"screens": {}}
    async with app.run_test(size=SIZE) as pilot:
        await _settle(app, pilot)
        out["home_peak_rss_mb"] = _peak_mb()
        for dest in destinations():
            start = time.perf_counter()
            app.push_screen(dest.factory())
            await pilot.pause()
            tables = list(app.screen.query(PagedTable))
            entry: dict = {}
            if tables:
                table = tables[0]
                painted = await _page_painted(table, pilot, None, frames)
                entry["open_ms"] = None if painted is None else (painted - start) * 1000
                await _settle(app, pilot)  # the count too, before the keys
                table.focus()
                await pilot.pause()
                for key in ("end", "pageup", "pageup", "pageup", "home"):
                    previous = table.page
                    if key == "pageup" and previous.at_start:
                        continue  # a short list: no page before this one
                    if key == "pageup":  # from the page's first row PgUp turns the page
                        table.move_cursor(row=0)
                        await pilot.pause()
                    began = time.perf_counter()
                    await pilot.press(key)
                    painted = await _page_painted(table, pilot, previous, frames)
                    took = None if painted is None else (painted - began) * 1000
                    entry.setdefault(f"{key}_ms", took)
                    await pilot.pause()
                entry["rows_per_page"] = table.page_size
                await _settle(app, pilot)  # the count worker too
                entry["total"] = table.total
            else:
                await _settle(app, pilot)
                entry["open_ms"] = (time.perf_counter() - start) * 1000
            entry["screen"] = type(app.screen).__name__
            entry["peak_rss_mb"] = _peak_mb()  # so far: which screen raised it
            out["screens"][dest.title] = entry
            app.pop_screen()
            await _settle(app, pilot)
    out["peak_rss_mb"] = _peak_mb()
    return out


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    print(json.dumps(asyncio.run(browse(sys.argv[1]))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
