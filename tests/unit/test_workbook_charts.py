"""The workbook for people carries each measure's SPC chart as a native chart and prints on A4
landscape at 100% with its headings repeated (SPEC 7.2, 9)."""

from __future__ import annotations

import re
import zipfile

import openpyxl

from casereview.io.summary_files import write_summary
from casereview.metrics.definitions import MEASURES
from casereview.metrics.engine import summarise
from casereview.metrics.periods import parse_month

# Each measure of all sites, and each rating of open actions.
TITLES = [m.title for m in MEASURES.values() if "all" in m.scopes] + [
    f"Open actions rated {rating}" for rating in ("red", "amber", "green")]


def test_a_native_chart_per_measure_and_the_print_set_up(demo_db, tmp_path):
    path = tmp_path / "october.xlsx"
    write_summary(demo_db, summarise(demo_db, parse_month("2026-10")), "xlsx", path)
    with zipfile.ZipFile(path) as book:
        charts = [n for n in book.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
        titles = [re.sub(r"<[^>]+>", "", re.search(r"<c:title>.*?</c:title>",
                                                   book.read(n).decode(), re.S).group(0))
                  for n in charts]
    assert sorted(titles) == sorted(TITLES)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:2] == ["Scorecard", "Charts"]
    assert wb["Chart data"].sheet_state == "hidden"
    for ws in wb:
        if ws.sheet_state == "hidden":
            continue
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.paperSize == 9, ws.title  # A4
        # At 100% (the default, so not written): nothing shrunk to fit the page.
        assert ws.page_setup.scale in (None, 100), ws.title
        fit = ws.sheet_properties.pageSetUpPr
        assert fit is None or not fit.fitToPage, ws.title
    scorecard = wb["Scorecard"]
    assert scorecard.print_title_rows == "$5:$5"  # the headings on every page
    assert scorecard.print_title_cols == "$A:$C"  # and the programme, scope and measure
    assert scorecard.column_dimensions["A"].width >= 24  # the programme wraps, not cut
    assert scorecard["A6"].alignment.wrap_text
