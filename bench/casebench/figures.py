"""The figures: each measured beside its baseline in the same run, medians of several runs.

A figure function takes the workspace and returns Figure rows; the command line runs each in
turn and reports one that fails as a row with its error, so one broken section never hides
the others.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from pathlib import Path
from statistics import median

from casebench.build import Workspace, copy_database, new_database
from casebench.measure import child_env, compile_code, median_of, p95, python, run_in_terminal
from casebench.sections import Section
from casebench.system import BENCH_USER, today_only


@dataclass
class Figure:
    key: str
    title: str
    value: float | None
    unit: str
    baseline_title: str | None = None
    baseline: float | None = None
    target: str | None = None
    met: bool | None = None
    runs: int | None = None
    note: str = ""
    samples: list[float] = field(default_factory=list)
    baseline_samples: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline

    def as_dict(self) -> dict:
        out = asdict(self)
        out["ratio"] = self.ratio
        return out


def ratio_target(figure: Figure, limit: float) -> Figure:
    figure.target = f"<= {limit:g}x baseline"
    figure.met = None if figure.ratio is None else figure.ratio <= limit
    return figure


def value_target(figure: Figure, limit: float) -> Figure:
    figure.target = f"<= {limit:g} {figure.unit}"
    figure.met = None if figure.value is None else figure.value <= limit
    return figure


def _run_wait4(argv: list[str], env: dict[str, str]) -> tuple[float, int, float, str]:
    """(wall seconds, exit status, peak RSS in MB, stderr) of one process."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        return elapsed, proc.returncode, usage.ru_maxrss / 1024, err.read().decode(
            errors="replace")


# --- import -----------------------------------------------------------------------------------

BARE_TABLE = "move_import"


