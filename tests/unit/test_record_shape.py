"""One description per record (domain/record.py): each record model is the one place its
import columns, required columns and stored columns come from, and the import's fast path
runs the model's own rules, so a rule added to a model is not skipped by an import."""

from __future__ import annotations

from pydantic import Field, ValidationInfo, field_validator

from casereview.domain.experience import Experience
from casereview.domain.move import Move, NightAudit
from casereview.domain.record import FastRows, shape, stored_row
from casereview.domain.review import Review
from casereview.domain.toc import Toc
from casereview.domain.validation import RecordInvalid, validate
from casereview.domain.ward_entry import WardEntry
from casereview.io.kinds import KINDS
from casereview.io.record_export import EXPORT_KINDS, export_columns

MODELS = {"moves": Move, "nights": NightAudit, "reviews": Review, "toc": Toc,
          "experience": Experience, "wards": WardEntry}
TABLES = {Move: "move", NightAudit: "night_audit", Review: "review", Toc: "toc",
          Experience: "experience"}
MOVE = {"moved_at": "2026-11-16 23:15", "site_code": "NGH", "from_ward": "A1",
        "to_ward": "A2", "reason": "CAPACITY", "patient_ref": "999 000 0018", "age": "81",
        "dementia": "y", "authorised_by": "S. Okafor", "informed": "no", "move_number": "1",
        "notes": "quiet night"}


def test_every_import_kind_reads_its_models_columns():
    for name, model in MODELS.items():
        assert KINDS[name].columns == shape(model).input_columns, name
        assert KINDS[name].required == shape(model).required_columns, name


def test_every_stored_column_is_in_its_table_and_exported(ref_db):
    for model, table in TABLES.items():
        columns = ref_db.columns(table)
        assert set(shape(model).stored_columns) <= set(columns), model.__name__
    for kind in EXPORT_KINDS.values():
        if kind.model is None:  # exported in a shape of its own (the action plan)
            continue
        exported = export_columns(ref_db, kind)
        stored = list(shape(kind.model).stored_columns)
        assert stored == [c for c in exported if c in stored], kind.name
        assert "deleted_at" not in exported


def test_a_records_stored_row_has_the_stored_columns(ctx):
    move = validate(Move, MOVE, ctx)
    assert tuple(stored_row(move)) == shape(Move).stored_columns
    assert move.to_row()["moved_at"] == "2026-11-16T23:15+00:00"
    assert move.to_row()["moved_at_utc"] == "2026-11-16T23:15Z"
    assert move.to_row()["audit_night"] == "2026-11-16"
    assert move.to_row()["out_of_hours"] == 1 and move.to_row()["dementia"] == 1
    assert "non_clinical" not in move.to_row()


class _NoShouting(Move):
    """A rule added to the model after the fast path was written."""

    @field_validator("notes")
    @classmethod
    def _quiet(cls, notes: str | None):
        if notes and notes.isupper():
            raise ValueError("is all capitals")
        return notes


class _Centenarians(Move):
    """A rule that reads another field: the fast path must not remember its verdict by the
    value alone."""

    @field_validator("informed")
    @classmethod
    def _told(cls, informed: bool | None, info: ValidationInfo):
        if informed is False and info.data.get("age") == 100:
            raise ValueError("a patient of 100 must be told")
        return informed


class _Constrained(Move):
    notes: str | None = Field(default=None, max_length=5)


def _model_row(model, raw, ctx):
    try:
        return tuple(stored_row(validate(model, raw, ctx)).values())
    except RecordInvalid:
        return None


def test_a_rule_added_to_the_model_is_run_by_the_fast_path(ctx):
    rows = FastRows(_NoShouting, ctx).rows()
    assert rows(dict(MOVE, notes="QUIET NIGHT")) is None
    assert _model_row(_NoShouting, dict(MOVE, notes="QUIET NIGHT"), ctx) is None
    assert rows(dict(MOVE)) == _model_row(_NoShouting, MOVE, ctx) is not None


def test_a_rule_reading_another_field_is_remembered_per_that_field(ctx):
    rows = FastRows(_Centenarians, ctx).rows()
    assert rows(dict(MOVE, age="81")) is not None
    assert rows(dict(MOVE, age="100")) is None
    assert rows(dict(MOVE, age="100", informed="yes")) is not None
    assert rows(dict(MOVE, age="81")) is not None


def test_a_constraint_the_fast_path_cannot_run_sends_every_row_to_the_model(ctx):
    assert FastRows(_Constrained, ctx).rows() is None
    assert FastRows(Move, ctx).rows() is not None


class _LooksAhead(Move):
    """A rule reading a field pydantic validates after it (it sees it as absent)."""

    @field_validator("site_code")
    @classmethod
    def _peek(cls, code, info: ValidationInfo):
        if info.data.get("notes") == "stop":
            raise ValueError("never: notes is not validated yet")
        return code


def test_a_rule_reading_a_later_field_sees_it_absent_as_the_model_does(ctx):
    rows = FastRows(_LooksAhead, ctx).batch()
    raws = [dict(MOVE, notes="stop"), dict(MOVE, notes="go"), dict(MOVE)]
    assert rows(raws) == [_model_row(_LooksAhead, raw, ctx) for raw in raws]
    assert rows([dict(MOVE)]) == [_model_row(_LooksAhead, MOVE, ctx)]
