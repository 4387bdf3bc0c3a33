"""The summary for people: xlsx (read back cell by cell) and md, with --publish."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

import casereview
from casereview.io.summary_files import write_summary
from casereview.metrics.engine import summarise
from casereview.metrics.periods import parse_month, parse_week
from casereview.metrics.scorecard import build_scorecard
from casereview.metrics.series import periods_ending, set_target
from casereview.storage.reference import save_site

STAMP = datetime(2026, 11, 23, 9, 0)
W47 = parse_week("2026-W47")


def _rows_by(ws, *key_columns):
    """Data rows (below the heading row 5) keyed by the given 1-based columns' values."""
    out = {}
    for row in ws.iter_rows(min_row=6, values_only=True):
        out[tuple(row[c - 1] for c in key_columns)] = row
    return out


@pytest.fixture
def workbook(demo_copy, tmp_path):
    set_target(demo_copy, "night_audit_completeness_pct", None, "95", "manager")
    summary = summarise(demo_copy, W47, generated_at=STAMP)
    path = tmp_path / "w47.xlsx"
    assert write_summary(demo_copy, summary, "xlsx", path) is None
    return openpyxl.load_workbook(path), demo_copy


def test_workbook_sheets_and_layout(workbook):
    wb, _ = workbook
    assert wb.sheetnames[0] == "Scorecard" and wb.sheetnames[-1] == "Definitions"
    assert "Ward moves" in wb.sheetnames
    ws = wb["Scorecard"]
    assert ws["A1"].value == "Scorecard: 2026-W47 (16 Nov 2026 to 22 Nov 2026)"
    assert [c.value for c in ws[5]][:9] == [
        "Programme", "Scope", "Measure", "This week", "Previous week", "Change",
        "13-week mean (weekly)", "SPC signal", "SPC signal in words"]
    assert ws.freeze_panes == "D6"
    assert ws.auto_filter.ref.startswith("A5:")
    assert ws.column_dimensions["C"].width > 40
    for sheet in wb:
        assert sheet.freeze_panes is not None, sheet.title


def test_scorecard_cells_match_the_engine(workbook):
    wb, db = workbook
    rows = _rows_by(wb["Scorecard"], 2, 14)
    weeks = periods_ending(W47, 13)
    values = [summarise(db, w).get("ooh_nc_moves").value for w in weeks]
    row = rows[("All sites", "ooh_nc_moves")]
    assert row[0] == "Out-of-hours ward moves"
    assert row[2] == "Non-clinical moves out of hours"
    assert row[3] == values[-1] and row[4] == values[-2]
    assert row[5] == values[-1] - values[-2]
    assert row[6] == pytest.approx(sum(values) / 13)
    assert row[7] == "Improvement"
    mean = build_scorecard(db, W47).line("ooh_nc_moves").chart.mean
    assert row[8] == ("Special cause improvement: a run of 7 or more weeks below the mean "
                      f"(mean {mean:.1f})")
    assert row[11] == values[-1] and row[12] is None
    # every site has its block
    assert ("Northgate General Hospital", "ooh_nc_moves") in rows
    assert ("Westbrook Community Hospital", "night_audit_completeness_pct") in rows


def test_number_formats_and_target(workbook):
    wb, db = workbook
    ws = wb["Scorecard"]
    by_code = {ws.cell(r, 14).value: r for r in range(6, 6 + 6)}  # the all-sites block
    assert ws.cell(by_code["ooh_nc_moves"], 4).number_format == "#,##0"
    pct_row = by_code["night_audit_completeness_pct"]
    assert ws.cell(pct_row, 4).number_format == "0.0"
    assert ws.cell(pct_row, 4).value == summarise(db, W47).get(
        "night_audit_completeness_pct").value  # unrounded in the cell
    assert ws.cell(by_code["ooh_nc_moves_per_night"], 4).number_format == "0.00"
    assert ws.cell(pct_row, 11).value == 95
    assert ws.cell(pct_row, 10).value in ("Hit and miss", "Consistently passes",
                                          "Consistently fails")
    improvement = ws.cell(by_code["ooh_nc_moves"], 8)
    assert improvement.fill.fgColor.rgb.endswith("DCE6F2")  # Making Data Count blue


