"""SPEC 8, `casereview serve` in a real browser: headless Chromium signs in through the page
(a terminal drawn by xterm.js, typed into with keyboard events), logs a move and closes a
night as the admin, and the database shows both under the admin's name; a site-limited
auditor sees their site only and is refused a sign-off; a wrong password is refused.

Screenshots of each session go to $CASEREVIEW_SHOTS (a temporary folder by default).
"""

from __future__ import annotations

import os
import sqlite3
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from casereview.domain.values import LONDON
from tests.serve_support import (
    ADMIN,
    ADMIN_PW,
    AUDITOR,
    AUDITOR_PW,
    chromium,
    running_server,
    shared_database,
    wait_for,
)
from tests.system_tools import require_tool


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("CASEREVIEW_SHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def served(tmp_path):
    require_tool("chromium")
    require_tool("chromedriver")
    db_path = shared_database(tmp_path / "shared.db")
    with running_server(db_path) as url:
        yield url, db_path


def _rows(db_path: Path, sql: str, *params):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


class Page:
    """One browser session of the served app: keys go to xterm.js as keyboard events."""

    def __init__(self, driver, url: str) -> None:
        from selenium.webdriver.common.by import By

        self.driver = driver
        driver.get(url)
        terminal = wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, ".xterm-screen"),
                            60, what="the terminal in the page")[0]
        wait_for(lambda: "-first-byte" in (driver.find_element(By.TAG_NAME, "body")
                                           .get_attribute("class") or ""),
                 60, what="the app's first output")
        terminal.click()
        self.settle(3)

    def keys(self, *keys: str, pause: float = 0.05) -> None:
        from selenium.webdriver.common.action_chains import ActionChains

        for key in keys:
            ActionChains(self.driver).send_keys(key).perform()
            time.sleep(pause)

    def fields(self, *values: str) -> None:
        """Type each value and Tab to the next field."""
        from selenium.webdriver.common.keys import Keys

        for value in values:
            self.keys(value, Keys.TAB)

    def settle(self, seconds: float = 1.5) -> None:
        """Give the app a moment to draw a screen we cannot observe from outside."""
        time.sleep(seconds)

    def sign_in(self, username: str, password: str) -> None:
        from selenium.webdriver.common.keys import Keys

        self.keys(username, Keys.ENTER, password, Keys.ENTER)

    def shot(self, path: Path) -> Path:
        self.settle(0.5)
        self.driver.save_screenshot(str(path))
        return path


def _signed_in(db_path: Path, user: str):
    return lambda: _rows(db_path, "SELECT 1 FROM change_log WHERE action = 'sign_in' AND "
                                  "user = ?", user)


def _night_and_a_past_time() -> tuple[str, str]:
    """The night the served night log opens on (tui/screens/night_log.default_night: tonight
    from 22:00, else the night just ended) and a time in it that has already passed (the app
    refuses a move in the future). Near 22:00 it first waits for the new night to begin, so
    that the test and the app agree on which night is open."""
    now = datetime.now(LONDON)
    if (now.hour, now.minute) >= (21, 58) and now.hour < 22 or (now.hour, now.minute) == (22, 0):
        time.sleep((now.replace(hour=22, minute=1, second=5, microsecond=0) - now)
                   .total_seconds())
        now = datetime.now(LONDON)
    if now.hour >= 22:
        return now.date().isoformat(), "22:00"
    return (now - timedelta(days=1)).date().isoformat(), "23:15"


def test_admin_logs_a_move_and_closes_a_night_in_the_browser(served, tmp_path, shots):
    from selenium.webdriver.common.keys import Keys

    url, db_path = served
    night, moved_at = _night_and_a_past_time()
    driver = chromium(tmp_path / "profile-admin")
    try:
        page = Page(driver, url)
        page.sign_in(ADMIN, ADMIN_PW)
        wait_for(_signed_in(db_path, ADMIN), 60, what="the admin's sign-in")
        page.settle(4)
        page.shot(shots / "admin-dashboard.png")
        page.keys("n")
        page.settle(3)
        page.fields(moved_at, "a1", "a2", "cap")
        page.keys(Keys.ENTER)
        moves = wait_for(lambda: _rows(db_path, "SELECT site_code, from_ward, to_ward, reason, "
                                                "audit_night, created_by FROM move"),
                         60, what="the move to be saved")
        assert moves == [("NGH", "A1", "A2", "CAPACITY", night, ADMIN)]
        page.keys(Keys.F2)
        page.settle(2)
        page.keys(Keys.ENTER)  # audited by: the signed-in user
        nights = wait_for(lambda: _rows(db_path, "SELECT site_code, audit_night, audited_by, "
                                                 "created_by FROM night_audit"),
                          60, what="the night to be closed")
        assert nights == [("NGH", night, ADMIN, ADMIN)]
        page.shot(shots / "admin-night-log.png")
    finally:
        driver.quit()


def test_site_limited_auditor_is_refused_a_sign_off(served, tmp_path, shots):
    from selenium.webdriver.common.keys import Keys

    url, db_path = served
    driver = chromium(tmp_path / "profile-auditor")
    try:
        page = Page(driver, url)
        page.sign_in(AUDITOR, AUDITOR_PW)
        wait_for(_signed_in(db_path, AUDITOR), 60, what="the auditor's sign-in")
        page.settle(4)
        page.shot(shots / "auditor-dashboard.png")
        page.keys("r")  # the reviews list
        page.settle(6)
        page.keys(Keys.ENTER)  # open the complete review
        page.settle(10)
        page.keys(Keys.F4)  # sign off: not offered to an auditor, refused if pressed
        page.settle(3)
        page.shot(shots / "auditor-refused-sign-off.png")
    finally:
        driver.quit()
    assert _rows(db_path, "SELECT status, signed_off_by FROM review") == [("complete", None)]
    assert not _rows(db_path, "SELECT 1 FROM change_log WHERE action = 'sign_off'")


def test_wrong_password_is_refused_in_the_browser(served, tmp_path, shots):
    url, db_path = served
    driver = chromium(tmp_path / "profile-wrong")
    try:
        page = Page(driver, url)
        page.sign_in(ADMIN, "not-the-password")
        wait_for(lambda: _rows(db_path, "SELECT reason FROM change_log WHERE action = "
                                        "'sign_in_failed'"), 60, what="the failed sign-in")
        page.shot(shots / "wrong-password.png")
    finally:
        driver.quit()
    assert _rows(db_path, "SELECT user, reason FROM change_log WHERE action = "
                          "'sign_in_failed'") == [(ADMIN, "wrong password")]
    assert not _rows(db_path, "SELECT 1 FROM change_log WHERE action = 'sign_in' AND "
                              "user = ? AND at > (SELECT MIN(at) FROM change_log WHERE "
                              "action = 'sign_in_failed')", ADMIN)
