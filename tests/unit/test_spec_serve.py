"""SPEC 7 / 8: `casereview serve` binds to 127.0.0.1 unless --host says otherwise, and each
browser session runs the application on the same database (the server itself is replaced by
a recorder: no socket is opened)."""

from __future__ import annotations

import pytest
import textual_serve.server

from casereview.cli import main
from tests.unit.test_cli_users import db  # noqa: F401  (the fixture: wards, an admin, an auditor)


@pytest.fixture
def started(monkeypatch):
    calls: list[dict] = []

    class Recorder:
        def __init__(self, command, **kwargs):
            calls.append({"command": command, **kwargs})

        def serve(self):
            calls[-1]["served"] = True

    monkeypatch.setattr(textual_serve.server, "Server", Recorder)
    return calls


def test_serve_binds_to_loopback_by_default(db, started):  # noqa: F811
    assert main(["serve", "--db", db]) == 0
    [call] = started
    assert call["host"] == "127.0.0.1" and call["port"] == 8000 and call["served"]
    assert db in call["command"]


def test_host_and_port_are_taken_when_given(db, started):  # noqa: F811
    assert main(["serve", "--db", db, "--host", "0.0.0.0", "--port", "8443"]) == 0
    assert (started[0]["host"], started[0]["port"]) == ("0.0.0.0", 8443)


def test_a_port_out_of_range_is_a_usage_error(db, started, capsys):  # noqa: F811
    assert main(["serve", "--db", db, "--port", "70000"]) == 2
    assert "--port" in capsys.readouterr().err and started == []
