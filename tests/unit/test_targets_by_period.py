"""Targets are weekly figures. Beside a month's or a quarter's total, a count's target is the
weekly target pro rata (x days / 7); a percentage, mean or median target is the same for any
period; the assurance reads the weekly chart against the weekly target."""

from __future__ import annotations

import openpyxl
import pytest

from casereview.io.summary_files import write_summary
from casereview.io.summary_md import summary_markdown
from casereview.metrics.definitions import MEASURES
from casereview.metrics.display import describe_target, format_target, target_heading
from casereview.metrics.engine import summarise
from casereview.metrics.periods import parse_month, parse_quarter, parse_week
from casereview.metrics.scorecard import build_scorecard
from casereview.metrics.series import period_target, set_target

W47 = parse_week("2026-W47")
OCTOBER = parse_month("2026-10")      # 31 days
Q2 = parse_quarter("2026/27 Q2")      # Jul-Sep: 92 days


@pytest.fixture
def targeted(demo_copy):
    set_target(demo_copy, "ooh_nc_moves", None, "10", "manager")
    set_target(demo_copy, "night_audit_completeness_pct", None, "95", "manager")
    set_target(demo_copy, "overall_care_score_mean", None, "4", "manager")
    return demo_copy


def test_a_count_target_is_pro_rata_for_longer_periods():
    assert period_target("ooh_nc_moves", 10, W47) == 10
    assert period_target("ooh_nc_moves", 10, OCTOBER) == pytest.approx(10 * 31 / 7)
    assert period_target("ooh_nc_moves", 10, parse_month("2026-11")) == pytest.approx(
        10 * 30 / 7)
    assert period_target("experience_samples", 5, Q2) == pytest.approx(5 * 92 / 7)
    assert period_target("ooh_nc_moves", None, OCTOBER) is None


@pytest.mark.parametrize("measure", ["night_audit_completeness_pct", "overall_care_score_mean",
                                     "ooh_nc_moves_per_night",
                                     "toc_fit_to_discharge_days_median"])
def test_rates_means_and_medians_keep_their_target(measure):
    assert period_target(measure, 95, OCTOBER) == 95
    assert period_target(measure, 95, Q2) == 95


def test_the_month_scorecard_sets_the_scaled_target_beside_the_months_total(targeted):
    week = build_scorecard(targeted, W47).line("ooh_nc_moves")
    month = build_scorecard(targeted, OCTOBER).line("ooh_nc_moves")
    assert week.period_target == 10
    assert month.target == 10  # as set: the weekly chart's line
    assert month.period_target == pytest.approx(10 * 31 / 7)
    assert month.value == summarise(targeted, OCTOBER).get("ooh_nc_moves").value
    # The assurance is the weekly chart against the weekly target, whatever the period.
    assert month.chart.target == 10
    pct = build_scorecard(targeted, OCTOBER).line("night_audit_completeness_pct")
    assert pct.period_target == pct.target == 95


def test_a_sites_own_count_target_is_scaled_too(targeted):
    set_target(targeted, "ooh_nc_moves", "site:NGH", "7", "manager")
    line = build_scorecard(targeted, Q2).line("ooh_nc_moves", "site:NGH")
    assert line.period_target == pytest.approx(7 * 92 / 7)


def test_how_a_target_is_written_for_people():
    assert format_target("ooh_nc_moves", 10) == "10"
    assert format_target("ooh_nc_moves", 10 * 30 / 7) == "42.9"
    assert format_target("night_audit_completeness_pct", 95) == "95.0%"
    assert describe_target("ooh_nc_moves", 10, 10, W47) == "Target 10"
    assert describe_target("ooh_nc_moves", 10, 10 * 30 / 7, parse_month("2026-11")) == (
        "Target 42.9 for the month (10 a week x 30 days / 7)")
    assert describe_target("night_audit_completeness_pct", 95, 95, OCTOBER) == "Target 95.0%"
    assert target_heading(W47) == "Target"
    assert target_heading(OCTOBER) == "Target for the month"
    assert target_heading(Q2, short=True) == "Qtr target"


def _md_row(text: str, title: str) -> list[str]:
    for line in text.splitlines():
        if line.startswith(f"| {title} |"):
            return [c.strip() for c in line.strip("|").split("|")]
    raise AssertionError(f"no row for {title}")


def test_the_board_paper_shows_the_months_target_and_says_how(targeted):
    md = summary_markdown(build_scorecard(targeted, OCTOBER))
    row = _md_row(md, "Non-clinical moves out of hours")
    assert row[-1] == "44.3"  # 10 a week x 31 days / 7
    assert "| Target for the month |" in md
    assert "x the period's days / 7" in md
    pct_title = MEASURES["night_audit_completeness_pct"].title
    assert _md_row(md, pct_title)[-1] == "95.0%"
    week_md = summary_markdown(build_scorecard(targeted, W47))
    assert _md_row(week_md, "Non-clinical moves out of hours")[-1] == "10"


def test_the_workbook_holds_the_quarters_target(targeted, tmp_path):
    path = tmp_path / "q2.xlsx"
    write_summary(targeted, summarise(targeted, Q2), "xlsx", path)
    ws = openpyxl.load_workbook(path)["Scorecard"]
    assert ws.cell(5, 11).value == "Target for the quarter"
    rows = {ws.cell(r, 14).value: r for r in range(6, 6 + 12) if ws.cell(r, 2).value ==
            "All sites"}
    target = ws.cell(rows["ooh_nc_moves"], 11)
    assert target.value == pytest.approx(10 * 92 / 7)
    assert target.number_format == "#,##0.0"
    assert ws.cell(rows["night_audit_completeness_pct"], 11).value == 95
