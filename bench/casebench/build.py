"""Building the benchmark's databases: the import files, the large database (the whole
history) and the week-only database (the same system, one week's records).

Everything lives under bench/work/scale-<scale>/ (git-ignored) and is reused by the next run
while its manifest still matches (same scale, seed, sections, schema and last day); a run
with --rebuild starts again.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from casebench import generate
from casebench.sections import Section
from casebench.system import BENCH_USER, System, seed_reference

# Bump when the generators or the build change what a database holds.
BUILD_VERSION = 1

Log = Callable[[str], None]


@dataclass
class Workspace:
    root: Path
    scale: float
    seed: int
    system: System
    sections: list[Section]
    log: Log
    timings: dict[str, dict] = field(default_factory=dict)

    @property
    def large_db(self) -> Path:
        return self.root / "large.db"

    @property
    def week_db(self) -> Path:
        return self.root / "week.db"

    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.json"

    def csv(self, section: Section) -> Path:
        return self.root / f"{section.name}.csv"

    def manifest(self) -> dict:
        from casereview.storage.db import schema_version

        return {"build": BUILD_VERSION, "scale": self.scale, "seed": self.seed,
                "first_day": self.system.first_day.isoformat(),
                "last_day": self.system.last_day.isoformat(),
                "sections": [s.name for s in self.sections],
                "schema": schema_version()}

    def current(self) -> bool:
        try:
            saved = json.loads(self.manifest_path.read_text())
        except (OSError, ValueError):
            return False
        return saved.get("manifest") == self.manifest() and self.large_db.exists() \
            and self.week_db.exists()

    def save_manifest(self, rows: dict[str, int]) -> None:
        self.manifest_path.write_text(json.dumps(
            {"manifest": self.manifest(), "rows": rows, "timings": self.timings}, indent=2))

    def saved_timings(self) -> dict[str, dict]:
        try:
            return json.loads(self.manifest_path.read_text()).get("timings", {})
        except (OSError, ValueError):
            return {}

    def saved_rows(self) -> dict[str, int]:
        try:
            return json.loads(self.manifest_path.read_text()).get("rows", {})
        except (OSError, ValueError):
            return {}


def workspace(work: Path, scale: float, seed: int, system: System, sections: list[Section],
              log: Log) -> Workspace:
    root = work / f"scale-{scale:g}"
    root.mkdir(parents=True, exist_ok=True)
    return Workspace(root, scale, seed, system, sections, log)


def write_files(ws: Workspace, rebuild: bool) -> dict[str, int]:
    """The import file of every section (reused when the manifest still matches)."""
    rows: dict[str, int] = {}
    keep = ws.current() and not rebuild
    saved = ws.saved_rows()
    for section in ws.sections:
        path = ws.csv(section)
        if keep and path.exists() and section.name in saved:
            rows[section.name] = saved[section.name]
            continue
        ws.log(f"writing {path.name}")
        start = time.perf_counter()
        rows[section.name] = generate.write_csv(path, section.columns,
                                                section.generate(ws.system, ws.scale, ws.seed))
        ws.log(f"  {rows[section.name]:,} rows in {time.perf_counter() - start:.1f} s")
    return rows


def new_database(path: Path, system: System) -> None:
    """A new database holding the system's reference data and nothing else."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    seed_reference(path, system)


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a (closed or open) database, WAL folded in."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    src = sqlite3.connect(str(source))
    dest = sqlite3.connect(str(target))
    try:
        src.backup(dest)
    finally:
        dest.close()
        src.close()


def import_section(db_path: Path, section: Section, csv: Path, system: System) -> tuple[int, float]:
    """Import one section's file through its KIND in this process: (rows, seconds)."""
    from casereview.io.importer import import_file
    from casereview.io.kinds import KINDS
    from casereview.storage.context import load_context
    from casereview.storage.db import connect

    db = connect(db_path)
    try:
        context = load_context(db, system.now)
        start = time.perf_counter()
        result = import_file(db, KINDS[section.kind], csv, context, BENCH_USER)
        return result.written, time.perf_counter() - start
    finally:
        db.conn.close()


def build_large(ws: Workspace, moves_db: Path | None) -> None:
    """The whole history: every section's file imported through its KIND. ``moves_db`` is a
    database the import figure has already filled with the moves file (saves importing a
    million rows twice)."""
    target = ws.root / "large.partial.db"
    if moves_db is not None:
        ws.log("large database: starting from the timed import of the moves file")
        copy_database(moves_db, target)
        done = {"moves"}
    else:
        new_database(target, ws.system)
        done = set()
    for section in ws.sections:
        if section.name in done:
            continue
        ws.log(f"large database: importing {section.name}")
        rows, seconds = import_section(target, section, ws.csv(section), ws.system)
        ws.timings[section.name] = {"rows": rows, "seconds": seconds}
        ws.log(f"  {rows:,} rows in {seconds:.1f} s ({seconds / max(rows, 1) * 1e6:.0f} us/row)")
    ws.log("large database: ANALYZE")
    conn = sqlite3.connect(str(target))
    try:
        conn.execute("ANALYZE")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    for suffix in ("-wal", "-shm"):
        Path(str(ws.large_db) + suffix).unlink(missing_ok=True)
    target.replace(ws.large_db)
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)


def build_week(ws: Workspace) -> tuple[str, str]:
    """The week-only database: the same reference data, only the records of the week a
    manager exports (each section copies its own records, by its own period column)."""
    start = ws.system.week_of_interest()
    end = start + timedelta(days=6)
    new_database(ws.week_db, ws.system)
    conn = sqlite3.connect(str(ws.large_db), isolation_level=None)
    try:
        conn.execute("ATTACH DATABASE ? AS small", (str(ws.week_db),))
        conn.execute("BEGIN")
        for section in ws.sections:
            section.copy_week(conn, start.isoformat(), end.isoformat())
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE small")
    finally:
        conn.close()
    conn = sqlite3.connect(str(ws.week_db))
    try:
        conn.execute("ANALYZE")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return start.isoformat(), end.isoformat()


def counts(db_path: Path, sections: list[Section]) -> dict[str, int]:
    conn = sqlite3.connect(str(db_path))
    try:
        out = {}
        for section in sections:
            if section.table:
                out[section.name] = conn.execute(
                    f"SELECT COUNT(*) FROM {section.table}").fetchone()[0]
        out["change_log"] = conn.execute("SELECT COUNT(*) FROM change_log").fetchone()[0]
        return out
    finally:
        conn.close()
