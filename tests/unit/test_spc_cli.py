"""`casereview spc MEASURE` (SPEC 7) and the night audit completeness of a period in progress
(SPEC 6), through the command line."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

import casereview
from casereview.cli import main
from casereview.domain.values import LONDON
from casereview.metrics.periods import parse_week
from casereview.metrics.scorecard import measure_chart
from casereview.storage.db import connect
from casereview.storage.spc import add_note, rebase

SRC = str(Path(casereview.__file__).parents[1])
# The demo fixture's data end the night of Sun 22 Nov 2026; a week later every week to W47
# has ended and W48 is the last full week.
LATER = datetime(2026, 11, 30, 9, 0, tzinfo=LONDON)


@pytest.fixture
def demo_path(demo_db_path, tmp_path):
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_db_path, path)
    return path


def _spc(capsys, *args, clock=LATER):
    capsys.readouterr()
    code = main(["spc", *args], clock=lambda: clock)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_spc_json_has_every_week_with_its_segment_rules_and_reading(demo_path, capsys):
    code, out, _ = _spc(capsys, "ooh_nc_moves", "--db", str(demo_path))
    assert code == 0
    data = json.loads(out)
    chart = measure_chart(connect(demo_path), "ooh_nc_moves", "all", parse_week("2026-W48"))
    assert (data["measure"], data["scope"], data["improvement"]) == ("ooh_nc_moves", "all",
                                                                     "down")
    assert [w["week"] for w in data["weeks"]] == [p.week for p in chart.points]
    assert data["weeks"][-1]["week"] == "2026-W48"
    assert [w["value"] for w in data["weeks"]] == [p.value for p in chart.points]
    [segment] = data["segments"]
    assert segment["mean"] == pytest.approx(chart.mean)
    assert segment["upper_limit"] == pytest.approx(chart.current.process_ucl)
    marked = [w for w in data["weeks"] if w["rules"]]
    assert marked and all(w["reading"] in ("improvement", "concern") for w in marked)
    assert {w["reading"] for w in data["weeks"] if not w["rules"]} == {"common_cause"}
    assert data["icon"] == chart.icon and data["assurance"] is None


def test_spc_shows_a_rebase_and_a_note(demo_path, capsys):
    db = connect(demo_path)
    rebase(db, "ooh_nc_moves", "site:NGH", "2026-W36", "new bed-management policy", "ann")
    add_note(db, "ooh_nc_moves", "site:NGH", "2026-W36", "policy live", "ann")
    code, out, _ = _spc(capsys, "ooh_nc_moves", "--scope", "site:NGH", "--format", "csv",
                        "--db", str(demo_path))
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["week", "value", "segment_start", "mean", "lower_limit",
                             "upper_limit", "rules", "reading", "icon", "assurance", "notes"]
    by_week = {r["week"]: r for r in rows}
    assert by_week["2026-W35"]["segment_start"] == "2026-W22"
    assert by_week["2026-W36"]["segment_start"] == "2026-W36"
    assert by_week["2026-W36"]["notes"] == "policy live"
    assert by_week["2026-W35"]["mean"] != by_week["2026-W36"]["mean"]


def test_spc_weeks_limits_the_series(demo_path, capsys):
    code, out, _ = _spc(capsys, "fft_positive_pct", "--scope", "ward:NGH-ELD1", "--weeks",
                        "8", "--db", str(demo_path))
    assert code == 0
    data = json.loads(out)
    assert len(data["weeks"]) == 8 and data["improvement"] == "up"
    assert data["icon"] is None  # fewer than 12 weeks: no reading
    assert {w["reading"] for w in data["weeks"]} == {"none"}


@pytest.mark.parametrize("args, message", [
    (["nope"], "MEASURE: there is no measure called 'nope'"),
    (["ooh_nc_moves_per_night", "--scope", "ward:NGH-AMU"],
     "--scope: ooh_nc_moves_per_night is reported for all, site:CODE, not 'ward:NGH-AMU'"),
    (["ooh_nc_moves", "--scope", "site:NOPE"], "--scope: there is no site with the code 'NOPE'"),
    (["ooh_nc_moves", "--weeks", "0"], "--weeks: must be 1 or more, not 0"),
])
def test_spc_refuses_what_does_not_exist(demo_path, capsys, args, message):
    code, out, err = _spc(capsys, *args, "--db", str(demo_path))
    assert code == 2 and out == "" and message in err


def test_spc_through_the_installed_command(demo_path):
    env = dict(os.environ, PYTHONPATH=SRC)
    done = subprocess.run([sys.executable, "-m", "casereview", "spc", "ooh_nc_moves",
                           "--scope", "site:WCH", "--db", str(demo_path)],
                          env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["scope"] == "site:WCH" and data["weeks"][0]["week"] == "2026-W22"
    done = subprocess.run([sys.executable, "-m", "casereview", "spc", "nope", "--db",
                           str(demo_path)], env=env, capture_output=True, text=True)
    assert done.returncode == 2 and "MEASURE" in done.stderr


# --- a period in progress ----------------------------------------------------------------

def _site(tmp_path) -> str:
    db = str(tmp_path / "c.db")
    wards = tmp_path / "wards.csv"
    wards.write_text("site_code,site_name,ward_code,ward_name,older_adults\n"
                     "SJ,St Jude,W1,Ward 1,yes\nSK,St Kilda,K1,Ward K1,no\n", encoding="utf-8")
    assert main(["import", "wards", str(wards), "--db", db]) == 0
    return db


def _close_nights(tmp_path, db, first: date, last: date) -> None:
    nights = tmp_path / "nights.csv"
    lines = ["site_code,audit_night,audited_by"]
    day = first
    while day <= last:
        lines += [f"SJ,{day},KM", f"SK,{day},KM"]
        day += timedelta(days=1)
    nights.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["import", "nights", str(nights), "--db", db]) == 0


def _completeness(capsys, db, month, clock):
    capsys.readouterr()
    assert main(["summary", "--month", month, "--db", db], clock=lambda: clock) == 0
    data = json.loads(capsys.readouterr().out)
    rows = {(r["measure"], r["scope"]): r for r in data["measures"]}
    return data, rows[("night_audit_completeness_pct", "all")], rows[
        ("night_audit_completeness_pct", "site:SJ")]


def test_the_current_month_with_every_past_night_closed_is_100_percent(tmp_path, capsys):
    # Wed 2 Dec 2026, 10:00: the nights of 1 Dec (ended 07:00 on the 2nd) and before are
    # over; tonight has not begun.
    db = _site(tmp_path)
    _close_nights(tmp_path, db, date(2026, 12, 1), date(2026, 12, 1))
    now = datetime(2026, 12, 2, 10, 0, tzinfo=LONDON)
    data, whole, site = _completeness(capsys, db, "2026-12", now)
    assert (whole["value"], whole["numerator"], whole["denominator"]) == (100.0, 2, 2)
    assert (site["value"], site["numerator"], site["denominator"]) == (100.0, 1, 1)
    assert data["period"]["to_date"] == "2026-12-02"


def test_a_night_has_ended_only_at_seven_the_next_morning(tmp_path, capsys):
    db = _site(tmp_path)
    _close_nights(tmp_path, db, date(2026, 11, 1), date(2026, 11, 17))
    # Tue 17 Nov at 06:59: the night of the 16th is still going on; a return for the night of
    # the 17th (closed early) is not counted either.
    _, whole, _ = _completeness(capsys, db, "2026-11",
                                datetime(2026, 11, 17, 6, 59, tzinfo=LONDON))
    assert (whole["numerator"], whole["denominator"]) == (30, 30)
    _, whole, _ = _completeness(capsys, db, "2026-11",
                                datetime(2026, 11, 17, 7, 0, tzinfo=LONDON))
    assert (whole["numerator"], whole["denominator"]) == (32, 32)
    # A past month counts every night; a missing night shows.
    data, whole, _ = _completeness(capsys, db, "2026-11",
                                   datetime(2026, 12, 2, 10, 0, tzinfo=LONDON))
    assert (whole["numerator"], whole["denominator"]) == (34, 60)
    assert "to_date" not in data["period"]
