"""The dashboard on the home screen, driven through Pilot: the scorecard computed in a worker,
all sites and each site, periods, targets, and Enter for a measure's chart."""

from __future__ import annotations

import shutil
import threading

import pytest
from textual.widgets import DataTable, Static

from casereview.metrics.engine import summarise
from casereview.metrics.periods import parse_week
from casereview.metrics.scorecard import build_scorecard
from casereview.storage.db import connect, get_setting
from casereview.tui.app import create_app
from casereview.tui.screens.chart import ChartScreen
from casereview.tui.screens.home import HomeScreen
from casereview.tui.screens.night_log import NightLogScreen
from casereview.tui.widgets.menu_grid import MenuGrid
from casereview.tui.widgets.scorecard_view import ScorecardView
from tests.conftest import NOW


@pytest.fixture
def demo_path(demo_db_path, tmp_path):
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_db_path, path)
    return path


async def _settled(pilot):
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _view(app) -> ScorecardView:
    return app.screen.query_one(ScorecardView)


def _cells(app, measure: str) -> list[str]:
    row = _view(app).table.get_row(measure)
    return [getattr(cell, "plain", cell) for cell in row]


def _title(app) -> str:
    return str(app.screen.query_one("#sc-title", Static).content)


async def test_the_demo_reduction_in_moves_shows_as_a_special_cause_improvement(demo_path):
    app = create_app(demo_path, "manager", clock=lambda: NOW)
    async with app.run_test(size=(130, 40)) as pilot:
        await _settled(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "week 2026-W47 (16 Nov 2026 to 22 Nov 2026)" in _title(app)
        assert "All sites" in _title(app)
        cells = _cells(app, "ooh_nc_moves")
        assert cells[0] == "Non-clinical moves out of hours"
        expected = summarise(connect(demo_path), parse_week("2026-W47"))
        assert cells[1] == str(expected.get("ooh_nc_moves").value)
        card = build_scorecard(connect(demo_path), parse_week("2026-W47"))
        mean = card.line("ooh_nc_moves").chart.mean
        assert cells[5] == f"Improvement · {mean:.1f}"  # the mean it was judged against
        signal = _view(app).table.get_row("ooh_nc_moves")[5]
        assert "#5b9bd5" in str(signal.style)  # Making Data Count blue
        assert len(cells[4]) == 13  # a sparkline of the last 13 weeks
        detail = str(app.screen.query_one("#sc-detail", Static).content)
        assert ("Special cause improvement: a run of 7 or more weeks below the mean "
                f"(mean {mean:.1f})") in detail


async def test_switch_between_all_sites_and_each_site(demo_path):
    app = create_app(demo_path, "manager", clock=lambda: NOW)
    db = connect(demo_path)
    summary = summarise(db, parse_week("2026-W47"))
    async with app.run_test(size=(130, 40)) as pilot:
        await _settled(pilot)
        await pilot.press("f2")
        await pilot.pause()
        assert "Northgate General Hospital" in _title(app)
        assert _cells(app, "ooh_nc_moves")[1] == str(
            summary.get("ooh_nc_moves", "site:NGH").value)
        await pilot.press("f2")
        await pilot.pause()
        assert "Westbrook Community Hospital" in _title(app)
        assert _cells(app, "night_audit_completeness_pct")[1] == "85.7%"
        await pilot.press("f2")
        await pilot.pause()
        assert "All sites" in _title(app)


async def test_previous_period_and_month_and_quarter(demo_path):
    app = create_app(demo_path, "manager", clock=lambda: NOW)
    async with app.run_test(size=(130, 40)) as pilot:
        await _settled(pilot)
        await pilot.press("left_square_bracket")
        await _settled(pilot)
        assert "week 2026-W46" in _title(app)
        await pilot.press("f3")
        await _settled(pilot)
        assert "month 2026-11" in _title(app) and "in progress" in _title(app)
        await pilot.press("left_square_bracket")
        await _settled(pilot)
        assert "month 2026-10" in _title(app)
        month = summarise(connect(demo_path), app.screen.period)
        assert _cells(app, "ooh_nc_moves")[1] == str(month.get("ooh_nc_moves").value)
        await pilot.press("f3")
        await _settled(pilot)
        assert "quarter 2026/27 Q3" in _title(app)
        await pilot.press("f3")
        await _settled(pilot)
        assert "week 2026-W47" in _title(app)  # never a week that has not ended
        await pilot.press("right_square_bracket")
        await _settled(pilot)
        assert "week 2026-W48" in _title(app) and "in progress" in _title(app)
        await pilot.press("right_square_bracket")
        await _settled(pilot)
        assert "week 2026-W48" in _title(app)  # W49 has not started


async def test_the_scorecard_is_computed_off_the_main_thread(demo_path, monkeypatch):
    from casereview.tui.screens import home

    threads = []
    real = home.build_scorecard

    def spy(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(home, "build_scorecard", spy)
    app = create_app(demo_path, "manager", clock=lambda: NOW)
    async with app.run_test(size=(130, 40)) as pilot:
        await _settled(pilot)
        assert threads and all(t is not threading.main_thread() for t in threads)
        assert _view(app).table.row_count > 0


async def test_set_a_target_from_the_dashboard(demo_path):
    app = create_app(demo_path, "manager", clock=lambda: NOW)
    async with app.run_test(size=(130, 40)) as pilot:
        await _settled(pilot)
        await pilot.press("f4")
        await pilot.pause()
        for key in "40":
            await pilot.press(key)
        await pilot.press("enter")
        await _settled(pilot)
        assert _cells(app, "ooh_nc_moves")[6] == "40 consistently passes"
    db = connect(demo_path)
    assert get_setting(db, "target:ooh_nc_moves") == "40"
    logged = db.conn.execute("SELECT user FROM change_log WHERE record_id = "
                             "'target:ooh_nc_moves'").fetchall()
    assert [r[0] for r in logged] == ["manager"]


async def test_a_weekly_count_target_is_pro_rata_beside_a_months_total(demo_path):
    db = connect(demo_path)
    from casereview.metrics.series import set_target

    set_target(db, "ooh_nc_moves", None, "10", "manager")
    set_target(db, "night_audit_completeness_pct", None, "95", "manager")
    db.conn.close()
    app = create_app(demo_path, "manager", clock=lambda: NOW)
    async with app.run_test(size=(130, 40)) as pilot:
        await _settled(pilot)
        assert _cells(app, "ooh_nc_moves")[6].startswith("10 ")
        await pilot.press("f3")  # November 2026: 30 days
        await _settled(pilot)
        table = _view(app).table
        assert str(table.columns["target"].label) == "Month target"
        assert _cells(app, "ooh_nc_moves")[6].startswith("42.9 ")
        assert _cells(app, "night_audit_completeness_pct")[6].startswith("95.0% ")
        detail = str(app.screen.query_one("#sc-detail", Static).content)
        assert "Target 42.9 for the month (10 a week x 30 days / 7)" in detail


async def test_enter_opens_the_chart_and_escape_comes_back(demo_path):
    app = create_app(demo_path, "manager", clock=lambda: NOW)
    async with app.run_test(size=(130, 40)) as pilot:
        await _settled(pilot)
        await pilot.press("down")  # from ooh_nc_moves to ooh_nc_moves_per_night
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ChartScreen)
        assert app.screen.measure == "ooh_nc_moves_per_night"
        await pilot.press("escape")
        await _settled(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert _view(app).selected_measure() == "ooh_nc_moves_per_night"


async def test_destinations_and_the_nights_panel_still_work(demo_path):
    app = create_app(demo_path, "manager", clock=lambda: NOW)
    async with app.run_test(size=(130, 40)) as pilot:
        await _settled(pilot)
        todo = str(app.screen.query_one("#todo", Static).content)
        assert "WCH: night of 22 Nov 2026" in todo  # the demo leaves the last night open
        menu = app.screen.query_one("#menu", MenuGrid)
        assert set(menu.keys()) >= {"n", "w", "s"}
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NightLogScreen)
        await pilot.press("escape")
        await _settled(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_an_empty_database_shows_a_quiet_scorecard(ref_db, db_path):
    app = create_app(db_path, "manager", clock=lambda: NOW)
    async with app.run_test(size=(130, 40)) as pilot:
        await _settled(pilot)
        table = app.screen.query_one("#sc-table", DataTable)
        assert table.row_count > 1
        assert _cells(app, "ooh_nc_moves")[1] == "0"
        assert _cells(app, "ooh_nc_moves")[5] == "too few weeks"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ChartScreen)  # a chart with nothing to draw yet


async def test_a_month_in_progress_is_to_date_and_counts_only_ended_nights(demo_path):
    from casereview.metrics.periods import parse_month

    # Mon 23 Nov 2026, 09:00: November is in progress; its nights to the 22nd have ended.
    app = create_app(demo_path, "manager", clock=lambda: NOW)
    async with app.run_test(size=(130, 40)) as pilot:
        await _settled(pilot)
        await pilot.press("f3")
        await _settled(pilot)
        assert "month 2026-11" in _title(app) and "to date" in _title(app)
        table = _view(app).table
        assert str(table.columns["value"].label) == "To date"
        expected = summarise(connect(demo_path), parse_month("2026-11"), generated_at=NOW)
        row = expected.get("night_audit_completeness_pct")
        assert row.denominator == 2 * 22  # two sites x the 22 nights that have ended
        assert _cells(app, "night_audit_completeness_pct")[1] == f"{row.value:.1f}%"
