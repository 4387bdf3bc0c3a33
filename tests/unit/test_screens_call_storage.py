"""Only storage talks to SQLite: no module under tui/, nor cli.py, runs SQL, opens a
connection or even holds one (a screen that needs data calls a storage function and hands it
the Database). Catching sqlite3's exception types is allowed."""

import ast
from pathlib import Path

import casereview

PACKAGE = Path(casereview.__file__).parent
SQL_METHODS = {"execute", "executemany", "executescript"}


def _modules() -> list[Path]:
    return sorted((PACKAGE / "tui").rglob("*.py")) + [PACKAGE / "cli.py"]


def sql_uses(source: str) -> list[str]:
    """Each place ``source`` runs SQL, opens a connection or reaches for one."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute):
            if node.attr == "conn" or node.attr in SQL_METHODS:
                found.append(f"{node.lineno}: .{node.attr}")
            elif node.attr == "connect" and isinstance(node.value, ast.Name) \
                    and node.value.id == "sqlite3":
                found.append(f"{node.lineno}: sqlite3.connect")
    return sorted(found)


def test_no_screen_or_command_runs_sql():
    modules = _modules()
    assert len(modules) > 20  # the check reads the real tree
    uses = [f"{path.relative_to(PACKAGE)}:{use}" for path in modules
            for use in sql_uses(path.read_text(encoding="utf-8"))]
    assert uses == [], "SQL outside storage:\n" + "\n".join(uses)


def test_the_check_would_catch_a_query_in_a_screen():
    source = ("import sqlite3\n"
              "def rows(app):\n"
              "    return app.db.conn.execute('SELECT 1').fetchall()\n"
              "def other(path):\n"
              "    return sqlite3.connect(path)\n")
    assert sql_uses(source) == ["3: .conn", "3: .execute", "5: sqlite3.connect"]
