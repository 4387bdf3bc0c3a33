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
    # A browser session of `casereview serve`: the sign-in screen starts blank (the server's
    # login name is nobody's username).
    parser.add_argument("--web-session", action="store_true", help=argparse.SUPPRESS)
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
    _users_parser(sub, common)

    serve = sub.add_parser(
        "serve", parents=[common], help="the application in a web browser, with sign-in",
        description="Serve the application to web browsers (textual-serve): each browser "
                    "connection runs its own session, which signs in. Binds to 127.0.0.1 "
                    "unless --host says otherwise; put it behind your HTTPS reverse proxy "
                    "(README).")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on "
                                                           "(default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--public-url", help="the address people's browsers use, when a "
                                            "reverse proxy serves it (e.g. https://audit.example.nhs.uk)")

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


class _NotTheApp(Exception):
    """The arguments are more than the options of opening the app."""


class _AppOptions(argparse.ArgumentParser):
    def error(self, message: str):
        raise _NotTheApp(message)


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    """Opening the app (no command, the usual case) is parsed by its few options alone,
    without building every command's parser (a few milliseconds of the cold start);
    anything else (a command, --help, --version, a mistake) by the whole parser, which
    answers as it always has."""
    app = _AppOptions(prog="casereview", parents=[_common()], add_help=False,
                      exit_on_error=False)
    app.add_argument("--web-session", action="store_true")
    try:
        args, rest = app.parse_known_args(argv)
    except (argparse.ArgumentError, _NotTheApp):
        rest = True
    if not rest:
        args.command = None
        return args
    return build_parser().parse_args(argv)


def _users_parser(sub, common: argparse.ArgumentParser) -> None:
    users = sub.add_parser(
        "users", parents=[common], help="user accounts and roles (SPEC 8)",
        description="Accounts for a shared database. The first account must be an admin "
                    "and needs no sign-in; every later change needs an admin's (--user NAME, "
                    "password prompted or in CASEREVIEW_PASSWORD). A new password is "
                    "prompted twice or read from CASEREVIEW_NEW_PASSWORD.")
    verbs = users.add_subparsers(dest="verb", metavar="VERB", required=True)
    add = verbs.add_parser("add", parents=[common], help="create an account")
    add.add_argument("username", metavar="USERNAME")
    add.add_argument("--role", required=True, metavar="ROLE",
                     help="viewer, auditor, lead or admin")
    for p in (add, verbs.add_parser("set", parents=[common], help="change an account")):
        if p is not add:
            p.add_argument("username", metavar="USERNAME")
            p.add_argument("--role", metavar="ROLE", help="viewer, auditor, lead or admin")
            p.add_argument("--all-sites", action="store_true",
                           help="remove the site grant: every site")
            p.add_argument("--password", action="store_true",
                           help="set a new password (prompted twice or "
                                "CASEREVIEW_NEW_PASSWORD); also unlocks")
            p.add_argument("--enable", action="store_true", help="enable a disabled account")
            p.add_argument("--unlock", action="store_true",
                           help="clear a lock after failed sign-ins")
        p.add_argument("--name", help="the person's name as shown")
        p.add_argument("--agency", metavar="CODE", help="their agency (e.g. ACUTE, ASC)")
        p.add_argument("--sites", metavar="CODE,...",
                       help="limit to these sites (default: every site)")
    disable = verbs.add_parser("disable", parents=[common], help="disable an account")
    disable.add_argument("username", metavar="USERNAME")
    verbs.add_parser("list", parents=[common], help="the accounts (no secrets)")


def _fail(message: str, code: int = INVALID) -> int:
    print(f"casereview: {message}", file=sys.stderr)
    return code


def main(argv: list[str] | None = None, *, clock: Callable[[], datetime] | None = None) -> int:
    """Run a command. ``clock`` gives the time of asking (London time by default): what a
    period in progress counts, and which weeks have ended."""
    args = parse_arguments(argv)
    args.now = (clock or _london_now)()
    db_path = getattr(args, "db", None) or default_db()
    from casereview.identity import current_user

    user = current_user(getattr(args, "user", None))
    command = args.command
    try:
        if command is None:
            return _run_app(db_path, user, "" if args.web_session
                            else getattr(args, "user", None) or user)
        if command not in NO_SIGN_IN:
            user = _sign_in(args, db_path, user)
        handler = {"demo": _demo, "import": _import, "summary": _summary, "export": _export,
                   "board-pack": _board_pack, "backup": _backup, "check": _check,
                   "spc": _spc, "users": _users, "serve": _serve}[command]
        return handler(args, db_path, user)
    except SignInFailed as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return _fail("interrupted; nothing further was written", INVALID)
    except BrokenPipeError:
        # The reader (e.g. `| head`) stopped early; that is not an error of ours.
        sys.stderr.close()
        return OK
    except DatabaseError as exc:
        return _fail(str(exc))
    except PermissionError as exc:  # AccessDenied: a role or site grant refused it
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


# Commands that need no sign-in: a new demo database has no accounts; a server's browser
# sessions each sign in themselves.
NO_SIGN_IN = {"demo", "serve"}

# The signed-in session of this command (None: a database without accounts); every
# connection the command opens carries it, so the storage layer limits what it reads and
# refuses what the role or site grant does not allow.
_session = None


class SignInFailed(Exception):
    pass


def _open(db_path: Path, *, migrate: bool = True):
    from casereview.storage.access import bind
    from casereview.storage.db import connect

    db = connect(db_path, migrate=migrate)
    bind(db, _session)
    return db


