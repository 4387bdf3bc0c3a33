"""Who is using the tool: the operating-system login unless --user is given."""

from __future__ import annotations

import getpass
import os


def current_user(explicit: str | None = None) -> str:
    if explicit and explicit.strip():
        return explicit.strip()
    try:
        return getpass.getuser()
    except Exception:  # no login name in a bare container
        return os.environ.get("USER") or "unknown"
