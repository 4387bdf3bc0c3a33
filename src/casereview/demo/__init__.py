"""`casereview demo`: a database filled with realistic synthetic data, so that a newcomer sees
every screen populated. Synthetic NHS numbers (999 000 0000 - 999 999 9999) only."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from casereview.domain.values import LONDON
from casereview.storage.db import Database, connect

DEMO_USER = "demo"


@dataclass
class DemoPlan:
    """What every programme's generator gets: the store, the span of days and a seeded RNG."""

    db: Database
    first_day: date
    last_day: date  # the last night that has begun and ended: yesterday
    now: datetime
    rng: random.Random

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def progress(self, day: date) -> float:
        """0 at the start of the demo span, 1 at the end (for trends)."""
        return (day - self.first_day).days / max(self.days - 1, 1)


Generator = Callable[[DemoPlan], None]


def _generators() -> list[tuple[str, Generator]]:
    from casereview.demo import actions, experience, moves, reference, reviews, toc

    return [("reference data", reference.generate), ("ward moves", moves.generate),
            ("Transfer of Care audits", toc.generate),
            ("patient-experience samples", experience.generate),
            ("case-note reviews", reviews.generate),
            ("action plan and programme targets", actions.generate)]


def build_demo(path: Path, *, weeks: int = 26, now: datetime | None = None, seed: int = 2026,
               report: Callable[[str], None] | None = None) -> Database:
    """Create a demo database at ``path`` (which must not exist yet)."""
    path = Path(path)
    if path.exists():
        raise FileExistsError(f"{path} already exists; choose another --db or remove it first")
    now = (now or datetime.now(LONDON)).astimezone(LONDON)
    last_day = now.date() - timedelta(days=1)
    plan = DemoPlan(connect(path), last_day - timedelta(weeks=weeks) + timedelta(days=1),
                    last_day, now, random.Random(seed))
    for label, generate in _generators():
        if report:
            report(f"generating {label}")
        generate(plan)
    return plan.db
