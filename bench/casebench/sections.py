"""The record types the benchmark knows, one section each. A section is measured when its
module exists in the code under test (a programme that has not landed yet is skipped, and
is picked up by the same command once it has): the large database gets its records, the
week-only database its week, and the save and list figures a line each.

Every section builds its records through its own import KIND (the model's validation and
the storage writer the application uses), so the database holds exactly what the
application would store.
"""

from __future__ import annotations

import importlib
import importlib.util
import random
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from casebench import generate
from casebench.system import System

Rows = Callable[[System, int, random.Random], Iterator[list[str]]]


@dataclass(frozen=True)
class Section:
    name: str
    kind: str                      # import KIND (SPEC 7.1)
    module: str                    # present in the code under test = section measured
    columns: list[str]
    rows: Rows
    base_count: int | None         # records at scale 1; None = one per site and night
    # The week-only database: (SQL with ? = week start, week end, run with main = the large
    # database and small = the week's database attached).
    week_copy: tuple[str, ...]
    table: str = ""                # where the records are stored (counted in the report)
    list_order: str | None = None  # a keyset-paged list orders them by this column (and id)
    save: str | None = None        # "module:function(db, record, user)" saving one record
    save_rows: Rows | None = None  # raw rows for the save figure (default: ``rows``)
    # "module:Class": the record model ``save`` takes, where the import KIND builds something
    # else (the moves KIND builds stored rows, domain/record.py). Default: the KIND's build.
    model: str | None = None
    notes: list[str] = field(default_factory=list)

    def available(self) -> bool:
        if importlib.util.find_spec(self.module) is None:
            return False
        from casereview.io.kinds import KINDS

        return self.kind in KINDS

    def count(self, system: System, scale: float) -> int:
        if self.base_count is None:
            return system.days * len(system.sites)
        return max(1, round(self.base_count * scale))

    def generate(self, system: System, scale: float, seed: int) -> Iterator[list[str]]:
        from casebench.system import rng_for

        if self.base_count is None:
            return self.rows(system, 0, rng_for(self.name, seed))
        return self.rows(system, self.count(system, scale), rng_for(self.name, seed))

    def builder(self) -> Callable | None:
        if not self.model:
            return None
        from casereview.domain.validation import validate

        module, name = self.model.split(":")
        model = getattr(importlib.import_module(module), name)
        return lambda raw, context: validate(model, raw, context)

    def saver(self) -> Callable:
        module, name = (self.save or "").split(":")
        return getattr(importlib.import_module(module), name)

    def copy_week(self, conn: sqlite3.Connection, start: str, end: str) -> None:
        for sql in self.week_copy:
            conn.execute(sql, (start, end) * sql.count("BETWEEN"))


def _nights(system: System, count: int, rng: random.Random) -> Iterator[list[str]]:
    return generate.nights(system, rng)


def _moves_today(system: System, count: int, rng: random.Random) -> Iterator[list[str]]:
    """Moves logged this morning, by day (outside the night window): they join no night and
    no measure, so saving them leaves every other figure as it was."""
    sites = [code for code, _ in system.sites]
    start = datetime.combine(system.now.date(), time(7, 0))
    span = max(int((system.now.replace(tzinfo=None) - start).total_seconds() // 60) - 1, 1)
    for i in range(count):
        site = rng.choice(sites)
        from_ward, to_ward = rng.sample(system.wards_of(site), 2)
        at = start + timedelta(minutes=(i * 7) % span)
        yield [f"{at:%Y-%m-%d %H:%M}", site, from_ward, to_ward, "CAPACITY", "", "84", "no",
               "bench (site manager)", "yes", "1", "saved by the benchmark"]


SECTIONS: list[Section] = [
    Section(
        "moves", "moves", "casereview.storage.moves", generate.MOVE_COLUMNS, generate.moves,
        1_000_000,
        ("INSERT INTO small.move SELECT * FROM main.move WHERE audit_night BETWEEN ? AND ? "
         "OR (audit_night IS NULL AND substr(moved_at, 1, 10) BETWEEN ? AND ?)",),
        "move", "moved_at_utc", "casereview.storage.moves:save_move", _moves_today,
        model="casereview.domain.move:Move"),
    Section(
        "nights", "nights", "casereview.storage.moves", generate.NIGHT_COLUMNS, _nights, None,
        ("INSERT INTO small.night_audit SELECT * FROM main.night_audit "
         "WHERE audit_night BETWEEN ? AND ?",),
        "night_audit"),  # no list of returns: they are read by night
    Section(
        "experience", "experience", "casereview.storage.experience",
        generate.EXPERIENCE_COLUMNS, generate.experience, 200_000,
        ("INSERT INTO small.experience SELECT * FROM main.experience "
         "WHERE sample_date BETWEEN ? AND ?",),
        "experience", "sample_date", "casereview.storage.experience:save_experience"),
    Section(
        "reviews", "reviews", "casereview.storage.reviews", generate.REVIEW_COLUMNS,
        generate.reviews, 20_000,
        ("INSERT INTO small.review SELECT * FROM main.review WHERE review_date BETWEEN ? AND ?",
         "INSERT INTO small.review_agency SELECT * FROM main.review_agency "
         "WHERE review_id IN (SELECT id FROM small.review)",
         "INSERT INTO small.review_theme_link SELECT * FROM main.review_theme_link "
         "WHERE review_id IN (SELECT id FROM small.review)"),
        "review", "review_date", "casereview.storage.reviews:save_review"),
    Section(
        "toc", "toc", "casereview.storage.toc", generate.TOC_COLUMNS, generate.toc, 40_000,
        ("INSERT INTO small.toc_policy SELECT * FROM main.toc_policy",
         "INSERT INTO small.toc SELECT * FROM main.toc WHERE audit_date BETWEEN ? AND ?"),
        "toc", "audit_date", "casereview.storage.toc:save_toc"),
]


def available_sections() -> list[Section]:
    return [s for s in SECTIONS if s.available()]