def _sign_in(args, db_path: Path, user: str) -> str:
    """With accounts in the database, the command runs as the user it names (--user, or the
    login name) only once their password is given: CASEREVIEW_PASSWORD, or asked on the
    terminal. A refused sign-in changes nothing but the change log, and exits 1."""
    global _session
    _session = None
    if not Path(db_path).exists():
        return user
    from casereview.storage.db import connect
    from casereview.storage.users import SignInRefused, has_accounts, sign_in

    db = connect(db_path, migrate=args.command not in ("backup", "check"))
    try:
        if not has_accounts(db):
            return user
        password = os.environ.get("CASEREVIEW_PASSWORD")
        if password is None:
            if not sys.stdin.isatty():
                raise SignInFailed(f"this database has user accounts: {user} must sign in. "
                                   "Give the password in CASEREVIEW_PASSWORD or run the "
                                   "command in a terminal; nothing was changed")
            import getpass

            password = getpass.getpass(f"casereview password for {user}: ")
        try:
            _session = sign_in(db, user, password)
        except SignInRefused as exc:
            raise SignInFailed(f"{exc}; nothing was changed") from None
    finally:
        db.close()
    return _session.user


def _new_password(username: str) -> str:
    """A new account's password: CASEREVIEW_NEW_PASSWORD, or typed twice on the terminal."""
    password = os.environ.get("CASEREVIEW_NEW_PASSWORD")
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise SignInFailed("password: give it in CASEREVIEW_NEW_PASSWORD or run the command "
                           "in a terminal; nothing was changed")
    import getpass

    first = getpass.getpass(f"new password for {username}: ")
    if getpass.getpass("the same password again: ") != first:
        raise SignInFailed("password: the two passwords differ; nothing was changed")
    return first


def _users(args, db_path: Path, user: str) -> int:
    from casereview.storage.users import (
        AccountError,
        add_account,
        list_accounts,
        set_account,
        unlock_account,
    )

    db = _open(db_path)
    sites = None
    if getattr(args, "sites", None) is not None:
        sites = [s for s in args.sites.split(",") if s.strip()]
    try:
        if args.verb == "list":
            _print_accounts(list_accounts(db))
            return OK
        if args.verb == "add":
            account = add_account(db, args.username, args.role, _new_password(args.username),
                                  by=_session, display_name=args.name or "",
                                  agency_code=args.agency, sites=sites, installer=user)
            print(f"account {account.username} added: {account.access().describe()}",
                  file=sys.stderr)
            return OK
        if args.verb == "disable":
            set_account(db, args.username, by=_session, active=False)
            print(f"account {args.username} disabled", file=sys.stderr)
            return OK
        changes: dict = {}
        if args.sites is not None and args.all_sites:
            return _fail("give --sites or --all-sites, not both", USAGE)
        if args.sites is not None:
            changes["sites"] = sites
        elif args.all_sites:
            changes["sites"] = None
        if args.password:
            changes["password"] = _new_password(args.username)
        if args.enable:
            changes["active"] = True
        if args.unlock and not (changes or args.role or args.name or args.agency):
            account = unlock_account(db, args.username, by=_session)
        else:
            account = set_account(db, args.username, by=_session, role=args.role,
                                  display_name=args.name, agency_code=args.agency, **changes)
            if args.unlock:
                account = unlock_account(db, args.username, by=_session)
        print(f"account {account.username} changed: {account.access().describe()}",
              file=sys.stderr)
        return OK
    except AccountError as exc:
        return _fail(f"{exc}; nothing was changed")
    except ValueError as exc:  # an unknown role
        return _fail(f"{exc}; nothing was changed")


def _print_accounts(accounts) -> None:
    if not accounts:
        print("no accounts: anyone who can open the database uses it as their login name",
              file=sys.stderr)
        return
    print(f"{'username':<20} {'role':<8} {'sites':<16} {'agency':<10} {'state':<22} name")
    for a in accounts:
        state = "active" if a.active else "disabled"
        if a.active and a.locked_until:
            state = f"locked to {a.locked_until[11:16]} UTC"
        print(f"{a.username:<20} {a.role.value:<8} {';'.join(a.sites or ['every site']):<16} "
              f"{a.agency_code or '':<10} {state:<22} {a.display_name}")


def _serve(args, db_path: Path, user: str) -> int:
    from casereview.web import ServeRefused, serve

    if not 0 < args.port < 65536:
        return _fail("--port must be between 1 and 65535", USAGE)
    _open(db_path).close()  # create or upgrade it once, before any session starts
    try:
        serve(db_path, host=args.host, port=args.port, public_url=args.public_url)
    except ServeRefused as exc:
        return _fail(str(exc))
    return OK


def _run_app(db_path: Path, user: str, sign_in_name: str = "") -> int:
    """The terminal application; with accounts in the database it opens on the sign-in
    screen (the name given with --user, or the login name, typed in)."""
    import gc

    # Starting makes objects that live as long as the app (modules, styles, the first
    # screen): sweeping them for garbage before the first frame only delays it. The app
    # turns collection back on once the first frame is on screen (CaseReviewApp.on_ready).
    gc.disable()
    from casereview.tui.app import create_app

    _open(db_path).close()
    try:
        create_app(db_path, user, sign_in_name=sign_in_name).run()
    finally:
        gc.enable()
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
    from casereview.io.csvfile import FileInvalid, OptionMisused
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
    except OptionMisused as exc:
        return _fail(f"nothing imported.\n{exc}", USAGE)
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
    from casereview.progress import terminal_progress

    db = _open(db_path)
    try:
        with terminal_progress(f"board pack for {period.label}", unit=None):
            write_board_pack(db, period, args.out, publish=args.publish,
                             today=args.now.date(), generated_at=args.now)
    finally:
        db.close()
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
        db.close()
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
        version = user_version(db) if not problems else None
    finally:
        db.close()
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
