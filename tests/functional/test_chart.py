"""A measure's SPC chart, opened from the dashboard: series, mean, limits, signalling weeks."""

from __future__ import annotations

import shutil

import pytest
from textual.widgets import DataTable, Static

from casereview.metrics.periods import parse_week
from casereview.metrics.scorecard import build_scorecard
from casereview.storage.db import connect
from casereview.tui.app import create_app
from casereview.tui.screens.chart import ChartScreen
from casereview.tui.widgets.xmr_chart import FLAGGED, POINT, XmrChart, render_chart
from tests.conftest import NOW


@pytest.fixture
def demo_path(demo_db_path, tmp_path):
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_db_path, path)
    return path


async def _open_chart(pilot):
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("enter")  # the cursor starts on the first measure: ooh_nc_moves
    await pilot.pause()
    assert isinstance(pilot.app.screen, ChartScreen)
    return pilot.app.screen


async def test_chart_shows_the_weekly_series_and_its_signals(demo_path):
    card = build_scorecard(connect(demo_path), parse_week("2026-W47"))
    expected = card.line("ooh_nc_moves").chart
    app = create_app(demo_path, "manager", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        screen = await _open_chart(pilot)
        chart = screen.query_one(XmrChart).chart
        assert chart.mean == pytest.approx(expected.mean)
        assert (chart.ucl, chart.lcl) == pytest.approx((expected.ucl, expected.lcl))
        about = str(screen.query_one("#chart-about", Static).content)
        assert "Non-clinical moves out of hours" in about and "lower is better" in about
        assert f"Upper limit {expected.ucl:.1f}" in about
        weeks = screen.query_one("#weeks", DataTable)
        assert weeks.row_count == 26  # every week since the demo began, newest first
        newest = [getattr(c, "plain", c) for c in weeks.get_row_at(0)]
        assert newest[0] == "2026-W47" and newest[1] == "16 Nov 2026"
        assert newest[3] == "Improvement"
        flagged = [p.week for p in chart.points if p.flagged]
        marked = [weeks.get_row_at(i)[0] for i in range(weeks.row_count)
                  if getattr(weeks.get_row_at(i)[3], "plain", "") not in ("", "Common cause")]
        assert sorted(marked) == sorted(flagged) and len(flagged) >= 7
        drawn = render_chart(chart, 100, 20).plain
        assert drawn.count(FLAGGED) == len(flagged)  # every signalling week is marked
        assert drawn.count(POINT) == chart.n_data - len(flagged)
        assert "2026-W22" in drawn and "2026-W47" in drawn


async def test_chart_switches_site_and_escape_returns(demo_path):
    app = create_app(demo_path, "manager", clock=lambda: NOW)
    async with app.run_test(size=(130, 45)) as pilot:
        screen = await _open_chart(pilot)
        await pilot.press("f2")
        await pilot.pause()
        assert screen.scope == "site:NGH"
        assert "Northgate General Hospital" in str(screen.query_one("#chart-about",
                                                                    Static).content)
        card = build_scorecard(connect(demo_path), parse_week("2026-W47"))
        assert screen.query_one(XmrChart).chart.mean == pytest.approx(
            card.line("ooh_nc_moves", "site:NGH").chart.mean)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ChartScreen)


def test_render_chart_draws_limits_mean_and_target():
    from casereview.metrics.spc import analyse

    series = [(f"2026-W{i + 1:02d}", v) for i, v in enumerate([10, 12, 11, 13] * 4)]
    chart = analyse(series, (), "down", 20)
    text = render_chart(chart, 60, 15).plain
    assert "┄" in text and "─" in text and "╌" in text
    assert render_chart(analyse([]), 60, 15).plain.startswith("No weeks with data")
