"""Running `casereview serve` for the browser tests: a database with two sites, an admin and
a site-limited auditor, the server on a free loopback port, and headless Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ADMIN, ADMIN_PW = "ann", "admin-password-1"
AUDITOR, AUDITOR_PW = "bob", "auditor-password-1"

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--window-size=1400,1000"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def shared_database(path: Path) -> Path:
    """Made as a person would, from the command line: two sites (NGH: A1, A2; WCH: B1, B2)
    imported, an admin (ann) and an auditor for NGH only (bob); and a complete review to
    sign off."""
    from casereview.cli import main
    from casereview.domain.review import Review
    from casereview.domain.validation import validate
    from casereview.storage.context import load_context
    from casereview.storage.db import connect
    from casereview.storage.reviews import save_review
    from tests.review_samples import complete_raw

    wards = path.with_name("wards.csv")
    wards.write_text("site_code,site_name,ward_code,ward_name,older_adults\n"
                     "NGH,Northgate General,A1,Ward A1,yes\nNGH,,A2,Ward A2,yes\n"
                     "WCH,Westbrook Community,B1,Ward B1,yes\nWCH,,B2,Ward B2,yes\n",
                     encoding="utf-8")
    db = str(path)
    assert main(["import", "wards", str(wards), "--db", db]) == 0
    conn = connect(path)
    save_review(conn, validate(Review, complete_raw(), load_context(conn)), "setup")
    conn.conn.close()
    with _environment(CASEREVIEW_NEW_PASSWORD=ADMIN_PW):
        assert main(["users", "add", ADMIN, "--role", "admin", "--name", "Ann Admin",
                     "--db", db]) == 0
    with _environment(CASEREVIEW_PASSWORD=ADMIN_PW, CASEREVIEW_NEW_PASSWORD=AUDITOR_PW):
        assert main(["users", "add", AUDITOR, "--role", "auditor", "--sites", "NGH",
                     "--name", "Bob Auditor", "--db", db, "--user", ADMIN]) == 0
    return path


@contextmanager
def _environment(**values: str):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def wait_for(condition, timeout: float = 60.0, every: float = 0.25, what: str = ""):
    """Poll until ``condition()`` is truthy (returned), or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(every)


@contextmanager
def running_server(db_path: Path, port: int | None = None):
    """`casereview serve` on a free 127.0.0.1 port; yields its URL, stops it afterwards."""
    port = port or free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "casereview", "serve", "--db", str(db_path), "--port",
         str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def listening() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"casereview serve stopped: {process.stdout.read()!r}")
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) == 0

    try:
        wait_for(listening, 60, what="the server to listen")
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def chromium(profile: Path):
    """Headless Debian Chromium driven by Selenium through /usr/bin/chromedriver."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    from tests.system_tools import require_tool

    options = webdriver.ChromeOptions()
    options.binary_location = require_tool("chromium")
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    return webdriver.Chrome(options=options, service=Service(require_tool("chromedriver")))
