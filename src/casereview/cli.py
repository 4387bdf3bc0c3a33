"""Command line (SPEC 7). Argument parsing only: every command calls the layers below.

Exit status: 0 success, 1 invalid input (with a message naming the file, line and field),
2 usage error.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from casereview import __version__
from casereview.storage.errors import DatabaseError, translate

DEFAULT_DB = Path("db") / "casereview.db"
OK, INVALID, USAGE = 0, 1, 2

# A KIND's records in words, one and many: "1 move", "657 moves".
RECORD_NOUNS = {"moves": ("move", "moves"), "nights": ("night audit return", "night audit returns"),
                "reviews": ("review", "reviews"),
                "toc": ("Transfer of Care audit", "Transfer of Care audits"),
                "experience": ("experience sample", "experience samples"),
                "wards": ("ward", "wards"), "actions": ("action", "actions")}


def records(count: int, kind: str) -> str:
    one, many = RECORD_NOUNS.get(kind, (f"{kind} record", f"{kind} records"))
    return f"{count:,} {one if count == 1 else many}"


def default_db() -> Path:
    return Path(os.environ.get("CASEREVIEW_DB") or DEFAULT_DB)


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", type=Path, default=argparse.SUPPRESS,
                        help="database file (default: $CASEREVIEW_DB or db/casereview.db)")
    common.add_argument("--user", default=argparse.SUPPRESS,
                        help="name recorded as the author of changes (default: your login)")
    return common


class _LazyChoices:
    """A registry's names as argparse choices, read only when the argument is parsed or the
    help shown: the registries import every record model (import KINDs) or
    xlsxwriter (export kinds), which opening the app does not need (the app's cold start is
    measured, bench/README.md)."""

    def __init__(self, names: Callable[[], list[str]]) -> None:
        self._load = names

    def __contains__(self, name: object) -> bool:
        return name in self._load()

    def __iter__(self):
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


def _import_kinds() -> list[str]:
    from casereview.io.kinds import KINDS

    return sorted(KINDS)


def _export_kinds() -> list[str]:
    from casereview.io.record_export import EXPORT_KINDS

    return list(EXPORT_KINDS)


def _period_options(group) -> None:
    group.add_argument("--week", help="ISO week, e.g. 2026-W47")
    group.add_argument("--month", help="month, e.g. 2026-11")
    group.add_argument("--quarter", help="NHS financial quarter, e.g. '2026/27 Q3'")


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog="casereview", parents=[common],
        description="Audits of older people's journeys through hospital, community and social "
                    "care. With no command, opens the terminal application.")
    parser.add_argument("--version", action="version", version=f"casereview {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser("demo", parents=[common], help="create a database of synthetic data")
    demo.add_argument("--weeks", type=int, default=26, help="weeks of history (default 26)")

    imp = sub.add_parser("import", parents=[common], help="import a CSV file or workbook")
    imp.add_argument("kind", choices=_LazyChoices(_import_kinds), metavar="KIND",
                     help="one of: %(choices)s")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--skip-invalid", action="store_true",
                     help="write the valid rows; invalid rows go to FILE.rejects.csv")
    imp.add_argument("--sheet", metavar="NAME",
                     help="the sheet of an .xlsx workbook to read (default: the first)")
    imp.add_argument("--again", action="store_true",
                     help="import a file whose contents were imported before (recorded)")
    imp.add_argument("--allow-duplicates", action="store_true",
                     help="write rows the same as a record already there or an earlier row "
                          "of the file (recorded)")

    summary = sub.add_parser("summary", parents=[common], help="the measures for a period")
    _period_options(summary.add_mutually_exclusive_group(required=True))
    summary.add_argument("--format", choices=["json", "csv", "xlsx", "md"], default="json")
    summary.add_argument("--out", type=Path, help="write to FILE instead of standard output")
    summary.add_argument("--publish", action="store_true",
                         help="suppress counts of 1-7 for publication (SPEC 7.2)")

    pack = sub.add_parser(
        "board-pack", parents=[common], help="the board paper for a period (PDF or HTML)",
        description="The board paper (SPEC 9): a cover with what changed, the scorecard, an "
                    "SPC chart per measure with its variation and assurance, and the review "
                    "themes and learning of the period, on A4 landscape.")
    pack_period = pack.add_mutually_exclusive_group(required=True)
    _period_options(pack_period)
    pack.add_argument("--out", type=Path, required=True, metavar="FILE.pdf|FILE.html",
                      help="the file to write: .pdf or .html")
    pack.add_argument("--publish", action="store_true",
                      help="suppress counts of 1-7 (SPEC 7.2) and leave out free text")

    export = sub.add_parser(
        "export", parents=[common], help="record-level export, pseudonymised",
        description="Export the live records of one kind. patient_ref is replaced by "
                    "patient_key (a keyed hash, stable within this database) unless "
                    "--identifiable is given; an identifiable export is recorded in the "
                    "change log and its file is readable by you only.")
    export.add_argument("kind", choices=_LazyChoices(_export_kinds), metavar="KIND",
                        help="one of: %(choices)s")
    export.add_argument("--from", dest="date_from", metavar="DATE",
                        help="first date (the date a record belongs to: audit night, review, "
                             "audit or sample date), YYYY-MM-DD or DD/MM/YYYY")
    export.add_argument("--to", dest="date_to", metavar="DATE", help="last date (inclusive)")
    export.add_argument("--identifiable", action="store_true",
                        help="keep patient_ref (logged; the file is created 0600)")
    export.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    export.add_argument("--out", type=Path, help="write to FILE (csv goes to standard output "
                                                 "otherwise; xlsx needs a file)")

    backup = sub.add_parser("backup", parents=[common], help="an online copy of the database")
    backup.add_argument("--to", type=Path, help="backup file (default: beside the database)")

    sub.add_parser("check", parents=[common], help="integrity, foreign keys, change log")

    spc = sub.add_parser(
        "spc", parents=[common], help="a measure's weekly SPC chart as data",
        description="The weekly series of a measure with each week's value, the segment's mean "
                    "and limits, the rules marking it, its reading (improvement, concern, "
                    "common cause, none), the chart's icon and assurance (SPEC 6).")
    spc.add_argument("measure", metavar="MEASURE", help="a measure code, e.g. ooh_nc_moves")
    spc.add_argument("--scope", default="all",
                     help="all (default), site:CODE, ward:CODE or theme:CODE")
    spc.add_argument("--weeks", type=int, default=None,
                     help="how many weeks back from the last full week (default: about two "
                          "years, from the week the data begins)")
    spc.add_argument("--format", choices=["json", "csv"], default="json")
    return parser


def _fail(message: str, code: int = INVALID) -> int:
    print(f"casereview: {message}", file=sys.stderr)
    return code


def main(argv: list[str] | None = None, *, clock: Callable[[], datetime] | None = None) -> int:
    """Run a command. ``clock`` gives the time of asking (London time by default): what a
    period in progress counts, and which weeks have ended."""
    parser = build_parser()
    args = parser.parse_args(argv)
    args.now = (clock or _london_now)()
    db_path = getattr(args, "db", None) or default_db()
    from casereview.identity import current_user

    user = current_user(getattr(args, "user", None))
    command = args.command
    try:
        if command is None:
            return _run_app(db_path, user)
        handler = {"demo": _demo, "import": _import, "summary": _summary, "export": _export,
                   "board-pack": _board_pack, "backup": _backup, "check": _check,
                   "spc": _spc}[command]
        return handler(args, db_path, user)
    except KeyboardInterrupt:
        return _fail("interrupted; nothing further was written", INVALID)
    except BrokenPipeError:
        # The reader (e.g. `| head`) stopped early; that is not an error of ours.
        sys.stderr.close()
        return OK
    except DatabaseError as exc:
        return _fail(str(exc))
    except (sqlite3.Error, OSError) as exc:
        # A full disk, a read-only file, a damaged database: a sentence, not a traceback.
        translated = translate(exc, db_path)
        if translated is not None:
            return _fail(str(translated))
        if isinstance(exc, OSError):
            return _fail(_os_message(exc))
        raise


def _os_message(exc: OSError) -> str:
    import errno

    where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
    if exc.errno == errno.ENOSPC:
        return f"the disk is full{where}; nothing was saved. Free some space and try again."
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"cannot write{where}: {exc.strerror}"
    return f"{exc.strerror or exc}{where}"


def _open(db_path: Path, *, migrate: bool = True):
    from casereview.storage.db import connect

    return connect(db_path, migrate=migrate)


def _run_app(db_path: Path, user: str) -> int:
    from casereview.tui.app import create_app

    _open(db_path).conn.close()
    create_app(db_path, user).run()
    return OK


def _demo(args, db_path: Path, user: str) -> int:
    from casereview.demo import build_demo

    if args.weeks < 1 or args.weeks > 520:
        return _fail("--weeks must be between 1 and 520", USAGE)
    if db_path.exists():
        return _fail(f"{db_path} already exists; remove it or choose another --db")
    from casereview.progress import terminal_progress

    with terminal_progress("building the demo database", unit="steps") as bar:
        steps = iter(range(1, 100))

        def report(message: str) -> None:
            print(f"  {message}", file=sys.stderr)
            if bar:
                bar(next(steps), None)

        build_demo(db_path, weeks=args.weeks, report=report)
    print(f"demo database written to {db_path}", file=sys.stderr)
    return OK


def _import(args, db_path: Path, user: str) -> int:
    from casereview.io.csvfile import FileInvalid
    from casereview.io.importer import ImportFailed, import_file
    from casereview.io.kinds import KINDS
    from casereview.progress import terminal_progress
    from casereview.storage.context import load_context

    db = _open(db_path)
    context = load_context(db)
    try:
        with terminal_progress(f"importing {args.file.name}") as bar:
            result = import_file(db, KINDS[args.kind], args.file, context, user,
                                 skip_invalid=args.skip_invalid, parallel=True,
                                 sheet=args.sheet, again=args.again,
                                 allow_duplicates=args.allow_duplicates, progress=bar,
                                 announce=lambda note: print(note, file=sys.stderr))
    except FileInvalid as exc:
        return _fail(f"nothing imported.\n{exc}")
    except ImportFailed as exc:
        n = len(exc.result.problems)
        return _fail(f"nothing imported: {n} problem{'s' if n != 1 else ''} found\n{exc}")
    message = f"imported {records(result.written, args.kind)}"
    if result.rejected_rows:
        message += (f"; {result.rejected_rows} invalid row"
                    f"{'s' if result.rejected_rows != 1 else ''} written to {result.rejects_path}")
    print(message, file=sys.stderr)
    return OK


def _period(args):
    """The period of --week, --month or --quarter, or the message saying what is wrong."""
    from casereview.metrics.periods import PeriodError, parse_period

    kind = "week" if args.week else "month" if args.month else "quarter"
    try:
        period = parse_period(kind, args.week or args.month or args.quarter)
    except PeriodError as exc:
        return None, str(exc)
    if period.start > args.now.date():
        return None, (f"--{kind} {period.label} has not begun: it starts on "
                      f"{period.start:%a %d %b %Y}")
    return period, None


def _summary(args, db_path: Path, user: str) -> int:
    from casereview.io.summary_files import write_summary
    from casereview.metrics.engine import summarise

    period, problem = _period(args)
    if problem:
        return _fail(problem, USAGE)
    today = args.now.date()
    if args.format == "xlsx" and not args.out:
        return _fail("--format xlsx needs --out FILE", USAGE)
    from casereview.progress import terminal_progress

    db = _open(db_path)
    with terminal_progress(f"summary for {period.label}", unit=None):
        summary = summarise(db, period, generated_at=args.now)
        text = write_summary(db, summary, args.format, args.out, publish=args.publish,
                             today=today)
    if args.out:
        print(f"summary for {period.label} written to {args.out}", file=sys.stderr)
    elif text is not None:
        sys.stdout.write(text)
    return OK


def _board_pack(args, db_path: Path, user: str) -> int:
    from casereview.io.board_pack import board_pack_format, write_board_pack

    period, problem = _period(args)
    if problem:
        return _fail(problem, USAGE)
    try:
        board_pack_format(args.out)
    except ValueError as exc:
        return _fail(str(exc), USAGE)
    if not db_path.exists():
        return _fail(f"{db_path} does not exist")
    db = _open(db_path)
    try:
        write_board_pack(db, period, args.out, publish=args.publish, today=args.now.date(),
                         generated_at=args.now)
    finally:
        db.conn.close()
    note = " (published: small numbers suppressed, no free text)" if args.publish else ""
    print(f"board pack for {period.label} written to {args.out}{note}", file=sys.stderr)
    return OK


def _export(args, db_path: Path, user: str) -> int:
    from casereview.domain.values import parse_date
    from casereview.io.pseudonym import SecretMissing
    from casereview.io.record_export import ExportError, export_records

    dates = {}
    for option, text in (("--from", args.date_from), ("--to", args.date_to)):
        try:
            dates[option] = parse_date(text) if text else None
        except ValueError as exc:
            return _fail(f"{option}: {exc}", USAGE)
    if args.format == "xlsx" and not args.out:
        return _fail("--format xlsx needs --out FILE", USAGE)
    if not db_path.exists():
        return _fail(f"{db_path} does not exist")
    from casereview.progress import is_terminal, terminal_progress

    db = _open(db_path)
    # Not over an export written to this same terminal.
    shown = args.out is not None or not is_terminal(sys.stdout)
    try:
        with terminal_progress(f"exporting {args.kind}") if shown else _nothing() as bar:
            result = export_records(
                db, args.kind, user, start=dates["--from"], end=dates["--to"],
                identifiable=args.identifiable, fmt=args.format, out=args.out,
                stream=sys.stdout, progress=(lambda n: bar(n, None)) if bar else None)
    except ExportError as exc:
        return _fail(str(exc), USAGE)
    except SecretMissing as exc:
        return _fail(str(exc))
    if result.path:
        note = " (identifiable: recorded in the change log)" if result.identifiable else ""
        print(f"{records(result.rows, args.kind)} written to {result.path}{note}",
              file=sys.stderr)
    return OK


def _nothing():
    import contextlib

    return contextlib.nullcontext(None)


def _london_now() -> datetime:
    from casereview.domain.values import LONDON

    return datetime.now(LONDON)


def _spc(args, db_path: Path, user: str) -> int:
    from casereview.io.spc_export import SpcRequestInvalid, spc_text

    if not db_path.exists():
        return _fail(f"{db_path} does not exist")
    db = _open(db_path)
    try:
        text = spc_text(db, args.measure, args.scope, args.weeks, args.format, args.now)
    except SpcRequestInvalid as exc:
        return _fail(str(exc), USAGE)
    sys.stdout.write(text)
    return OK


def _backup(args, db_path: Path, user: str) -> int:
    from casereview.storage.db import backup_to

    if not db_path.exists():
        return _fail(f"{db_path} does not exist")
    # A backup copies the database as it is: no upgrade first.
    db = _open(db_path, migrate=False)
    try:
        target = args.to or db_path.with_name(
            f"{db_path.stem}-backup-{datetime.now():%Y%m%d-%H%M%S}.db")
        backup_to(db, target)
    finally:
        db.conn.close()
    print(f"backup written to {target}", file=sys.stderr)
    return OK


def _check(args, db_path: Path, user: str) -> int:
    from casereview.storage.check import check_database
    from casereview.storage.db import schema_version, user_version

    if not db_path.exists():
        return _fail(f"{db_path} does not exist")
    # Checked as found: an older schema is reported, not upgraded.
    db = _open(db_path, migrate=False)
    try:
        try:
            problems = check_database(db)
        except sqlite3.DatabaseError as exc:
            problems = [f"integrity: the database cannot be read through ({exc})"]
        version = user_version(db.conn) if not problems else None
    finally:
        db.conn.close()
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        print(f"{db_path}: {len(problems)} problem{'s' if len(problems) != 1 else ''} found; "
              "see docs/data-safety.md", file=sys.stderr)
        return INVALID
    note = ""
    if version is not None and version < schema_version():
        note = (f" (schema version {version}; casereview upgrades it to {schema_version()} "
                "the next time it is opened, after a backup)")
    print(f"{db_path}: ok{note}", file=sys.stderr)
    return OK


if __name__ == "__main__":
    sys.exit(main())
