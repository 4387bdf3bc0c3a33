"""`casereview import experience FILE` (SPEC 7.1): all-or-nothing, line-and-field errors,
--skip-invalid with a rejects file."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

import casereview
from casereview.io.importer import ImportFailed, import_file
from casereview.io.kinds import KINDS

HEADER = ("sample_date,site_code,ward_code,collected_by,patient_ref,age,dementia,proxy,fft,"
          "dignity,involved,moved_at_night,discharge_info,themes,comment")
GOOD_1 = ('2026-11-16,NGH,A1,P. Green,999 000 0018,82,no,no,VERY_GOOD,ALWAYS,DEFINITELY,NO,'
          'NOT_YET,STAFF_ATTITUDE,"Lovely staff, nothing too much trouble"')
GOOD_2 = "17/11/2026,WCH,B1,J. Hart,,91,yes,yes,DONT_KNOW,,NOT_APPLICABLE,DONT_KNOW,,,"
# Line 4: POOR-ish is not an answer, and ward B1 is not on NGH.
BAD = "2026-11-18,NGH,B1,P. Green,,,,,POOR-ISH,SOMETIMES,,YES,,NOISE_AT_NIGHT,Noisy"


def write(tmp_path: Path, *lines: str, name: str = "experience.csv", bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_text(("\ufeff" if bom else "") + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def rows(db) -> list[dict]:
    return [dict(r) for r in db.conn.execute("SELECT * FROM experience ORDER BY id")]


def test_experience_is_an_import_kind():
    kind = KINDS["experience"]
    assert kind.columns == tuple(HEADER.split(","))
    assert set(kind.required) == {"sample_date", "site_code", "ward_code", "collected_by", "fft"}


def test_a_good_file_is_imported(ref_db, ctx, tmp_path):
    path = write(tmp_path, HEADER, GOOD_1, GOOD_2, bom=True)
    result = import_file(ref_db, KINDS["experience"], path, ctx, "importer")
    assert result.written == 2
    first, second = rows(ref_db)
    assert first["patient_ref"] == "9990000018" and first["comment"].startswith("Lovely")
    assert first["discharge_info"] == "NOT_YET" and first["themes"] == "STAFF_ATTITUDE"
    assert second["sample_date"] == "2026-11-17" and second["fft"] == "DONT_KNOW"
    assert second["proxy"] == 1 and second["dignity"] is None and second["themes"] == ""
    logged = ref_db.conn.execute(  # records covered by the insert entries
        "SELECT SUM(COALESCE(last_id - first_id + 1, 1)) FROM change_log "
        "WHERE record_type = 'experience' AND action = 'insert'").fetchone()[0]
    assert logged == 2


def test_a_bad_row_writes_nothing_and_names_line_and_field(ref_db, ctx, tmp_path):
    path = write(tmp_path, HEADER, GOOD_1, GOOD_2, BAD)
    before = ref_db.conn.execute("SELECT COUNT(*) FROM change_log").fetchone()[0]
    with pytest.raises(ImportFailed) as caught:
        import_file(ref_db, KINDS["experience"], path, ctx, "importer")
    found = {(p.line, p.field) for p in caught.value.result.problems}
    assert found == {(4, "ward_code"), (4, "fft")}
    text = str(caught.value)
    assert f"{path}, line 4, field fft: 'POOR-ISH' is not one of VERY_GOOD" in text
    assert f"{path}, line 4, field ward_code: ward B1 is on site WCH, not on NGH" in text
    assert rows(ref_db) == []
    assert ref_db.conn.execute("SELECT COUNT(*) FROM change_log").fetchone()[0] == before


def test_optional_columns_may_be_left_out(ref_db, ctx, tmp_path):
    path = write(tmp_path, "sample_date,site_code,ward_code,collected_by,fft",
                 "2026-11-20,NGH,A2,Ward clerk,good")
    assert import_file(ref_db, KINDS["experience"], path, ctx, "importer").written == 1
    assert rows(ref_db)[0]["fft"] == "GOOD"


def test_a_missing_required_column_is_named(ref_db, ctx, tmp_path):
    from casereview.io.csvfile import FileInvalid

    path = write(tmp_path, "sample_date,site_code,ward_code,collected_by", "2026-11-20,NGH,A2,X")
    with pytest.raises(FileInvalid) as caught:
        import_file(ref_db, KINDS["experience"], path, ctx, "importer")
    assert "line 1, field fft: required column is missing" in str(caught.value)


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(Path(casereview.__file__).parents[1]))
    return subprocess.run([sys.executable, "-m", "casereview", *args], env=env,
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)


def test_cli_import_all_or_nothing_then_skip_invalid(ref_db, db_path, tmp_path):
    path = write(tmp_path, HEADER, GOOD_1, BAD, GOOD_2)
    done = _cli(tmp_path, "import", "experience", str(path), "--db", str(db_path),
                "--user", "cli")
    assert done.returncode == 1
    assert "line 3, field fft" in done.stderr and "line 3, field ward_code" in done.stderr
    assert rows(ref_db) == []

    done = _cli(tmp_path, "import", "experience", str(path), "--skip-invalid", "--db",
                str(db_path), "--user", "cli")
    assert done.returncode == 0, done.stderr
    assert [r["ward_code"] for r in rows(ref_db)] == ["A1", "B1"]
    with open(tmp_path / "experience.csv.rejects.csv", newline="", encoding="utf-8") as handle:
        rejects = list(csv.DictReader(handle))
    assert len(rejects) == 1 and rejects[0]["fft"] == "POOR-ISH"
    assert "fft:" in rejects[0]["error"] and "ward_code:" in rejects[0]["error"]
