"""Opening the app paints the home screen without loading the record models (pydantic comes
with the first record validated; the screens behind the menu are imported when opened or by
a worker after the first paint), the metrics engine or how its numbers are written (loaded
with the first scorecard, after the first paint). Every menu entry still opens its screen."""

import os
import subprocess
import sys
from pathlib import Path

from textual.screen import Screen

import casereview
from casereview.tui.navigation import LazyScreen, destinations

SRC = str(Path(casereview.__file__).parents[1])

FIRST_PAINT_PATH = """
import sys
import casereview.cli
casereview.cli.build_parser()
import casereview.tui.app, casereview.tui.screens.home
from casereview.tui.navigation import destinations
destinations()
from casereview.storage.db import connect
connect(sys.argv[1]).conn.close()
print(sorted(m for m in ("pydantic", "casereview.domain.move",
                         "casereview.io.kinds", "casereview.tui.screens.night_log",
                         "casereview.storage.moves",
                         "nhs_number", "matplotlib", "fpdf", "casereview.io.board_pack",
                         "dateutil", "casereview.metrics.spc", "casereview.metrics.display",
                         "casereview.domain.validation", "casereview.tui.widgets.dialogs")
             if m in sys.modules))
"""


def test_the_home_screen_path_does_not_import_the_record_models(tmp_path):
    env = dict(os.environ, PYTHONPATH=SRC)
    done = subprocess.run([sys.executable, "-c", FIRST_PAINT_PATH, str(tmp_path / "c.db")],
                          env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_database_knows_its_schema(ref_db):
    """connect() hands out the sqlite3 connection, set up with recursive triggers, and
    answers what the schema holds."""
    assert ref_db.conn.execute("PRAGMA recursive_triggers").fetchone()[0] == 1
    assert "move" in ref_db.table_names()
    assert ref_db.columns("ward")[:2] == ["ward_code", "ward_name"]


def test_every_destination_resolves_to_a_screen_with_its_keys():
    for dest in destinations():
        if isinstance(dest.factory, LazyScreen):
            cls = dest.factory.resolve()
            assert issubclass(cls, Screen)
            assert dest.factory.BINDINGS is cls.BINDINGS


def test_import_kinds_still_checked_on_the_command_line(tmp_path, capsys):
    from casereview.cli import main

    try:
        main(["import", "bogus", str(tmp_path / "x.csv"), "--db", str(tmp_path / "c.db")])
    except SystemExit as exc:
        assert exc.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'bogus' (choose from " in err and "'moves'" in err


def test_opening_the_app_parses_its_options_as_the_whole_parser_does(capsys):
    """The app's own options are parsed without every command's parser; whatever else is
    given (a command, help, a mistake) is answered by the whole parser, as before."""
    import pytest

    from casereview.cli import build_parser, parse_arguments

    def parsed(parse, argv):
        try:
            return vars(parse(argv))
        except SystemExit as exc:
            return f"exit {exc.code}: {capsys.readouterr()}"

    for argv in ([], ["--db", "x"], ["--db=x", "--user", "b"], ["--web-session"], ["--d", "x"],
                 ["--user", "demo"], ["demo", "--db", "x"], ["--db", "x", "check"], ["--db"],
                 ["--frob"], ["x"], ["-h"], ["--version"]):
        assert parsed(parse_arguments, argv) == parsed(build_parser().parse_args, argv), argv
    with pytest.raises(SystemExit):
        parse_arguments(["--help"])
    assert "board-pack" in capsys.readouterr().out