def test_programme_sheet_has_every_scope(workbook):
    wb, db = workbook
    rows = _rows_by(wb["Ward moves"], 2, 14)
    summary = summarise(db, W47)
    moves_rows = [r for r in summary.rows if r.measure.startswith(("ooh", "night"))]
    assert len(rows) == len(moves_rows)
    ward = rows[("ward:NGH-ELD1", "ooh_nc_moves")]
    assert ward[2] == "Elderly Care 1 (Beech)"
    assert ward[3] == summary.get("ooh_nc_moves", "ward:NGH-ELD1").value


def test_definitions_sheet(workbook):
    wb, _ = workbook
    rows = _rows_by(wb["Definitions"], 1)
    assert rows[("ooh_nc_moves",)][4] == "lower is better"
    assert rows[("fft_positive_pct",)][4] == "higher is better"


def test_text_is_neutralised(demo_copy, tmp_path):
    save_site(demo_copy, "NGH", "=HYPERLINK(\"http://x\")", "test")
    path = tmp_path / "n.xlsx"
    write_summary(demo_copy, summarise(demo_copy, W47), "xlsx", path)
    ws = openpyxl.load_workbook(path)["Scorecard"]
    names = {ws.cell(r, 2).value for r in range(6, ws.max_row + 1)}
    assert "'=HYPERLINK(\"http://x\")" in names
    assert all(ws.cell(r, 2).data_type == "s" for r in range(6, ws.max_row + 1))


def test_published_workbook_hides_small_counts(demo_copy, tmp_path):
    path = tmp_path / "p.xlsx"
    summary = summarise(demo_copy, W47)
    write_summary(demo_copy, summary, "xlsx", path, publish=True)
    wb = openpyxl.load_workbook(path)
    assert "counts from 1 to 7" in wb["Scorecard"]["A3"].value
    rows = _rows_by(wb["Ward moves"], 2, 14)
    for (scope, code), row in rows.items():
        if code == "ooh_nc_moves":
            value = summary.get(code, scope).value
            assert row[3] == ("*" if 1 <= value <= 7 else value), scope


def test_markdown_board_paper(demo_copy):
    save_site(demo_copy, "WCH", "Westbrook | Community", "test")
    text = write_summary(demo_copy, summarise(demo_copy, W47, generated_at=STAMP), "md", None)
    assert text.startswith("# Scorecard: week 2026-W47 (16 Nov 2026 to 22 Nov 2026)\n")
    assert "| Measure | This week | Previous week | 13-week mean | SPC signal |" in text
    moves = summarise(demo_copy, W47).get("ooh_nc_moves").value
    line = next(ln for ln in text.splitlines()
                if ln.startswith("| Non-clinical moves out of hours"))
    assert line.split(" | ")[1] == str(moves)
    assert "Improvement: a run of 7 or more weeks below the mean" in line
    assert "Westbrook \\| Community" in text  # a pipe in a name does not break the table
    assert "## Reading this scorecard" in text


def test_workbook_month_in_progress_is_to_date(demo_copy, tmp_path):
    summary = summarise(demo_copy, parse_month("2026-11"))
    path = tmp_path / "nov.xlsx"
    write_summary(demo_copy, summary, "xlsx", path, today=date(2026, 11, 23))
    ws = openpyxl.load_workbook(path)["Scorecard"]
    assert ws["A1"].value.startswith("Scorecard: 2026-11 to date")
    assert ws["D5"].value == "This month to date"


def test_markdown_month_in_progress(demo_copy):
    summary = summarise(demo_copy, parse_month("2026-11"))
    text = write_summary(demo_copy, summary, "md", None, today=date(2026, 11, 23))
    assert "| Measure | This month to date | Previous month |" in text
    assert "# Scorecard: month 2026-11 to date" in text
    assert "read at week 2026-W47" in text and "its figures are to date" in text


