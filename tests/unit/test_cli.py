"""SPEC 7: the command line, exit codes and the summary JSON contract."""

import json
import os
import subprocess
import sys
from pathlib import Path

import casereview
from casereview.cli import main

SRC = str(Path(casereview.__file__).parents[1])


def _wards(tmp_path):
    f = tmp_path / "wards.csv"
    f.write_text("site_code,site_name,ward_code,ward_name,older_adults\n"
                 "SJ,St Jude,W1,Ward 1,yes\nSJ,,W2,Ward 2,no\n", encoding="utf-8")
    return f


def test_import_and_summary_json(tmp_path, capsys):
    db = str(tmp_path / "c.db")
    assert main(["import", "wards", str(_wards(tmp_path)), "--db", db]) == 0
    moves = tmp_path / "moves.csv"
    moves.write_text("moved_at,site_code,from_ward,to_ward,reason\n"
                     "2026-11-16 23:00,SJ,W1,W2,CAPACITY\n2026-11-17 01:00,SJ,W2,W1,OUTLIER\n",
                     encoding="utf-8")
    nights = tmp_path / "nights.csv"
    nights.write_text("site_code,audit_night,audited_by\nSJ,2026-11-16,KM\n", encoding="utf-8")
    assert main(["import", "moves", str(moves), "--db", db, "--user", "ann"]) == 0
    assert main(["import", "nights", str(nights), "--db", db]) == 0
    capsys.readouterr()
    assert main(["summary", "--week", "2026-W47", "--db", db]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["period"] == {"label": "2026-W47", "start": "2026-11-16", "end": "2026-11-22"}
    assert "generated_at" in data
    rows = {(r["measure"], r["scope"]): r for r in data["measures"]}
    assert rows[("ooh_nc_moves", "all")] == {"measure": "ooh_nc_moves", "scope": "all",
                                             "value": 2, "numerator": 2, "denominator": None}
    assert rows[("ooh_nc_moves_per_night", "site:SJ")]["value"] == 2.0
    assert rows[("ooh_nc_moves", "ward:W2")]["value"] == 1
    assert set(data["measures"][0]) == {"measure", "scope", "value", "numerator", "denominator"}


def test_summary_csv_has_period_column(tmp_path, capsys):
    db = str(tmp_path / "c.db")
    main(["import", "wards", str(_wards(tmp_path)), "--db", db])
    capsys.readouterr()
    assert main(["summary", "--month", "2026-11", "--format", "csv", "--db", db]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "period,measure,scope,value,numerator,denominator"
    assert lines[1] == "2026-11,ooh_nc_moves,all,0,0,"


def test_summary_of_a_period_not_yet_begun_is_refused(tmp_path, capsys):
    from datetime import date, timedelta

    from casereview.metrics.periods import week_of

    db = str(tmp_path / "c.db")
    next_week = week_of(date.today() + timedelta(days=7))
    assert main(["summary", "--week", next_week.label, "--db", db]) == 2
    err = capsys.readouterr().err
    assert f"--week {next_week.label} has not begun" in err
    this_week = week_of(date.today())  # begun, not over: its counts so far
    assert main(["summary", "--week", this_week.label, "--db", db]) == 0


def test_publish_suppresses_small_counts(tmp_path, capsys):
    db = str(tmp_path / "c.db")
    main(["import", "wards", str(_wards(tmp_path)), "--db", db])
    moves = tmp_path / "moves.csv"
    moves.write_text("moved_at,site_code,from_ward,to_ward,reason\n"
                     "2026-11-16 23:00,SJ,W1,W2,CAPACITY\n", encoding="utf-8")
    main(["import", "moves", str(moves), "--db", db])
    capsys.readouterr()
    main(["summary", "--week", "2026-W47", "--publish", "--db", db])
    rows = {(r["measure"], r["scope"]): r for r in json.loads(capsys.readouterr().out)["measures"]}
    assert rows[("ooh_nc_moves", "all")]["value"] == "*"
    assert rows[("ooh_nc_moves", "ward:W2")]["value"] == 0
    # Night audit returns count nights, not people: never suppressed (SPEC 7.2).
    completeness = rows[("night_audit_completeness_pct", "site:SJ")]
    assert (completeness["numerator"], completeness["denominator"]) == (0, 7)
    assert completeness["value"] == 0.0


def test_invalid_import_exit_1_names_file_line_field(tmp_path, capsys):
    db = str(tmp_path / "c.db")
    main(["import", "wards", str(_wards(tmp_path)), "--db", db])
    moves = tmp_path / "moves.csv"
    moves.write_text("moved_at,site_code,from_ward,to_ward,reason\n"
                     "2026-11-16 23:00,SJ,W1,W1,CAPACITY\n", encoding="utf-8")
    assert main(["import", "moves", str(moves), "--db", db]) == 1
    err = capsys.readouterr().err
    assert "nothing imported" in err and f"{moves}, line 2, field to_ward" in err


def test_usage_errors_exit_2(tmp_path, capsys):
    db = str(tmp_path / "c.db")
    assert main(["summary", "--week", "2026-47", "--db", db]) == 2
    try:
        main(["summary", "--db", db])
    except SystemExit as exc:
        assert exc.code == 2


def test_check_and_backup(tmp_path, capsys):
    db = tmp_path / "c.db"
    main(["import", "wards", str(_wards(tmp_path)), "--db", str(db)])
    assert main(["check", "--db", str(db)]) == 0
    target = tmp_path / "copy.db"
    assert main(["backup", "--to", str(target), "--db", str(db)]) == 0
    assert main(["check", "--db", str(target)]) == 0
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    assert oct(db.stat().st_mode & 0o777) == "0o600"


def test_db_from_environment(tmp_path):
    db = tmp_path / "env.db"
    env = dict(os.environ, CASEREVIEW_DB=str(db), PYTHONPATH=SRC)
    done = subprocess.run([sys.executable, "-m", "casereview", "check"], env=env,
                          capture_output=True, text=True)
    assert done.returncode == 1 and "does not exist" in done.stderr
    done = subprocess.run([sys.executable, "-m", "casereview", "import", "wards",
                           str(_wards(tmp_path))], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert db.exists()


def test_demo_builds_populated_database(tmp_path, capsys):
    db = tmp_path / "demo.db"
    assert main(["demo", "--db", str(db), "--weeks", "30"]) == 0
    assert main(["demo", "--db", str(db)]) == 1  # refuses to overwrite
    assert main(["check", "--db", str(db)]) == 0
