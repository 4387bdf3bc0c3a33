"""The large system the benchmark models: its sites and wards, the span of history and the
clock. Every figure of one run uses the same system, so the large and the small databases
differ only in how much history they hold."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from casereview.domain.reference import Ward
from casereview.domain.values import LONDON

BENCH_USER = "bench"

# Eight sites (acute hospitals and community hospitals) with 25 wards each: a large
# health-and-care system. Two in five wards support older adults.
SITE_COUNT = 8
WARDS_PER_SITE = 25
SITE_NAMES = ["Northgate General", "Westbrook Community", "Eastfield Royal", "Southmere",
              "Harbour View", "Kingsmead", "Riverside Community", "Hilltop General"]

# Twenty years of history up to the night before the bench's "now" at scale 1. A smaller
# scale shortens the span with the counts, so a week holds the same records at every scale
# and only the depth of history changes.
FULL_SPAN_DAYS = 7300
MIN_SPAN_DAYS = 28


@dataclass(frozen=True)
class System:
    now: datetime
    first_day: date
    last_day: date

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def sites(self) -> list[tuple[str, str]]:
        return [(f"S{i + 1}", f"{SITE_NAMES[i]} Hospital") for i in range(SITE_COUNT)]

    @property
    def wards(self) -> list[Ward]:
        out = []
        for code, _ in self.sites:
            for n in range(WARDS_PER_SITE):
                out.append(Ward(f"{code}-W{n + 1:02d}", f"Ward {n + 1} ({code})", code,
                                n % 5 in (0, 2)))
        return out

    def wards_of(self, site_code: str) -> list[str]:
        return [w.ward_code for w in self.wards if w.site_code == site_code]

    @property
    def older_wards(self) -> list[Ward]:
        return [w for w in self.wards if w.older_adults]

    def week_of_interest(self) -> date:
        """The Monday of the last complete ISO week: the week a manager exports."""
        monday = self.last_day - timedelta(days=self.last_day.weekday())
        return monday if monday + timedelta(days=6) <= self.last_day else monday - timedelta(7)


def the_system(scale: float = 1.0, now: datetime | None = None) -> System:
    now = (now or datetime.now(LONDON)).astimezone(LONDON)
    # Whole days only: the last day is yesterday, so every night has begun and ended.
    last_day = now.date() - timedelta(days=1)
    days = max(MIN_SPAN_DAYS, round(FULL_SPAN_DAYS * scale))
    return System(now.replace(second=0, microsecond=0), last_day - timedelta(days=days - 1),
                  last_day)


def today_only(system: System) -> System:
    """The same system on the bench's own day: where records saved during the run go."""
    today = system.now.date()
    return System(system.now, today, today)


def seed_reference(db_path: Path, system: System) -> None:
    """Sites and wards into a (new) database, through the storage layer."""
    from casereview.storage.db import connect
    from casereview.storage.reference import save_site, save_ward

    db = connect(db_path)
    try:
        for code, name in system.sites:
            save_site(db, code, name, BENCH_USER)
        for ward in system.wards:
            save_ward(db, ward, BENCH_USER)
    finally:
        db.conn.close()


def rng_for(name: str, seed: int) -> random.Random:
    """One seeded stream per record type, so that adding a section changes no other data."""
    return random.Random(f"{seed}:{name}")
