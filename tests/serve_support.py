"""Running `casereview serve` for the browser tests: a database with two sites, an admin and
a site-limited auditor, the server on a free loopback port, and headless Chromium."""

from __future__ import annotations

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
    """Two sites (NGH: A1, A2; WCH: B1, B2), a complete review to sign off, an admin (ann)
    and an auditor for NGH only (bob)."""
    from casereview.domain.reference import Ward
    from casereview.domain.review import Review
    from casereview.domain.validation import validate
    from casereview.storage.context import load_context
    from casereview.storage.db import connect
    from casereview.storage.reference import save_site, save_ward
    from casereview.storage.reviews import save_review
    from casereview.storage.users import add_account, sign_in
    from tests.review_samples import complete_raw

    db = connect(path)
    try:
        save_site(db, "NGH", "Northgate General", "setup")
        save_site(db, "WCH", "Westbrook Community", "setup")
        for ward in (Ward("A1", "Ward A1", "NGH", True), Ward("A2", "Ward A2", "NGH", True),
                     Ward("B1", "Ward B1", "WCH", True), Ward("B2", "Ward B2", "WCH", True)):
            save_ward(db, ward, "setup")
        save_review(db, validate(Review, complete_raw(), load_context(db)), "setup")
        add_account(db, ADMIN, "admin", ADMIN_PW, by=None, display_name="Ann Admin")
        admin = sign_in(db, ADMIN, ADMIN_PW)
        add_account(db, AUDITOR, "auditor", AUDITOR_PW, by=admin, sites=["NGH"],
                    display_name="Bob Auditor")
    finally:
        db.conn.close()
    return path


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
