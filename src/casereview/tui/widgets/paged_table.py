"""A DataTable that shows one page of a keyset-paged list at a time.

Textual's DataTable takes seconds to paint a hundred thousand rows, so a list over the whole
history never loads it: the table holds one page (a hundred rows), read from SQLite by keyset
(storage/paging.py): the first page at once, so that the screen's first frame shows it (an
index search of a few milliseconds), every other page in a worker thread. PgDn/PgUp move a
screenful and, from a page's last or first row, turn to the next or the previous page, as
the cursor keys and the mouse wheel do at a page's ends; Home and End jump to the newest and
the oldest page. The count of records, a scan of an index, is taken in its own worker once
the page is drawn, so the first page never waits for it.

A read that fails (a locked, damaged or vanished database) never ends the app: the table shows
what went wrong in place of the rows, says so in a notification, and ``r`` reads it again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.widgets import DataTable

from casereview.storage.paging import Key, Keyset, Page

if TYPE_CHECKING:  # annotations only: storage.db.Database stands in for it
    from casereview.storage.db import Database

GAP = "  "  # between the columns of a one-line row
Cells = Callable[[dict], Sequence[object]]


@dataclass(frozen=True)
class _Request:
    how: str              # first, last, after, before
    key: Key | None
    cursor: str           # where the cursor goes: top or bottom
    position: int | None  # where the page's first row is in the list, when known


class PagedTable(DataTable):
    """Pages of ``keyset`` through ``cells`` (a row -> the table's cells)."""

    BINDINGS = [
        Binding("pagedown", "next_page", "Page down"),
        Binding("pageup", "previous_page", "Page up"),
        Binding("home", "first_page", "Newest"),
        Binding("end", "last_page", "Oldest"),
        Binding("r", "retry", "Retry"),
    ]

    class PageShown(Message):
        """A page is on screen: rows position+1 to position+len(page.rows) of total (either
        may be None while unknown)."""

        def __init__(self, table: PagedTable, page: Page, position: int | None,
                     total: int | None) -> None:
            super().__init__()
            self.table = table
            self.page = page
            self.position = position
            self.total = total

        @property
        def control(self) -> PagedTable:
            """The table, so that ``@on(PagedTable.PageShown, "#id")`` can pick one."""
            return self.table

    def __init__(self, open_db: Callable[[], Database], cells: Cells, *,
                 page_size: int = 100, **kwargs) -> None:
        kwargs.setdefault("cursor_type", "row")
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(**kwargs)
        self.open_db = open_db
        self.cells = cells
        self.widths: list[int] = []  # set_columns: each row drawn as one line
        self.page_size = page_size
        self.keyset: Keyset | None = None
        self.page: Page | None = None
        self.position: int | None = None
        self.total: int | None = None
        self.fetching = False
        self._just_shown = False
        self._generation = 0  # bumped by show(): results of an older list are dropped
        # The count (a scan of an index: half a second for a million moves) starts once the
        # page is drawn, so that on a busy machine it never delays the page itself.
        self._count_after_page = False
        self._request_no = 0  # bumped by every fetch: only the latest is shown
        # What failed and can be tried again with r: a page request, or "count".
        self.failed: _Request | str | None = None

    def set_columns(self, columns: Sequence[tuple[str, int]]) -> None:
        """Fixed-width columns, drawn as ONE cell per row: the cells are laid out in their
        widths (two spaces apart, longer ones cut with an ellipsis) into a single line, and
        the headings into the one column's label. Textual draws each cell of a table through
        Rich on its own, and with a dozen columns that was most of the time it took to paint
        a page; one cell a row looks the same and draws in a fraction of the time."""
        self.widths = [width for _, width in columns]
        header = Text(GAP.join(label[:width].ljust(width) for label, width in columns))
        self.add_column(header, width=len(header), key="row")

    def _line(self, cells: Sequence) -> tuple[Text]:
        line = Text(no_wrap=True, end="")
        for i, (cell, width) in enumerate(zip(cells, self.widths, strict=False)):
            text = cell.copy() if isinstance(cell, Text) else Text(str(cell))
            text.truncate(width, overflow="ellipsis", pad=True)
            if i:
                line.append(GAP)
            line.append_text(text)
        return (line,)

    def _update_dimensions(self, new_rows) -> None:
        """Size the table without measuring every cell of the new page.

        Textual's DataTable measures each cell of each new row (some 1,300 a page here) to
        widen auto-width columns and to find row labels; with every column given a width,
        one-line rows and no labels, that measuring changes nothing and was about 40 % of
        painting a page. Any other table is sized by Textual as usual."""
        if any(column.auto_width for column in self.columns.values()) or \
                any(row.label is not None or row.auto_height for row in self.rows.values()):
            super()._update_dimensions(new_rows)
            return
        width = sum(column.get_render_width(self) for column in self.columns.values())
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(width + self._row_label_column_width,
                                 self._total_row_height + header)

    # --- what is listed -------------------------------------------------------------------

    def show(self, keyset: Keyset) -> None:
        """List ``keyset`` from its first page (and count it)."""
        self.keyset = keyset
        self._generation += 1
        self.page, self.position, self.total = None, None, None
        self.clear()  # no row of the list before may be opened or deleted from this one
        self._count_after_page = True
        # The first page is read here and now (an index search of a few milliseconds), so
        # that the screen's first frame holds it; turning pages reads in a worker.
        request = _Request("first", None, "top", 0)
        self.fetching = True
        self._request_no += 1
        # What was just read is what the screen's reload on its first showing (before the
        # first frame) would read again.
        self._just_shown = True
        self.call_after_refresh(self._shown_once)
        try:
            page = self._read_page(keyset, request)
        except Exception as exc:  # shown with a retry, as a worker's failed read is
            self._read_failed(exc, request, self._request_no, self._generation)
            return
        self._apply(page, request, self._request_no, self._generation)

    def _recount(self) -> None:
        keyset, generation = self.keyset, self._generation
        self.run_worker(lambda: self._count(keyset, generation), thread=True,
                        exclusive=True, group="paged-table-count", exit_on_error=False)

    def row_data(self) -> dict | None:
        """The stored row under the cursor."""
        if self.page is None or not self.page.rows or self.cursor_row < 0:
            return None
        return self.page.rows[min(self.cursor_row, len(self.page.rows) - 1)]

    def reload(self) -> None:
        """Fetch the page on screen again (after a change), keeping its place and the
        cursor's row, and count the list again."""
        if self._just_shown:
            self._just_shown = False
            return
        if isinstance(self.failed, _Request):
            self.action_retry()
            return
        if self.keyset is None or self.page is None:
            return  # nothing shown yet: the first page is on its way
        if not self.page.rows or self.page.at_start:
            self._fetch(_Request("first", None, "keep", 0))
        else:
            self._fetch(_Request("after", self._key_before_page(), "keep", self.position))
        self._count_after_page = True

    # --- keys -----------------------------------------------------------------------------

    def action_next_page(self) -> None:
        """PgDn: a screenful down the page; from the page's last row, the next page (a page
        holds more rows than a screen shows, and none of them is skipped)."""
        if self.page is not None and self.cursor_row < self.row_count - 1:
            self.action_page_down()
        else:
            self.turn_forward()

    def action_previous_page(self) -> None:
        """PgUp: a screenful up the page; from its first row, the previous page."""
        if self.page is not None and self.cursor_row > 0:
            self.action_page_up()
        else:
            self.turn_back()

    def turn_forward(self) -> None:
        """The next (older) page, the cursor on its first row."""
        if self.page is not None and not self.page.at_end and not self.fetching:
            self._fetch(_Request("after", self.page.last_key(), "top", self._shift(+1)))

    def turn_back(self) -> None:
        """The previous (newer) page, the cursor on its last row."""
        if self.page is not None and not self.page.at_start and not self.fetching:
            self._fetch(_Request("before", self.page.first_key(), "bottom", None))

    def action_first_page(self) -> None:
        if self.keyset is not None:
            self._fetch(_Request("first", None, "top", 0))

    def action_last_page(self) -> None:
        if self.keyset is not None:
            self._fetch(_Request("last", None, "bottom", None))

    def action_cursor_down(self) -> None:
        if self.page is not None and self.cursor_row >= self.row_count - 1:
            self.turn_forward()
        else:
            super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if self.page is not None and self.cursor_row <= 0:
            self.turn_back()
        else:
            super().action_cursor_up()

    # --- the mouse wheel: past either end of a page, the next or the previous page ---------

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        if not (event.ctrl or event.shift) and self.scroll_y >= self.max_scroll_y \
                and self.page is not None and not self.page.at_end:
            event.prevent_default()  # nothing left to scroll on this page
            event.stop()
            self.turn_forward()

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        if not (event.ctrl or event.shift) and self.scroll_y <= 0 \
                and self.page is not None and not self.page.at_start:
            event.prevent_default()
            event.stop()
            self.turn_back()

    # --- fetching (worker thread) and showing (main thread) -------------------------------

    def _shift(self, pages: int) -> int | None:
        if self.position is None or self.page is None:
            return None
        return self.position + pages * len(self.page.rows)

    def _key_before_page(self) -> Key | None:
        """A key just before the page's first row, so that 'after' it refetches the page."""
        key = self.page.first_key() if self.page else None
        return None if key is None else (key[0], key[1] + 1)

    def _fetch(self, request: _Request) -> None:
        assert self.keyset is not None
        self._just_shown = False
        self.fetching = True
        self._request_no += 1
        number, generation, keyset = self._request_no, self._generation, self.keyset
        self.run_worker(lambda: self._read(keyset, request, number, generation), thread=True,
                        exclusive=True, group="paged-table-page", exit_on_error=False)

    def _shown_once(self) -> None:
        self._just_shown = False

    def _read_page(self, keyset: Keyset, request: _Request) -> Page:
        db = self.open_db()
        try:
            if request.how in ("first", "last"):
                return getattr(keyset, request.how)(db, self.page_size)
            return getattr(keyset, request.how)(db, request.key, self.page_size)
        finally:
            db.close()

    def _read(self, keyset: Keyset, request: _Request, number: int, generation: int) -> None:
        try:
            page = self._read_page(keyset, request)
        except Exception as exc:  # shown with a retry: a failed read must not end the app
            self.app.call_from_thread(self._read_failed, exc, request, number, generation)
            return
        self.app.call_from_thread(self._apply, page, request, number, generation)

    def _count(self, keyset: Keyset, generation: int) -> None:
        try:
            db = self.open_db()
            try:
                total = keyset.count(db)
            finally:
                db.close()
        except Exception as exc:  # the page stays; only its "of N" waits for a retry
            self.app.call_from_thread(self._count_failed, exc, generation)
            return
        self.app.call_from_thread(self._counted, total, generation)

    # --- a failed read: say so, keep the app, retry with r ----------------------------------

    def _read_failed(self, exc: Exception, request: _Request, number: int,
                     generation: int) -> None:
        if generation != self._generation or number != self._request_no:
            return
        self.fetching = False
        self.failed = request
        why = f"Could not read the list: {exc}. Press r to try again."
        with self.app.batch_update():
            self.clear()
            if self.columns:
                blanks = [""] * (len(self.columns) - 1)
                self.add_row(Text(why, style="bold red", no_wrap=False), *blanks,
                             key="read-failed")
        self.page = None
        self.app.notify(why, title="List not read", severity="error", timeout=10)
        self.refresh_bindings()

    def _count_failed(self, exc: Exception, generation: int) -> None:
        if generation != self._generation:
            return
        self.failed = "count"
        self.app.notify(f"Could not count the list: {exc}. Press r on the list to try again.",
                        title="List not counted", severity="warning", timeout=10)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry":  # r is a key only while there is something to try again
            return self.failed is not None
        return super().check_action(action, parameters)

    def action_select_cursor(self) -> None:
        """Enter opens the row under the cursor; on the failed-read line it tries again."""
        if self.page is None:
            if isinstance(self.failed, _Request):
                self.action_retry()
            return
        super().action_select_cursor()

    def action_retry(self) -> None:
        failed, self.failed = self.failed, None
        self.refresh_bindings()
        if failed == "count":
            self._recount()
        elif isinstance(failed, _Request):
            self._fetch(failed)

    def _counted(self, total: int, generation: int) -> None:
        if generation != self._generation:
            return
        self.total = total
        if self.page is not None:
            if self.page.at_start:
                self.position = 0
            elif self.page.at_end:  # the oldest page's place follows from the count
                self.position = max(total - len(self.page.rows), 0)
            self.post_message(self.PageShown(self, self.page, self.position, self.total))

    def _apply(self, page: Page, request: _Request, number: int, generation: int) -> None:
        if generation != self._generation or number != self._request_no:
            return
        self.fetching = False
        if not page.rows and request.how in ("after", "before") and self.page is not None:
            if request.cursor == "keep":
                # A reload found nothing from the page's start on: every row it showed has
                # gone (deleted, or out of the filter). The list's end is the nearest page.
                self._fetch(_Request("last", None, "bottom", None))
            return  # a page turn that found nothing: the list changed under us; stay here
        previous_row, previous = self.cursor_row, self.row_data()
        self.page = page
        if request.how == "last":
            self.position = None if self.total is None else max(self.total - len(page.rows), 0)
        elif request.how == "before":
            if self.position is not None:
                self.position = max(self.position - len(page.rows), 0)
            if page.at_start:
                self.position = 0
        else:
            self.position = request.position
        with self.app.batch_update():  # one frame for the new page, not one per change
            self.clear()
            for row in page.rows:
                cells = self.cells(row)
                self.add_row(*(self._line(cells) if self.widths else cells),
                             key=str(row["id"]))
            if page.rows:
                if request.cursor == "keep":  # on the same record if it is still here
                    ids = [row["id"] for row in page.rows]
                    target = (ids.index(previous["id"]) if previous and previous["id"] in ids
                              else min(max(previous_row, 0), len(page.rows) - 1))
                else:
                    target = 0 if request.cursor == "top" else len(page.rows) - 1
                self.move_cursor(row=target)
        self.post_message(self.PageShown(self, page, self.position, self.total))
        if self._count_after_page:
            self._count_after_page = False
            self.call_after_refresh(self._recount)


def position_text(event: PagedTable.PageShown, plural: str) -> str:
    """Where the page is in the list, e.g. "Moves 101-200 of 1,250, newest first" ("" for an
    empty list: each screen says what to do about that in its own words)."""
    rows = len(event.page.rows)
    if not rows:
        return ""
    if event.position is None:
        return f"{rows} {plural}, newest first"
    text = f"{plural.capitalize()} {event.position + 1:,}-{event.position + rows:,}"
    if event.total is not None:
        text += f" of {event.total:,}"
    return text + ", newest first"

