"""`casereview import reviews FILE`: SPEC 7.1 columns, all-or-nothing, line and field named,
the status column and its rules."""

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
from casereview.io.kinds import KINDS, REVIEW_COLUMNS
from casereview.storage.changelog import history
from casereview.storage.reviews import get_review
from tests.review_samples import complete_raw

REVIEWS = KINDS["reviews"]


def write_csv(path: Path, rows: list[dict], columns=REVIEW_COLUMNS, bom: bool = False) -> Path:
    with open(path, "w", newline="", encoding="utf-8-sig" if bom else "utf-8") as handle:
        writer = csv.DictWriter(handle, columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    return path


def row(**changes) -> dict:
    return complete_raw(**changes)


def review_count(db) -> int:
    return db.conn.execute("SELECT COUNT(*) FROM review").fetchone()[0]


def test_columns_are_the_spec_list():
    assert REVIEW_COLUMNS == tuple(
        "review_date, patient_ref, age, dementia, admission_date, medically_fit_date, "
        "discharge_date, agencies, reviewers, ideal_outcome, actual_outcome, "
        "admission_avoidable, score_pre_admission, score_admission, score_ongoing, "
        "score_discharge_planning, score_transfer, score_overall, avoidable_delay_days, "
        "ward_moves, themes, learning, status".split(", "))


def test_import_writes_every_status(ref_db, ctx, tmp_path):
    path = write_csv(tmp_path / "reviews.csv", [
        row(status="draft", patient_ref="9991408916", score_overall="", ideal_outcome=""),
        row(status="complete", patient_ref="9995968533"),
        row(status="signed_off", patient_ref="9998885981", themes="FAMILY"),
    ], bom=True)
    result = import_file(ref_db, REVIEWS, path, ctx, "importer")
    assert result.written == 3
    rows = [get_review(ref_db, i) for i in (1, 2, 3)]
    assert [r["status"] for r in rows] == ["draft", "complete", "signed_off"]
    assert rows[2]["signed_off_by"] == "importer" and rows[2]["signed_off_at"]
    assert rows[0]["non_ideal_outcome"] is None
    assert ref_db.conn.execute("SELECT COUNT(*) FROM review_agency").fetchone()[0] == 6
    assert ref_db.conn.execute(
        "SELECT theme_code FROM review_theme_link WHERE review_id = 3").fetchall()[0][0] == "FAMILY"
    assert [h["action"] for h in history(ref_db.conn, "review", 3)] == ["insert", "sign_off"]


def test_bad_row_writes_nothing_and_names_line_and_field(ref_db, ctx, tmp_path):
    path = write_csv(tmp_path / "reviews.csv", [
        row(patient_ref="9991408916"),
        row(patient_ref="9995968533", score_overall="7"),
        row(patient_ref="9998885981", agencies="ACUTE", medically_fit_date="2026-08-01"),
    ])
    log_before = ref_db.conn.execute("SELECT COUNT(*) FROM change_log").fetchone()[0]
    with pytest.raises(ImportFailed) as caught:
        import_file(ref_db, REVIEWS, path, ctx, "importer")
    found = {(p.line, p.field) for p in caught.value.result.problems}
    assert found == {(3, "score_overall"), (4, "agencies"), (4, "medically_fit_date")}
    message = str(caught.value)
    assert f"{path}, line 3, field score_overall: 7 is not a care score" in message
    assert review_count(ref_db) == 0
    assert ref_db.conn.execute("SELECT COUNT(*) FROM review_agency").fetchone()[0] == 0
    assert ref_db.conn.execute("SELECT COUNT(*) FROM change_log").fetchone()[0] == log_before


def test_complete_and_signed_off_rows_need_what_completion_needs(ref_db, ctx, tmp_path):
    path = write_csv(tmp_path / "reviews.csv", [
        row(status="signed_off", patient_ref="9991408916", actual_outcome=""),
        row(status="draft", patient_ref="9995968533", actual_outcome="", agencies="ACUTE"),
    ])
    with pytest.raises(ImportFailed) as caught:
        import_file(ref_db, REVIEWS, path, ctx, "importer")
    problems = caught.value.result.problems
    assert [(p.line, p.field, p.message) for p in problems] == [
        (2, "actual_outcome", "is required to complete a review")]


def test_blank_or_absent_status_means_complete(ref_db, ctx, tmp_path):
    no_status = tuple(c for c in REVIEW_COLUMNS if c != "status")
    import_file(ref_db, REVIEWS, write_csv(tmp_path / "a.csv", [row()], no_status), ctx, "i")
    import_file(ref_db, REVIEWS, write_csv(tmp_path / "b.csv", [
        row(status="", patient_ref="9995968533")]), ctx, "i")
    assert [get_review(ref_db, i)["status"] for i in (1, 2)] == ["complete", "complete"]
    with pytest.raises(ImportFailed) as caught:
        import_file(ref_db, REVIEWS, write_csv(tmp_path / "c.csv", [
            row(status="", patient_ref="9998885981", score_overall="")]), ctx, "i")
    (problem,) = caught.value.result.problems
    assert problem.field == "score_overall"
    assert "status is blank, so the row is imported as complete" in problem.message


def test_optional_columns_may_be_left_out(ref_db, ctx, tmp_path):
    columns = ("review_date", "patient_ref", "admission_date", "agencies", "reviewers",
               "ideal_outcome", "actual_outcome", "score_overall")
    result = import_file(ref_db, REVIEWS, write_csv(tmp_path / "r.csv", [row()], columns), ctx,
                         "i")
    assert result.written == 1
    assert get_review(ref_db, 1)["themes"] == ""


def test_missing_required_column_is_refused(ref_db, ctx, tmp_path):
    columns = tuple(c for c in REVIEW_COLUMNS if c != "agencies")
    with pytest.raises(FileInvalid, match="field agencies: required column is missing"):
        import_file(ref_db, REVIEWS, write_csv(tmp_path / "r.csv", [row()], columns), ctx, "i")


def test_duplicate_review_is_refused_in_the_file_and_against_the_store(ref_db, ctx, tmp_path):
    path = write_csv(tmp_path / "r.csv", [row(), row()])
    with pytest.raises(ImportFailed) as caught:
        import_file(ref_db, REVIEWS, path, ctx, "i")
    assert [(p.line, p.field) for p in caught.value.result.problems] == [(3, "patient_ref")]
    import_file(ref_db, REVIEWS, write_csv(tmp_path / "one.csv", [row()]), ctx, "i")
    with pytest.raises(ImportFailed, match="already has a review on this date"):
        import_file(ref_db, REVIEWS, write_csv(tmp_path / "again.csv", [row()]), ctx, "i",
                    again=True)  # the rule for the record, not for the file
    assert review_count(ref_db) == 1


def test_skip_invalid_writes_the_good_rows_and_rejects_the_rest(ref_db, ctx, tmp_path):
    path = write_csv(tmp_path / "r.csv", [row(), row(patient_ref="9995968533",
                                                     ideal_outcome="PALACE")])
    result = import_file(ref_db, REVIEWS, path, ctx, "i", skip_invalid=True)
    assert result.written == 1 and result.rejected_rows == 1
    with open(result.rejects_path, encoding="utf-8") as handle:
        rejects = list(csv.DictReader(handle))
    assert rejects[0]["ideal_outcome"] == "PALACE"
    assert rejects[0]["error"].startswith("ideal_outcome: 'PALACE' is not an outcome")


def _cli(*args: str) -> subprocess.CompletedProcess:
    src = Path(casereview.__file__).parents[1]
    env = dict(os.environ, PYTHONPATH=str(src))
    return subprocess.run([sys.executable, "-m", "casereview", *args], capture_output=True,
                          text=True, env=env)


def test_cli_import_refuses_a_bad_file_with_line_and_field(tmp_path):
    db = tmp_path / "cli.db"
    path = write_csv(tmp_path / "reviews.csv", [
        row(review_date="2026-11-01", admission_date="2026-10-01", medically_fit_date="",
            discharge_date=""),
        row(review_date="2026-11-01", admission_date="2026-10-01", patient_ref="9995968533",
            medically_fit_date="", discharge_date="", agencies="ACUTE;NOBODY")])
    done = _cli("import", "reviews", str(path), "--db", str(db))
    assert done.returncode == 1
    assert f"{path}, line 3, field agencies: 'NOBODY' is not a known agency" in done.stderr
    ok = write_csv(tmp_path / "ok.csv", [row(review_date="2026-11-01",
                                             admission_date="2026-10-01",
                                             medically_fit_date="", discharge_date="")])
    done = _cli("import", "reviews", str(ok), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert "imported 1 review" in done.stderr
