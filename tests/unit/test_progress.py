"""Long commands show progress on a terminal, and nothing extra anywhere else (SPEC 7.1:
"Long imports show progress on a terminal and say how many rows they wrote")."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

from safety_support import MOVE_COLUMNS, env, run_cli

from casereview.io.importer import import_file
from casereview.io.kinds import KINDS
from casereview.progress import terminal_progress

ROW = "2026-11-{day:02d} 23:{minute:02d},NGH,A1,A2,CAPACITY,,84,yes,S. Okafor,yes,1,n{n}\n"


def moves_file(path: Path, rows: int) -> Path:
    lines = [",".join(MOVE_COLUMNS) + "\n"]
    lines += [ROW.format(day=1 + n // 60 % 20, minute=n % 60, n=n) for n in range(rows)]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_the_importer_reports_its_progress_with_the_expected_total(ref_db, ctx, tmp_path,
                                                                   monkeypatch):
    from casereview.io import importer

    monkeypatch.setattr(importer, "CHUNK_ROWS", 100)
    path = moves_file(tmp_path / "m.csv", 250)
    seen: list[tuple[int, int | None]] = []
    import_file(ref_db, KINDS["moves"], path, ctx, "t", progress=lambda d, t: seen.append((d, t)))
    assert seen == [(100, 250), (200, 250), (250, 250), (250, 250)]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_bar_is_drawn_on_a_terminal_and_nothing_elsewhere():
    screen = _Terminal()
    with terminal_progress("importing m.csv", stream=screen) as update:
        assert update is not None
        update(50, 100)
    assert "importing m.csv" in screen.getvalue()
    assert "50/100" in screen.getvalue()
    quiet = io.StringIO()
    with terminal_progress("importing m.csv", stream=quiet) as update:
        assert update is None
    assert quiet.getvalue() == ""


def test_a_command_that_is_not_on_a_terminal_prints_only_its_own_lines(ref_db, db_path,
                                                                       tmp_path):
    ref_db.conn.close()
    path = moves_file(tmp_path / "m.csv", 300)
    result = run_cli("import", "moves", str(path), "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert result.stderr == "imported 300 moves\n"


def test_the_import_command_shows_a_bar_on_a_terminal(ref_db, db_path, tmp_path):
    ref_db.conn.close()
    path = moves_file(tmp_path / "m.csv", 3000)
    leader, follower = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-m", "casereview", "import", "moves", str(path), "--db",
         str(db_path)], stdin=follower, stdout=follower, stderr=follower,
        env=dict(env(), TERM="xterm-256color", COLUMNS="120"), close_fds=True)
    os.close(follower)
    seen = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 120)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    child.wait(timeout=120)
    os.close(leader)
    text = seen.decode("utf-8", "replace")
    assert child.returncode == 0, text
    assert "importing m.csv" in text
    assert "rows" in text
    assert "imported 3,000 moves" in text


def test_export_summary_demo_and_board_pack_show_progress_on_a_terminal(ref_db, db_path, tmp_path,
                                                             monkeypatch):
    from casereview.cli import main

    ref_db.conn.close()
    assert main(["import", "moves", str(moves_file(tmp_path / "m.csv", 50)), "--db",
                 str(db_path)]) == 0
    for argv, shown in [
        (["export", "moves", "--out", str(tmp_path / "out.csv")], "exporting moves"),
        (["summary", "--week", "2026-W47", "--out", str(tmp_path / "s.json")],
         "summary for 2026-W47"),
        (["demo", "--weeks", "4", "--db", str(tmp_path / "demo.db")],
         "building the demo database"),
        (["board-pack", "--week", "2026-W47", "--out", str(tmp_path / "pack.html")],
         "board pack for 2026-W47"),
    ]:
        screen = _Terminal()
        monkeypatch.setattr(sys, "stderr", screen)
        if argv[0] != "demo":
            argv += ["--db", str(db_path)]
        assert main(argv) == 0
        monkeypatch.undo()
        assert shown in screen.getvalue(), argv
