"""The reports screen writes the summary files to exports/ with clear names and progress."""

from __future__ import annotations

import json
import shutil

import openpyxl
import pytest
from textual.widgets import Checkbox, Input, ProgressBar, Static

from casereview.metrics.periods import parse_quarter
from casereview.tui.app import create_app
from casereview.tui.screens.reports import ReportsScreen, report_name
from tests.conftest import NOW


@pytest.fixture
def demo_path(demo_db_path, tmp_path):
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_db_path, path)
    return path


async def _open_reports(pilot):
    await pilot.app.workers.wait_for_complete()
    await pilot.press("s")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ReportsScreen)
    return pilot.app.screen


async def _type_period(pilot, screen, text):
    field = screen.query_one("#period", Input)
    field.value = ""
    field.focus()
    for ch in text:
        await pilot.press(ch if ch != " " else "space")


async def test_write_the_weeks_reports(demo_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = create_app(demo_path, "manager", clock=lambda: NOW)
    async with app.run_test(size=(130, 40)) as pilot:
        screen = await _open_reports(pilot)
        assert screen.query_one("#period", Input).value == "2026-W47"  # the last full week
        said = []
        shown = screen._status
        screen._status = lambda text: (said.append(text), shown(text))
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        status = str(screen.query_one("#status", Static).content)
        bar = screen.query_one("#progress", ProgressBar)
        assert bar.progress == bar.total == 4  # measures, then each of the three files
    folder = tmp_path / "exports"
    pdf, xlsx, md = (folder / "board-pack-2026-W47.pdf", folder / "summary-2026-W47.xlsx",
                     folder / "summary-2026-W47.md")
    assert "Written 3 files" in status
    assert all(str(p.resolve()) in status for p in (pdf, xlsx, md))  # says where they are
    assert pdf.read_bytes().startswith(b"%PDF")
    # The board pack's progress, chart by chart, was on the screen while it was written.
    assert any("board-pack-2026-W47.pdf: chart 1 of " in text for text in said)
    assert openpyxl.load_workbook(xlsx)["Scorecard"]["A1"].value.startswith(
        "Scorecard: 2026-W47")
    assert md.read_text().startswith("# Scorecard: week 2026-W47")


async def test_a_published_quarter_in_every_format(demo_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = create_app(demo_path, "manager", clock=lambda: NOW)
    async with app.run_test(size=(130, 40)) as pilot:
        screen = await _open_reports(pilot)
        await _type_period(pilot, screen, "2026/27 Q2")
        assert "1 Jul 2026 to 30 Sep 2026" in str(screen.query_one("#period-words",
                                                                   Static).content)
        for box in ("#fmt-pdf", "#fmt-csv", "#fmt-json", "#publish"):
            screen.query_one(box, Checkbox).focus()
            await pilot.press("space")
        await pilot.press("f5")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    folder = tmp_path / "exports"
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(f"summary-2026-27-Q2-published.{ext}"
                           for ext in ("xlsx", "md", "csv", "json"))
    data = json.loads((folder / "summary-2026-27-Q2-published.json").read_text())
    assert data["period"]["label"] == "2026/27 Q2"
    assert any(m["value"] == "*" for m in data["measures"])  # small counts suppressed
    assert report_name(parse_quarter("2026/27 Q2"), "md", False) == "summary-2026-27-Q2.md"


async def test_a_bad_period_writes_nothing(demo_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = create_app(demo_path, "manager", clock=lambda: NOW)
    async with app.run_test(size=(130, 40)) as pilot:
        screen = await _open_reports(pilot)
        await _type_period(pilot, screen, "2026-W60")
        await pilot.press("enter")
        await pilot.pause()
        assert "2026 has no week 60" in str(screen.query_one("#problem", Static).content)
        for box in ("#fmt-pdf", "#fmt-xlsx", "#fmt-md"):
            screen.query_one(box, Checkbox).value = False
        await _type_period(pilot, screen, "2026-10")
        await pilot.press("enter")
        await pilot.pause()
        assert "at least one format" in str(screen.query_one("#problem", Static).content)
    assert not (tmp_path / "exports").exists()
