"""`casereview serve`: the terminal application in web browsers (SPEC 8).

textual-serve's Server answers each browser connection by starting one app process of its
own (``python -m casereview --db PATH``) and relaying the terminal to xterm.js in the page.
Every such session opens on the sign-in screen, because a served database must hold
accounts: serving one without would let anyone who reaches the address act as the server's
login. The server binds to 127.0.0.1 unless told otherwise and is meant to sit behind the
organisation's HTTPS reverse proxy (README).
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

# Never handed on to a browser session's process: a scheduled job's password in the server's
# environment would otherwise sign every session in.
SECRET_ENVIRONMENT = ("CASEREVIEW_PASSWORD", "CASEREVIEW_NEW_PASSWORD")


class ServeRefused(Exception):
    pass


def session_command(db_path: Path) -> str:
    """The shell command textual-serve runs for each browser connection."""
    return shlex.join([sys.executable, "-m", "casereview", "--db", str(Path(db_path).resolve()),
                       "--web-session"])


def serve(db_path: Path, *, host: str = "127.0.0.1", port: int = 8000,
          public_url: str | None = None) -> None:
    from casereview.storage.db import connect
    from casereview.storage.users import has_accounts

    db = connect(db_path)
    try:
        if not has_accounts(db):
            raise ServeRefused(
                f"{db_path} has no user accounts, so a browser session could not sign in. "
                "Create the first admin with `casereview users add NAME --role admin`, "
                "then serve it")
    finally:
        db.conn.close()
    for name in SECRET_ENVIRONMENT:
        os.environ.pop(name, None)
    from textual_serve.server import Server

    Server(session_command(db_path), host=host, port=port, title="casereview",
           public_url=public_url).serve()
