"""`casereview import toc FILE` (SPEC 7.1): all-or-nothing, line-and-field errors,
--skip-invalid, and the evaluation stored with every imported audit."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

import casereview
from casereview.io.csvfile import FileInvalid
from casereview.io.importer import ImportFailed, import_file
from casereview.io.kinds import KINDS, TOC_COLUMNS

HEADER = ",".join(TOC_COLUMNS)
GOOD_1 = ("2026-11-20,K. Mensah,NGH,A1,999 000 0026,2026-10-01,2026-10-10,2026-10-02,"
          "2026-10-11,2026-10-13,,2026-10-24,no,2026-10-30,PREFERRED,letter 2 a day late")
GOOD_2 = ("20/11/2026,L. Byrne,WCH,B2,RX1234,01/11/2026,05/11/2026,,,,,,,,"
          "STILL_IN_HOSPITAL,")
# letter2 before admission: line 3, field letter2_date
BAD = ("2026-11-20,K. Mensah,NGH,A2,999 000 0018,2026-10-01,2026-10-10,2026-10-02,,"
       "2026-09-12,,,yes,2026-10-30,INTERIM,")


def write(tmp_path: Path, *lines: str, name: str = "toc.csv", bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_text(("\ufeff" if bom else "") + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def toc_rows(db) -> list[dict]:
    return [dict(r) for r in db.conn.execute("SELECT * FROM toc ORDER BY id")]


def test_toc_is_an_import_kind_with_the_spec_columns():
    assert KINDS["toc"].columns == (
        "audit_date", "auditor", "site_code", "ward_code", "patient_ref", "admission_date",
        "medically_fit_date", "letter1_date", "choice_discussion_date", "letter2_date",
        "escalation_date", "letter3_date", "interim_offered", "discharge_date", "outcome",
        "notes")


def test_a_good_file_is_imported_with_its_evaluation(ref_db, ctx, tmp_path):
    result = import_file(ref_db, KINDS["toc"], write(tmp_path, HEADER, GOOD_1, GOOD_2, bom=True),
                         ctx, "importer")
    assert result.written == 2
    first, second = toc_rows(ref_db)
    assert first["patient_ref"] == "9990000026" and first["letter2_status"] == "late"
    assert first["escalation_status"] == "missing" and first["letter3_status"] == "on_time"
    assert first["adherence"] == "not_full" and first["interim_offered"] == 0
    assert second["audit_date"] == "2026-11-20" and second["patient_ref"] == "RX1234"
    assert second["letter1_status"] == "missing" and second["letter2_due"] == "2026-11-07"
    assert second["created_by"] == "importer"
    logged = ref_db.conn.execute(
        "SELECT SUM(COALESCE(last_id - first_id + 1, 1)) FROM change_log "
        "WHERE record_type = 'toc' AND action = 'insert'").fetchone()[0]  # records covered
    assert logged == 2


def test_a_bad_row_fails_the_whole_file_naming_line_and_field(ref_db, ctx, tmp_path):
    path = write(tmp_path, HEADER, GOOD_1, BAD, GOOD_2)
    with pytest.raises(ImportFailed) as caught:
        import_file(ref_db, KINDS["toc"], path, ctx, "importer")
    [problem] = caught.value.result.problems
    assert (problem.line, problem.field) == (3, "letter2_date")
    assert "before the admission date" in problem.message
    assert f"{path}, line 3, field letter2_date:" in str(caught.value)
    assert toc_rows(ref_db) == []


def test_skip_invalid_writes_the_good_rows_and_rejects_the_bad(ref_db, ctx, tmp_path):
    path = write(tmp_path, HEADER, GOOD_1, BAD, GOOD_2)
    result = import_file(ref_db, KINDS["toc"], path, ctx, "importer", skip_invalid=True)
    assert result.written == 2 and result.rejected_rows == 1
    with open(result.rejects_path, encoding="utf-8") as handle:
        rejects = list(csv.DictReader(handle))
    assert len(rejects) == 1 and rejects[0]["ward_code"] == "A2"
    assert rejects[0]["error"].startswith("letter2_date: ")
    assert len(toc_rows(ref_db)) == 2


def test_optional_columns_may_be_left_out(ref_db, ctx, tmp_path):
    path = write(tmp_path, "audit_date,auditor,site_code,ward_code,patient_ref,admission_date,"
                           "medically_fit_date,outcome",
                 "2026-11-20,A,NGH,A3,999 000 0026,2026-11-01,2026-11-03,STILL_IN_HOSPITAL")
    assert import_file(ref_db, KINDS["toc"], path, ctx, "importer").written == 1
    assert toc_rows(ref_db)[0]["adherence"] == "not_full"


def test_a_missing_required_column_is_named(ref_db, ctx, tmp_path):
    path = write(tmp_path, "audit_date,auditor,site_code,ward_code,patient_ref,admission_date,"
                           "outcome", "2026-11-20,A,NGH,A3,999 000 0026,2026-11-01,PREFERRED")
    with pytest.raises(FileInvalid, match="field medically_fit_date: required column"):
        import_file(ref_db, KINDS["toc"], path, ctx, "importer")


def test_every_problem_of_every_row_is_listed(ref_db, ctx, tmp_path):
    other_bad = GOOD_2.replace("STILL_IN_HOSPITAL", "HOME").replace("WCH,B2", "WCH,A1")
    path = write(tmp_path, HEADER, BAD, other_bad)
    with pytest.raises(ImportFailed) as caught:
        import_file(ref_db, KINDS["toc"], path, ctx, "importer")
    found = {(p.line, p.field) for p in caught.value.result.problems}
    assert found == {(2, "letter2_date"), (3, "ward_code"), (3, "outcome")}


def test_cli_import_toc(ref_db, db_path, tmp_path):
    env = dict(os.environ, PYTHONPATH=str(Path(casereview.__file__).parents[1]))
    bad = write(tmp_path, HEADER, GOOD_1, BAD, name="bad.csv")
    run = subprocess.run([sys.executable, "-m", "casereview", "import", "toc", str(bad),
                          "--db", str(db_path), "--user", "cli"], capture_output=True,
                         text=True, env=env)
    assert run.returncode == 1
    assert "line 3, field letter2_date" in run.stderr and "nothing imported" in run.stderr
    assert toc_rows(ref_db) == []
    good = write(tmp_path, HEADER, GOOD_1, name="good.csv")
    run = subprocess.run([sys.executable, "-m", "casereview", "import", "toc", str(good),
                          "--db", str(db_path), "--user", "cli"], capture_output=True,
                         text=True, env=env)
    assert run.returncode == 0, run.stderr
    assert [r["created_by"] for r in toc_rows(ref_db)] == ["cli"]
