"""`make bench` / `python bench/run.py`: build the databases, measure every figure beside its
baseline, print the table and write it under bench/results/. See bench/README.md."""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from datetime import timedelta
from pathlib import Path

from casebench import build, figures, report
from casebench.figures import Figure
from casebench.measure import BENCH_DIR
from casebench.sections import SECTIONS, available_sections
from casebench.system import the_system

ALL = ["import", "summary", "scorecard", "pages", "save", "coldstart", "browse", "screens",
       "keys"]


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="size of the history: 1 = 1,000,000 moves and 20 years "
                             "(default); 0.01 for a quick run")
    parser.add_argument("--runs", type=int, default=3,
                        help="runs of the slow figures (import, browse, screens); cold start "
                             "takes 2 x runs + 1, keys runs - 1, the in-process figures 15 "
                             "(default 3)")
    parser.add_argument("--saves", type=int, default=200,
                        help="records saved per record type for the save p95 (default 200)")
    parser.add_argument("--only", help=f"comma-separated figures to run, of: {', '.join(ALL)}")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--rebuild", action="store_true",
                        help="write the files and build the databases again even if current")
    parser.add_argument("--work", type=Path, default=BENCH_DIR / "work",
                        help="where the files and databases go (default bench/work)")
    parser.add_argument("--results", type=Path, default=BENCH_DIR / "results",
                        help="where the table goes (default bench/results)")
    args = parser.parse_args(argv)
    args.figures = ALL if not args.only else [f.strip() for f in args.only.split(",")]
    unknown = set(args.figures) - set(ALL)
    if unknown:
        parser.error(f"unknown figure(s) {', '.join(sorted(unknown))}; choose from "
                     f"{', '.join(ALL)}")
    if args.scale <= 0 or args.runs < 1 or args.saves < 20:
        parser.error("--scale must be above 0, --runs at least 1, --saves at least 20")
    return args


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _failed(name: str, exc: BaseException) -> Figure:
    log(f"{name} failed: {exc}")
    traceback.print_exc(file=sys.stderr)
    return Figure(f"{name}.error", f"{name}: not measured", None, "", met=False,
                  note=f"{type(exc).__name__}: {exc}"[:500])


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    started = time.perf_counter()
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    system = the_system(args.scale)
    sections = available_sections()
    skipped = [s.name for s in SECTIONS if s not in sections]
    log(f"scale {args.scale:g}: {system.first_day} to {system.last_day} ({system.days} days); "
        f"sections {', '.join(s.name for s in sections)}"
        + (f" (not in this code yet: {', '.join(skipped)})" if skipped else ""))
    ws = build.workspace(args.work, args.scale, args.seed, system, sections, log)
    file_rows = build.write_files(ws, args.rebuild)
    results: list[Figure] = []

    moves_db = None
    if "import" in args.figures:
        try:
            found, moves_db = figures.import_figures(ws, args.runs)
            results += found
        except Exception as exc:
            results.append(_failed("import", exc))
    if args.figures == ["import"]:
        log("only the import figures: the large and week-only databases are not built")
    elif args.rebuild or not ws.current():
        build.build_large(ws, moves_db)
        build.build_week(ws)
        ws.save_manifest(file_rows)
    else:
        log("large and week-only databases are current: reused")
        ws.timings = ws.saved_timings()
    if moves_db is not None:
        for suffix in ("", "-wal", "-shm"):
            Path(str(moves_db) + suffix).unlink(missing_ok=True)

    # Counted before the figures: the save figure adds records (dated today) to both.
    built = ws.large_db.exists() and ws.week_db.exists()
    large_rows = build.counts(ws.large_db, sections) if built else {}
    week_rows = build.counts(ws.week_db, sections) if built else {}
    large_mb = ws.large_db.stat().st_size / 1024 / 1024 if built else 0.0

    runs = {"summary": 15, "scorecard": 15, "pages": 15, "save": args.saves,
            "coldstart": 2 * args.runs + 1, "browse": args.runs, "screens": args.runs,
            "keys": max(1, args.runs - 1)}
    for name in ALL[1:]:
        if name not in args.figures:
            continue
        log(f"measuring {name}")
        try:
            results += figures.FIGURES[name](ws, runs[name])
        except Exception as exc:
            results.append(_failed(name, exc))

    week = ws.system.week_of_interest()
    info = {
        "scale": args.scale, "seed": args.seed, "finished": report.now(),
        "seconds": time.perf_counter() - started, "machine": report.machine(),
        "load_before": load_before,
        "load_after": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "span": [system.first_day.isoformat(), system.last_day.isoformat()],
        "week": [week.isoformat(), (week + timedelta(days=6)).isoformat()],
        "large_rows": large_rows, "large_mb": large_mb, "week_rows": week_rows,
        "files": file_rows, "build_timings": ws.timings, "skipped": skipped,
        "figures_run": args.figures, "only": bool(args.only),
    }
    print(report.table(results))
    json_path, md_path = report.write(args.results, results, info)
    log(f"written {json_path} and {md_path}")
    missed = [f.title.strip() for f in results if f.met is False]
    if missed:
        log("targets missed: " + "; ".join(missed))
    return 0
