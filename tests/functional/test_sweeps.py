"""The garbage collector's full sweeps wait for a pause in the typing (tui/app.py): the oldest
generation is swept only when no key has come for a moment, so a key typed in a form never
waits for one; a person typing without a pause still gets one after FULL_SWEEP_EVERY younger
sweeps."""

from __future__ import annotations

import gc
import time

import pytest

from casereview.tui.app import CaseReviewApp, create_app
from tests.conftest import NOW


@pytest.fixture
def thresholds():
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)


@pytest.fixture
def collections(monkeypatch):
    calls: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda *a: calls.append(1) or 0)
    return calls


async def test_full_sweeps_wait_for_a_pause_in_the_typing(ref_db, db_path, thresholds,
                                                           collections, monkeypatch):
    app = create_app(db_path, "typist", clock=lambda: NOW)
    async with app.run_test() as pilot:
        app._sweep_in_pauses()  # (a headless app leaves the collector as it is)
        assert gc.get_threshold()[2] == CaseReviewApp.FULL_SWEEP_EVERY
        monkeypatch.setattr(gc, "get_count", lambda: (0, 0, 1))  # a full sweep is due

        await pilot.press("e", "a")  # into a form, typing
        assert app.seconds_since_key() < CaseReviewApp.PAUSE
        app._sweep_if_paused()
        assert collections == []  # not while the person types

        app._last_key_at = time.monotonic() - CaseReviewApp.PAUSE - 0.1
        app._sweep_if_paused()
        assert collections == [1]  # a pause: now

        monkeypatch.setattr(gc, "get_count", lambda: (0, 0, 0))  # none due
        app._sweep_if_paused()
        assert collections == [1]


async def test_a_headless_app_leaves_the_collector_alone(ref_db, db_path, thresholds):
    before = gc.get_threshold()
    app = create_app(db_path, "typist", clock=lambda: NOW)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert gc.get_threshold() == before