def _cli(*args, cwd: Path):
    env = {"PYTHONPATH": str(Path(casereview.__file__).parents[1]), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "casereview", *args], cwd=cwd, env=env,
                          capture_output=True, text=True)


def test_cli_summary_formats(demo_db_path, tmp_path):
    out = tmp_path / "q.xlsx"
    done = _cli("summary", "--db", str(demo_db_path), "--quarter", "2026/27 Q2", "--format",
                "xlsx", "--out", str(out), "--publish", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert openpyxl.load_workbook(out)["Scorecard"]["D5"].value == "This quarter"
    done = _cli("summary", "--db", str(demo_db_path), "--week", "2026-W40", "--format", "md",
                cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.startswith("# Scorecard: week 2026-W40")
    done = _cli("summary", "--db", str(demo_db_path), "--week", "2026-W40", "--format", "xlsx",
                cwd=tmp_path)
    assert done.returncode == 2 and "--out" in done.stderr


def test_rebases_and_notes_are_listed_in_the_markdown_and_the_workbook(demo_copy, tmp_path):
    from casereview.storage.spc import add_note, rebase

    rebase(demo_copy, "ooh_nc_moves", "site:NGH", "2026-W36", "new bed policy", "ann")
    add_note(demo_copy, "ooh_nc_moves", "all", "2026-W40", "ward closed for cleaning", "ann")
    add_note(demo_copy, "ooh_nc_moves", "all", "2026-W49", "after the period", "ann")
    summary = summarise(demo_copy, W47, generated_at=STAMP)
    text = write_summary(demo_copy, summary, "md", None)
    section = text[text.index("## Chart rebases and notes"):]
    assert ("| Non-clinical moves out of hours | All sites | 2026-W40 | ward closed for "
            "cleaning |") in section
    assert ("| Non-clinical moves out of hours | Northgate General Hospital | 2026-W36 | "
            "Rebased: new bed policy |") in section
    assert "after the period" not in text
    path = tmp_path / "w47.xlsx"
    write_summary(demo_copy, summary, "xlsx", path)
    ws = openpyxl.load_workbook(path)["Chart notes"]
    rows = [[c.value for c in row][:6] for row in ws.iter_rows(min_row=6)]
    assert rows == [
        ["Non-clinical moves out of hours", "all", "All sites", "2026-W40", "note",
         "ward closed for cleaning"],
        ["Non-clinical moves out of hours", "site:NGH", "Northgate General Hospital",
         "2026-W36", "rebase", "new bed policy"]]


def test_chart_notes_carry_no_patient_reference(demo_copy, tmp_path):
    """A note typed with a patient's reference in it reaches neither paper; a published
    paper leaves the note's text out altogether."""
    from casereview.storage.spc import add_note

    ref = demo_copy.conn.execute(
        "SELECT patient_ref FROM review WHERE patient_ref IS NOT NULL LIMIT 1").fetchone()[0]
    add_note(demo_copy, "ooh_nc_moves", "all", "2026-W45",
             f"Escalated after {ref} and 999 000 0019 moved twice", "lead")
    summary = summarise(demo_copy, W47, generated_at=STAMP)
    md = write_summary(demo_copy, summary, "md", None)
    assert "Escalated after" in md
    assert ref not in md and "9990000019" not in md.replace(" ", "")
    path = tmp_path / "w47.xlsx"
    write_summary(demo_copy, summary, "xlsx", path)
    notes = openpyxl.load_workbook(path)["Chart notes"]
    text = " ".join(str(c) for row in notes.iter_rows(values_only=True) for c in row if c)
    assert "Escalated after" in text and ref not in text
    published = write_summary(demo_copy, summary, "md", None, publish=True)
    assert "Escalated after" not in published and "left out of a published paper" in published