def _sqlite_import(csv: Path, target: Path, columns: list[str]) -> float:
    """The sqlite3 command line's .import of the file into a bare table (no keys, no
    indexes, no checks): the floor for getting these bytes into SQLite."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    create = f"CREATE TABLE {BARE_TABLE} ({', '.join(f'{c} TEXT' for c in columns)})"
    argv = [shutil.which("sqlite3") or "sqlite3", str(target), "-cmd", create, ".mode csv",
            f".import --skip 1 {csv} {BARE_TABLE}"]
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"sqlite3 .import failed: {done.stderr.strip()}")
    return elapsed


# The second moves file: every timestamp different, in no particular order, with a real log's
# variety (generate.random_moves), at 300,000 rows at scale 1.
RANDOM_MOVES = 300_000


def random_moves_file(ws: Workspace) -> Path:
    """Written once per workspace (its name holds the row count and the seed)."""
    import random

    from casebench import generate

    count = max(1000, round(RANDOM_MOVES * ws.scale))
    path = ws.root / f"moves-random-{count}-{ws.seed}.csv"
    if not path.exists():
        ws.log(f"writing {path.name}")
        generate.write_csv(path, generate.MOVE_COLUMNS, generate.random_moves(
            ws.system, count, random.Random(ws.seed + 1)))
    return path


def import_figures(ws: Workspace, runs: int) -> tuple[list[Figure], Path | None]:
    """casereview import moves FILE (the command, full validation, one transaction) against
    the sqlite3 command line's .import of the same file, runs interleaved, for the moves file
    the large database is built from (time order, repeated values) and for a file of unique
    timestamps in random order. Returns the figures and the database the first run of the
    first file filled (the large database starts from it)."""
    section = next(s for s in ws.sections if s.name == "moves")
    if shutil.which("sqlite3") is None:
        raise RuntimeError("the sqlite3 command-line tool is not installed (apt install sqlite3)")
    figures: list[Figure] = []
    kept: Path | None = None
    files = [("import.moves", "moves", ws.csv(section)),
             ("import.moves_random", "moves, unique times in random order",
              random_moves_file(ws))]
    for key, what, csv in files:
        rows = sum(1 for _ in open(csv, encoding="utf-8")) - 1
        ours, theirs, peaks = [], [], []
        for run in range(runs):
            ws.log(f"{key} run {run + 1}/{runs}: sqlite3 .import")
            theirs.append(_sqlite_import(csv, ws.root / "bare.db", section.columns))
            target = ws.root / f"import-{run}.db"
            new_database(target, ws.system)
            ws.log(f"{key} run {run + 1}/{runs}: casereview import moves")
            elapsed, status, peak, err = _run_wait4(
                [python(), "-m", "casereview", "--db", str(target), "--user", BENCH_USER,
                 "import", "moves", str(csv)], child_env())
            if status != 0:
                raise RuntimeError(f"casereview import failed ({status}): "
                                   f"{err.strip()[-2000:]}")
            ours.append(elapsed)
            peaks.append(peak)
            ws.log(f"  {elapsed:.1f} s against {theirs[-1]:.2f} s "
                   f"({elapsed / theirs[-1]:.1f}x)")
            if kept is None:
                kept = target
            else:
                for suffix in ("", "-wal", "-shm"):
                    Path(str(target) + suffix).unlink(missing_ok=True)
        for suffix in ("", "-journal"):
            Path(str(ws.root / "bare.db") + suffix).unlink(missing_ok=True)
        figures += [
            ratio_target(Figure(
                key, f"Import {rows:,} {what} (casereview import, full validation)",
                median(ours), "s", "sqlite3 .import of the same file into a bare table",
                median(theirs), runs=runs, samples=ours, baseline_samples=theirs,
                note=f"{median(ours) / rows * 1e6:.1f} us/row against "
                     f"{median(theirs) / rows * 1e6:.1f} us/row"), 5),
            Figure(f"{key}.memory", "Peak memory of that import", max(peaks), "MB",
                   runs=runs, samples=peaks,
                   note="streamed in chunks; the page cache is bounded (64 MB)"),
        ]
    figures += import_phases(ws, section, 20_000)  # the first rows of the first file
    return figures, kept


def import_phases(ws: Workspace, section: Section, sample: int) -> list[Figure]:
    """Where an imported row's time goes (this process, the first ``sample`` rows), along the
    importer's own path: reading the CSV, validating (the kind's fast path, the model for the
    rows it leaves), and the write with the batch's change-log entry. Information."""
    from itertools import islice

    from casereview.domain import values
    from casereview.io.importer import checked_batches
    from casereview.io.kinds import KINDS
    from casereview.io.tabular import read_table
    from casereview.storage.context import load_context
    from casereview.storage.db import connect, now_utc, transaction

    kind = KINDS[section.kind]
    target = ws.root / "phases.db"
    new_database(target, ws.system)
    db = connect(target)
    try:
        context = load_context(db, ws.system.now)
        for parser in vars(values).values():  # an import starts with empty caches
            if hasattr(parser, "cache_clear"):
                parser.cache_clear()
        clock = time.perf_counter
        t0 = clock()
        table = read_table(ws.csv(section), kind.columns, kind.required)
        raw = list(islice(table.rows, sample))
        t1 = clock()
        batches = list(checked_batches(kind, context, table.columns, raw))
        t2 = clock()
        with transaction(db) as conn:
            at = now_utc()
            for checked, encoded in batches:
                rows = [record for _, _, record, problems in checked if problems is None]
                if kind.encode is not None:
                    kind.write(conn, rows, BENCH_USER, at, encoded=encoded)
                else:
                    kind.write(conn, rows, BENCH_USER, at)
        t3 = clock()
    finally:
        db.conn.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
    n = len(raw)
    phases = [("read", "reading the CSV rows", t1 - t0),
              ("validate", "validation (fast path, the model for the rest) and the log's "
                           "JSON", t2 - t1),
              ("write", "insert + the batch's change-log entry (executemany)", t3 - t2)]
    return [Figure(f"import.phase.{key}", f"  per row: {title}", seconds / n * 1e6, "us",
                   runs=1, note="" if i else f"the first {n:,} rows, in this process (no "
                                             "process start), one run")
            for i, (key, title, seconds) in enumerate(phases)]


# --- summary ----------------------------------------------------------------------------------

RECORD_TABLES = ("move", "night_audit", "experience", "review", "review_agency",
                 "review_theme_link", "toc", "change_log")


