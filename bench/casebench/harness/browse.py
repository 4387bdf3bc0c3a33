"""Open every screen of the app on a database, as a person would, and report how long each
took to paint and the process's peak memory. Run in its own process by the benchmark:

    python -m casebench.harness.browse DB

Prints one JSON object: {"screens": {title: {"open_ms", "end_ms"?, "pages"?}},
"peak_rss_mb"}. A screen holding a keyset-paged list (PagedTable) is also paged: End (the
oldest page), PgUp three times from each page's first row (the page before), Home (the
newest page); "end_ms" is the jump to the oldest page. Every other screen is timed to painted with its workers finished.
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


async def _page_painted(table: PagedTable, pilot, previous) -> None:
    """Until the table shows a page other than ``previous`` and has been refreshed."""
    for _ in range(20_000):
        if table.page is not None and table.page is not previous and not table.fetching:
            break
        await asyncio.sleep(0.001)
    await pilot.pause()


async def browse(db_path: str) -> dict:
    app = create_app(db_path, "bench", clock=lambda: datetime.now(LONDON))
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
                await _page_painted(table, pilot, None)
                entry["open_ms"] = (time.perf_counter() - start) * 1000
                table.focus()
                await pilot.pause()
                for key in ("end", "pageup", "pageup", "pageup", "home"):
                    previous = table.page
                    if key == "pageup":  # from the page's first row PgUp turns the page
                        table.move_cursor(row=0)
                        await pilot.pause()
                    began = time.perf_counter()
                    await pilot.press(key)
                    await _page_painted(table, pilot, previous)
                    took = (time.perf_counter() - began) * 1000
                    entry.setdefault(f"{key}_ms", took)
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
