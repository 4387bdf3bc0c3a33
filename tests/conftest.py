"""Shared fixtures: a fresh database per test, a fixed clock, reference data."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import settings

from casereview.domain.reference import Ward
from casereview.domain.values import LONDON
from casereview.storage.context import load_context
from casereview.storage.db import connect
from casereview.storage.reference import save_site, save_ward

# Hypothesis' per-example deadline is a wall-clock limit: on a busy or slow machine it fails
# tests whose results are right. Property tests here check results; speed is measured in
# bench/. (A test's own @settings may still set one.)
settings.register_profile("casereview", deadline=None)
settings.load_profile("casereview")

# A fixed "now" for every test: Monday 23 Nov 2026, 09:00 in London.
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=LONDON)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"


@pytest.fixture
def fresh_db(db_path: Path):
    db = connect(db_path)
    yield db
    db.conn.close()


@pytest.fixture
def ref_db(fresh_db):
    """Two sites with three wards each (two older-adult wards per site)."""
    save_site(fresh_db, "NGH", "Northgate General", "test")
    save_site(fresh_db, "WCH", "Westbrook Community", "test")
    for ward in [
        Ward("A1", "Ward A1", "NGH", True), Ward("A2", "Ward A2", "NGH", True),
        Ward("A3", "Ward A3", "NGH", False),
        Ward("B1", "Ward B1", "WCH", True), Ward("B2", "Ward B2", "WCH", True),
        Ward("B3", "Ward B3", "WCH", False),
    ]:
        save_ward(fresh_db, ward, "test")
    return fresh_db


@pytest.fixture
def ctx(ref_db):
    return load_context(ref_db, NOW)


@pytest.fixture(scope="session")
def demo_db_path(tmp_path_factory) -> Path:
    """A demo database built once per test session with the fixed clock: 26 weeks of every
    programme's synthetic data, ending the night of Sun 22 Nov 2026. Tests must not write."""
    from casereview.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(path, weeks=26, now=NOW).conn.close()
    return path


@pytest.fixture
def demo_db(demo_db_path):
    db = connect(demo_db_path)
    yield db
    db.conn.close()


@pytest.fixture
def demo_copy(demo_db_path, tmp_path):
    """A private copy of the demo database that a test may change."""
    import shutil

    path = tmp_path / "demo-copy.db"
    shutil.copyfile(demo_db_path, path)
    db = connect(path)
    yield db
    db.conn.close()


def walk(keyset, conn, size: int = 100) -> tuple[list[dict], int]:
    """Every row of a keyset-paged list, page after page from the newest: (rows, pages)."""
    page = keyset.first(conn, size)
    rows, pages = list(page.rows), 1
    while not page.at_end:
        page = keyset.after(conn, page.last_key(), size)
        rows += page.rows
        pages += 1
    return rows, pages


async def settle(app, pilot) -> None:
    """Until the screen's workers (a list's page and count) are done and what they sent is
    shown."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
