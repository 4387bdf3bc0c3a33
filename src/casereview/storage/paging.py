"""Keyset paging: one page of a table in a fixed order, read from an index, however many
records the table holds.

A list is ordered newest first by one column with the id breaking ties. A page is fetched
relative to the key (order value, id) of a row already shown, never by OFFSET, so the
first page, the next page and the last page (the same query in the other direction) each
cost one index seek and a page of rows: as fast on a million records as on a hundred.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from casereview.domain.access import Access
from casereview.storage.access import SITE_TABLES, access_of, mask_rows, site_clause
from casereview.storage.db import Database, connection_of

Key = tuple[object, int]


@dataclass(frozen=True)
class Page:
    rows: list[dict]
    key_column: str
    # True when nothing comes before the first row (newer) or after the last row (older).
    at_start: bool
    at_end: bool

    def first_key(self) -> Key | None:
        return (self.rows[0][self.key_column], self.rows[0]["id"]) if self.rows else None

    def last_key(self) -> Key | None:
        return (self.rows[-1][self.key_column], self.rows[-1]["id"]) if self.rows else None


@dataclass(frozen=True)
class Keyset:
    """A list over ``table`` in the order (``order`` DESC, id DESC) with a fixed filter.

    ``where`` must match the partial index meant to answer it word for word (SQLite uses a
    partial index only when the query repeats its condition), hence the default.

    The session's access (``access``, else the connection's) limits a site-held table to the
    granted sites and masks patient references for a viewer, whatever screen asks.
    """

    table: str
    order: str
    columns: str = "*"
    where: str = "deleted_at IS NULL"
    params: tuple = field(default=())
    access: Access | None = None

    def _limited(self, conn: sqlite3.Connection) -> tuple[str, list]:
        where, params = self.where, list(self.params)
        if self.table in SITE_TABLES:
            clause, sites = site_clause(access_of(conn, self.access))
            if clause:
                where += f" AND {clause}"
                params += sites
        return where, params

    def _fetch(self, conn: sqlite3.Connection | Database, bound: str | None, key: Key | None,
               descending: bool, size: int) -> list[dict]:
        conn = connection_of(conn)
        where, params = self._limited(conn)
        if bound is not None and key is not None:
            where += f" AND ({self.order}, id) {bound} (?, ?)"
            params += [key[0], key[1]]
        direction = "DESC" if descending else "ASC"
        sql = (f"SELECT {self.columns} FROM {self.table} WHERE {where} "
               f"ORDER BY {self.order} {direction}, id {direction} LIMIT ?")
        rows = [dict(r) for r in conn.execute(sql, [*params, size + 1])]
        return mask_rows(access_of(conn, self.access), rows)

    def first(self, conn: sqlite3.Connection | Database, size: int) -> Page:
        """The newest ``size`` records."""
        rows = self._fetch(conn, None, None, True, size)
        return Page(rows[:size], self.order, True, len(rows) <= size)

    def last(self, conn: sqlite3.Connection | Database, size: int) -> Page:
        """The oldest ``size`` records, shown newest first like every page."""
        rows = self._fetch(conn, None, None, False, size)
        return Page(rows[:size][::-1], self.order, len(rows) <= size, True)

    def after(self, conn: sqlite3.Connection | Database, key: Key,
              size: int) -> Page:
        """The ``size`` records that follow ``key`` in the list (older)."""
        rows = self._fetch(conn, "<", key, True, size)
        return Page(rows[:size], self.order, False, len(rows) <= size)

    def before(self, conn: sqlite3.Connection | Database, key: Key,
               size: int) -> Page:
        """The ``size`` records that precede ``key`` in the list (newer)."""
        rows = self._fetch(conn, ">", key, False, size)
        return Page(rows[:size][::-1], self.order, len(rows) <= size, False)

    def count(self, conn: sqlite3.Connection | Database) -> int:
        conn = connection_of(conn)
        where, params = self._limited(conn)
        return conn.execute(f"SELECT COUNT(*) FROM {self.table} WHERE {where}",
                            params).fetchone()[0]

    def plan(self, conn: sqlite3.Connection) -> list[str]:
        """How SQLite answers the next-page query (EXPLAIN QUERY PLAN), for tests and the
        benchmark: it should search an index, never scan the table or sort."""
        sql = (f"SELECT {self.columns} FROM {self.table} WHERE {self.where} AND "
               f"({self.order}, id) < (?, ?) ORDER BY {self.order} DESC, id DESC LIMIT ?")
        return [r[3] for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}",
                                           [*self.params, "", 0, 1])]
