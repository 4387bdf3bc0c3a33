"""The duplicate-row rule of SPEC 7.1: a row identical in every imported field to a live
record of the same kind, or to an earlier row of the same file, is an error naming that
record or line (unless the import is told --allow-duplicates).

A kind says what makes two of its records the same (``SameRecord``): the stored columns that
come from the file, and one indexed column to find candidates by (a move's time). Each batch
of rows costs one statement that looks the batch's probe values up through that index and
compares the whole rows in SQL, returning only the records the same as a row (usually none);
the batch's own rows are compared in a dictionary. So neither the table nor the file is ever held
in Python. Rows written earlier in the same import are in the table already, so the same
statement finds them, and a small array of line numbers (4 bytes a row) names their line.
"""

from __future__ import annotations

import bisect
import sqlite3
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from casereview.storage.imports import last_id, live_candidates


@dataclass(frozen=True)
class SameRecord:
    """``key(record)`` is (the probe column's value, then the value of each of ``columns``)
    of a built record as it would be stored."""

    table: str
    noun: str
    probe: str
    columns: tuple[str, ...]
    key: Callable[[Any], tuple]
    example: str = ""  # when two such records really are two, e.g. " (...)"




class DuplicateFinder:
    """One import's duplicate check; ``find`` a batch before writing it, ``wrote`` after."""

    def __init__(self, conn: sqlite3.Connection, rule: SameRecord, unit: str = "line"):
        self.rule = rule
        self.unit = unit  # "line" of a CSV, "row" of a sheet
        self.before = last_id(conn, rule.table)  # records up to this id predate the import
        self._first_ids: list[int] = []
        self._lines: list[array] = []

    def find(self, conn: sqlite3.Connection, records: Sequence[Any],
             lines: Sequence[int]) -> dict[int, str]:
        """{index in ``records``: the message} for each record that is a duplicate."""
        rule = self.rule
        keys = [rule.key(r) for r in records]
        stored: dict[tuple, int] = {}
        for found in live_candidates(conn, rule.table, rule.probe, rule.columns, keys):
            key = tuple(found[1:])
            if key not in stored or found[0] < stored[key]:
                stored[key] = found[0]
        if not stored and len(dict.fromkeys(keys)) == len(keys):
            return {}  # the usual batch: nothing stored like it, no row twice (one C pass)
        earlier: dict[tuple, int] = {}
        duplicates = {}
        for index, (key, line) in enumerate(zip(keys, lines, strict=True)):
            record_id = stored.get(key) if stored else None
            if record_id is not None:
                duplicates[index] = self._same_as(record_id)
            elif key in earlier:
                duplicates[index] = self._same_as_line(earlier[key])
            else:
                earlier[key] = line
        return duplicates

    def wrote(self, first_id: int, lines: Sequence[int]) -> None:
        if lines:
            self._first_ids.append(first_id)
            self._lines.append(array("L", lines))

    def _same_as(self, record_id: int) -> str:
        if record_id > self.before:
            at = bisect.bisect_right(self._first_ids, record_id) - 1
            if at >= 0:
                return self._same_as_line(self._lines[at][record_id - self._first_ids[at]])
        return (f"is the same in every imported field as {self.rule.noun} {record_id}, "
                f"already recorded{self._hint()}")

    def _same_as_line(self, line: int) -> str:
        return (f"is the same in every imported field as {self.unit} {line} of this file"
                f"{self._hint()}")

    def _hint(self) -> str:
        return (f"; if it is a separate record{self.rule.example}, import with "
                "--allow-duplicates")