def _plans(conn: sqlite3.Connection, statements: list[str]) -> list[str]:
    """Statements whose plan reads a whole record table (a SCAN of the table itself, not of
    an index): the queries whose time grows with the history."""
    found = []
    for sql in dict.fromkeys(statements):
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        try:
            plan = [r[3] for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
        except sqlite3.Error:
            continue  # parameters inlined by the trace may not re-parse; skip
        for line in plan:
            words = line.split()
            if len(words) >= 2 and words[0] == "SCAN" and words[1] in RECORD_TABLES \
                    and "COVERING INDEX" not in line and "USING INDEX" not in line:
                found.append(f"{' '.join(sql.split())[:160]} -> {line}")
    return found


def summary_figures(ws: Workspace, runs: int) -> list[Figure]:
    """summarise() for the week of interest (every measure, every scope) on the large
    database and on the week-only database; also checks the two agree and that no query
    reads a whole record table."""
    from casereview.metrics.engine import summarise
    from casereview.metrics.periods import week_of
    from casereview.storage.db import connect
    from casereview.storage.reference import load_reference

    period = week_of(ws.system.week_of_interest())
    results, times, rows = {}, {}, {}
    scans: list[str] = []
    for label, path in (("large", ws.large_db), ("week", ws.week_db)):
        db = connect(path)
        try:
            reference = load_reference(db)
            if label == "large":
                statements: list[str] = []
                db.conn.set_trace_callback(statements.append)
                summarise(db, period, reference=reference)
                db.conn.set_trace_callback(None)
                scans = _plans(db.conn, statements)
            best, samples = median_of(
                lambda db=db, reference=reference: summarise(db, period, reference=reference),
                runs, warmup=2)
            times[label] = (best, samples)
            summary = summarise(db, period, reference=reference)
            results[label] = [(r.measure, r.scope, r.value, r.numerator, r.denominator)
                              for r in summary.rows]
            rows[label] = len(summary.rows)
        finally:
            db.conn.close()
    agree = results["large"] == results["week"]
    note = (f"{period.label}: {rows['large']} measure rows; "
            + ("same results on both databases" if agree else
               "RESULTS DIFFER between the databases"))
    if scans:
        note += f"; {len(scans)} queries read a whole table: " + " | ".join(scans[:5])
    figure = ratio_target(Figure(
        "summary.week", "Weekly summary, every measure and scope (large database)",
        times["large"][0] * 1000, "ms", "the same on a database holding only that week",
        times["week"][0] * 1000, runs=runs, note=note,
        samples=[s * 1000 for s in times["large"][1]],
        baseline_samples=[s * 1000 for s in times["week"][1]]), 1.5)
    if not agree:
        figure.met = False
    return [figure]


def scorecard_figures(ws: Workspace, runs: int) -> list[Figure]:
    """The dashboard's scorecard (the home screen computes it in a worker): the week's
    measures beside the previous week, the 13-week mean and the SPC chart of up to 104 weeks.
    Measured when the code has a scorecard; information, as the issue sets no target (the
    chart reads up to two years however long the history, so it is bounded, not flat)."""
    import importlib.util

    if importlib.util.find_spec("casereview.metrics.scorecard") is None:
        return []
    from casereview.metrics.periods import week_of
    from casereview.metrics.scorecard import DASHBOARD_SCOPES, build_scorecard
    from casereview.storage.db import connect
    from casereview.storage.reference import load_reference

    period = week_of(ws.system.week_of_interest())
    today = period.end + timedelta(days=1)
    times = {}
    for label, path in (("large", ws.large_db), ("week", ws.week_db)):
        db = connect(path)
        try:
            reference = load_reference(db)
            times[label] = median_of(lambda db=db, reference=reference: build_scorecard(
                db, period, today=today, reference=reference, scope_kinds=DASHBOARD_SCOPES),
                                     max(3, runs // 3), warmup=1)
        finally:
            db.conn.close()
    return [Figure("scorecard.week", "Dashboard scorecard for the week, 104-week SPC charts "
                   "(large database)", times["large"][0] * 1000, "ms",
                   "the same on the week-only database", times["week"][0] * 1000,
                   runs=len(times["large"][1]),
                   note="computed in a worker on the home screen; again only after a change")]


# --- cold start -------------------------------------------------------------------------------

def _cold_start(argv: list[str], marker: bytes) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        ready = Path(tmp) / "ready"
        start = time.time()
        _, status, output = run_in_terminal(argv, child_env(BENCH_READY_FILE=str(ready)))
        if status != 0 or not ready.exists():
            raise RuntimeError(f"{' '.join(argv)} exited {status} before its first paint: "
                               f"{output[-1500:].decode(errors='replace')}")
        stamp, screen = ready.read_text().split()
        if marker not in output:
            raise RuntimeError(f"{' '.join(argv)}: first frame ({screen}) did not show "
                               f"{marker!r}")
        return float(stamp) - start


def coldstart_figures(ws: Workspace, runs: int) -> list[Figure]:
    """From starting the process to the first painted frame (Textual's Ready), in a real
    terminal: casereview on the large database, casereview on the week's database, and a
    minimal Textual app (Header, Static, Footer); interleaved, after one warm-up each."""
    compile_code()
    harness = [python(), "-m", "casebench.harness.coldstart"]
    cases = {
        "large": (harness + ["app", str(ws.large_db)], b"Where to go"),
        "week": (harness + ["app", str(ws.week_db)], b"Where to go"),
        "minimal": (harness + ["minimal"], b"Hello"),
    }
    samples: dict[str, list[float]] = {k: [] for k in cases}
    for argv, marker in cases.values():
        _cold_start(argv, marker)  # warm the file cache
    for _ in range(runs):
        for label, (argv, marker) in cases.items():
            samples[label].append(_cold_start(argv, marker))
    med = {k: median(v) for k, v in samples.items()}
    return [
        ratio_target(Figure(
            "coldstart.app", "Cold start to the first painted home screen (large database)",
            med["large"], "s", "a minimal Textual app measured the same way", med["minimal"],
            runs=runs, samples=samples["large"], baseline_samples=samples["minimal"],
            note=f"on the week-only database: {med['week']:.2f} s"), 1.3),
    ]


# --- browsing: lists and memory ---------------------------------------------------------------

def _browse(db: Path) -> dict:
    from casebench.measure import run_quiet

    compile_code()
    elapsed, done = run_quiet([python(), "-m", "casebench.harness.browse", str(db)],
                              child_env(), timeout=1800)
    if done.returncode != 0:
        raise RuntimeError(f"browse harness failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _ms(value: float | None) -> str:
    return "not measured" if value is None else f"{value:.0f} ms"


def browse_figures(ws: Workspace, runs: int) -> list[Figure]:
    """Every screen opened in turn (Pilot, 130x40) on the large and on the week's database;
    the moves register paged to its oldest page and back. Peak memory of the whole visit."""
    results: dict[str, list[dict]] = {"large": [], "week": []}
    for run in range(runs):
        for label, path in (("large", ws.large_db), ("week", ws.week_db)):
            ws.log(f"browse run {run + 1}/{runs} on the {label} database")
            results[label].append(_browse(path))

    def med(label: str, screen: str, key: str) -> float | None:
        values = [r["screens"].get(screen, {}).get(key) for r in results[label]]
        values = [v for v in values if v is not None]
        return median(values) if values else None

    figures = []
    screens = list(results["large"][0]["screens"])
    for screen in screens:
        entry = results["large"][0]["screens"][screen]
        if "end_ms" in entry:  # a keyset-paged list
            total = entry.get("total")
            figures.append(value_target(Figure(
                f"list.{screen}.first", f"{screen}: first page painted (large database)",
                med("large", screen, "open_ms"), "ms", "the same on the week's database",
                med("week", screen, "open_ms"), runs=runs,
                note=f"{total:,} records, {entry.get('rows_per_page')} a page"
                if total else ""), 500))
            figures.append(value_target(Figure(
                f"list.{screen}.last", f"{screen}: jump to the oldest page (End)",
                med("large", screen, "end_ms"), "ms", "the same on the week's database",
                med("week", screen, "end_ms"), runs=runs,
                note=f"the page before (PgUp) {_ms(med('large', screen, 'pageup_ms'))}, back "
                     f"to the newest (Home) {_ms(med('large', screen, 'home_ms'))}"), 500))
    for screen in screens:
        if "end_ms" in results["large"][0]["screens"][screen]:
            continue
        figures.append(Figure(
            f"screen.{screen}", f"Open '{screen}' (large database)",
            med("large", screen, "open_ms"), "ms", "the same on the week's database",
            med("week", screen, "open_ms"), runs=runs))
    peaks = [r["peak_rss_mb"] for r in results["large"]]
    week_peaks = [r["peak_rss_mb"] for r in results["week"]]
    figures.append(value_target(Figure(
        "memory.app", "Peak memory: the app on the large database, every screen opened and "
        "the lists paged", max(peaks), "MB", "the same on the week's database",
        max(week_peaks), runs=runs, samples=peaks, baseline_samples=week_peaks,
        note="largest of the runs"), 200))
    return figures


# --- in a real terminal: every screen's first frame with its data, and keys typed ------------

def _harness(module: str, *args: str) -> dict:
    from casebench.measure import run_quiet

    compile_code()
    _, done = run_quiet([python(), "-m", f"casebench.harness.{module}", *args], child_env(),
                        timeout=3600)
    if done.returncode != 0:
        raise RuntimeError(f"{module} harness failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


SCREEN_TARGET_MS = 200
KEY_TARGET_MS = 50


def screens_figures(ws: Workspace, runs: int) -> list[Figure]:
    """Every screen reachable from the menu (and the forms and views opened from those),
    opened by its key in a real terminal (130x40) on the large and on the week's database,
    timed from the key to the first frame showing the screen with its data
    (harness/screens.py, harness/terminal.py). Median of the runs, each its own process."""
    found = {label: _harness("screens", str(path), str(runs))["screens"]
             for label, path in (("large", ws.large_db), ("week", ws.week_db))}
    figures = []
    for title, entry in found["large"].items():
        week = found["week"].get(title, {}).get("open_ms") or [None]
        first = median(entry["first_ms"])
        figures.append(value_target(Figure(
            f"screen.{title}", f"Open '{title}': first frame with its data (large database)",
            median(entry["open_ms"]), "ms", "the same on the week's database",
            median(week) if week[0] is not None else None, runs=len(entry["open_ms"]),
            samples=entry["open_ms"], baseline_samples=week if week[0] is not None else [],
            note=f"{entry['screen']}; slowest run {max(entry['open_ms']):.0f} ms"
                 + (f"; its first frame (before the data) at {first:.0f} ms"
                    if first < median(entry["open_ms"]) - 1 else "")),
            SCREEN_TARGET_MS))
    return figures


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0-100)."""
    ordered = sorted(values)
    rank = max(1, -(-int(q * len(ordered)) // 100))
    return ordered[min(rank, len(ordered)) - 1]


def keys_figures(ws: Workspace, runs: int) -> list[Figure]:
    """Keys typed into each entry form at a clerk's pace in a real terminal (130x40) on the
    large database, each timed from the terminal to the first frame written after the app
    handled it (harness/keys.py): p99 a form, and over every key typed. The records typed are
    saved in a copy of the large database, so that the other figures (and the next run) meet
    the database as it was built."""
    copy = ws.root / "keys.db"
    ws.log("keys: copying the large database to type into")
    copy_database(ws.large_db, copy)
    try:
        found = _harness("keys", str(copy), str(runs))["forms"]
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(str(copy) + suffix).unlink(missing_ok=True)
    figures, every = [], []
    for title, entry in found.items():
        times = entry["ms"]
        every += times
        worst = sorted(zip(times, entry["keys"], strict=True), reverse=True)[:3]
        figures.append(value_target(Figure(
            f"keys.{title}", f"A key typed in the {title}: on screen, p99",
            percentile(times, 99), "ms", runs=len(times), samples=times,
            note=f"{len(times)} keys, {entry['saved']} records saved; p50 "
                 f"{percentile(times, 50):.1f} ms, max {max(times):.0f} ms (slowest: "
                 + ", ".join(f"{key} {ms:.0f} ms" for ms, key in worst) + ")"),
            KEY_TARGET_MS))
    if every:
        figures.insert(0, value_target(Figure(
            "keys.all", "A key typed in an entry form: on screen, p99 (every form)",
            percentile(every, 99), "ms", runs=len(every), samples=every,
            note=f"{len(every)} keys at 80-160 ms apart; p50 {percentile(every, 50):.1f} ms, "
                 f"p95 {percentile(every, 95):.1f} ms"), KEY_TARGET_MS))
    return figures


# --- storage: page queries and saves ----------------------------------------------------------

def page_figures(ws: Workspace, runs: int) -> list[Figure]:
    """Each record type's list read straight from storage by keyset, 100 rows, newest first:
    first page, a page in the middle of the history, the oldest page; with its query plan."""
    from casereview.storage.paging import Keyset

    figures = []
    conn = sqlite3.connect(str(ws.large_db))
    conn.row_factory = sqlite3.Row
    try:
        for section in ws.sections:
            if not section.list_order:
                continue
            keyset = Keyset(section.table, section.list_order)
            first = keyset.first(conn, 100)
            middle_key = conn.execute(
                f"SELECT {section.list_order}, id FROM {section.table} "
                f"WHERE deleted_at IS NULL ORDER BY id LIMIT 1 OFFSET "
                f"(SELECT COUNT(*) / 2 FROM {section.table})").fetchone()
            cases = {"first": lambda keyset=keyset: keyset.first(conn, 100),
                     "last": lambda keyset=keyset: keyset.last(conn, 100)}
            if middle_key is not None:
                key = (middle_key[0], middle_key[1])
                cases["middle"] = lambda keyset=keyset, key=key: keyset.after(conn, key, 100)
            times = {name: median_of(fn, runs, warmup=1)[0] * 1000
                     for name, fn in cases.items()}
            plan = " / ".join(keyset.plan(conn))
            sound = "SCAN" not in plan.replace("SCAN CONSTANT", "") and "TEMP B-TREE" not in plan
            figure = value_target(Figure(
                f"page.{section.name}", f"{section.name}: a page of 100 from storage (worst of "
                "first, middle, oldest)", max(times.values()), "ms", runs=runs,
                note=", ".join(f"{k} {v:.2f} ms" for k, v in times.items())
                + f"; plan: {plan}"), 50)
            if not sound or not first.rows:
                figure.met = False
            figures.append(figure)
    finally:
        conn.close()
    return figures


def save_figures(ws: Workspace, count: int) -> list[Figure]:
    """Saving one record through its storage layer, one transaction each, ``count`` times per
    record type, on the large and on the week's database: p95 and median. The records are
    dated today, outside the week the other figures read."""
    from casebench.system import rng_for
    from casereview.io.kinds import KINDS
    from casereview.storage.context import load_context
    from casereview.storage.db import connect

    figures = []
    today = today_only(ws.system)
    for section in ws.sections:
        if not section.save:
            continue
        rows = list((section.save_rows or section.rows)(today, count, rng_for(
            f"save-{section.name}", ws.seed)))
        if len(rows) < count:
            raise RuntimeError(f"{section.name}: only {len(rows)} rows to save")
        build = section.builder() or KINDS[section.kind].build
        save = section.saver()
        p95s, medians = {}, {}
        for label, path in (("large", ws.large_db), ("week", ws.week_db)):
            db = connect(path)
            try:
                context = load_context(db, ws.system.now)
                records = [build(dict(zip(section.columns, row, strict=True)), context)
                           for row in rows]
                times = []
                for record in records:
                    start = time.perf_counter()
                    save(db, record, BENCH_USER)
                    times.append((time.perf_counter() - start) * 1000)
            finally:
                db.conn.close()
            p95s[label], medians[label] = p95(times), median(times)
        figures.append(value_target(Figure(
            f"save.{section.name}", f"Save one {section.name} record through storage, p95 "
            "(large database)", p95s["large"], "ms", "p95 on the week's database",
            p95s["week"], runs=count,
            note=f"median {medians['large']:.2f} ms (week's database "
                 f"{medians['week']:.2f} ms)"), 20))
    return figures


FIGURES: dict[str, Callable] = {
    "summary": summary_figures,
    "scorecard": scorecard_figures,
    "pages": page_figures,
    "save": save_figures,
    "coldstart": coldstart_figures,
    "browse": browse_figures,
    "screens": screens_figures,
    "keys": keys_figures,
}


__all__ = ["FIGURES", "Figure", "import_figures"]
