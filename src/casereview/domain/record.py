"""One description per record: the pydantic model says everything about a record's fields.

A record model declares each field once, with its type and its rule (a validator in the
type's ``Annotated`` metadata, or a ``field_validator``), and, in the same metadata, what the
field is to a file and to the store:

- every field is an input column (of a form and of an import file) unless it is
  ``Derived`` (set by the model from other fields or from the clock);
- ``REQUIRED``: an import file must have the column (the shared required types of
  ``domain/fields.py`` carry it; a field with its own required rule says it beside its type);
- the file's columns are in the model's order, but for a field marked ``LAST_IN_FILE``;
- a field is stored in one column of its own name, its value made storable by its type
  (a date as ISO text, a timestamp as local ISO time with its offset, yes/no as 1/0, a list
  ';'-joined), unless ``Derived(stored=False)``, or ``StoredAs`` names its columns and how
  each is made from the value.

From that, ``shape(model)`` gives the import file's columns and its required ones and the
stored columns (io/kinds.py, storage, the record exports all read them here), and
``stored_row(record)`` the stored values of a validated record.

``FastRows`` validates an import's rows with the model's own rules without building a
pydantic model per row: each field's rule is the chain of validator functions pydantic runs
for that field (taken from the model, in pydantic's order), called directly and remembered
per distinct value (and per the values of any other field it read, found by watching what it
reads); then the model's own after-validators derive the rest. It only ever accepts: a value
a rule refuses, or anything it cannot follow (a validator mode it does not run, a value whose
type the field would coerce), leaves the row to the model, whose verdict and messages are the
rules. So a rule added to a model is run by the import whether or not anyone remembers the
fast path; a test holds the two equal on generated rows.
"""

from __future__ import annotations

import inspect
import operator
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from operator import itemgetter
from typing import Any

from pydantic import AfterValidator, BaseModel, BeforeValidator

from casereview.domain.validation import Context
from casereview.domain.values import format_timestamp


@dataclass(frozen=True)
class Derived:
    """Set by the model (from other fields, or the clock), never an input column."""

    stored: bool = True


@dataclass(frozen=True)
class Required:
    """An import file must have this column."""


REQUIRED = Required()


@dataclass(frozen=True)
class LastInFile:
    """A field the model validates early (later rules read it) but a file lists last."""


LAST_IN_FILE = LastInFile()


class StoredAs:
    """The columns a field is stored in, each with how it is made from the field's value
    (None stays None)."""

    def __init__(self, **columns: Callable[[Any], Any]):
        self.columns = columns


def _storable(value: Any) -> Any:
    """A field's value as SQLite keeps it."""
    if value is None or isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ";".join(value)
    raise TypeError(f"no stored form for {type(value).__name__}")


@dataclass(frozen=True)
class Shape:
    """What a model's fields are to files and to the store."""

    input_columns: tuple[str, ...]      # an import file's columns, in the model's order
    required_columns: tuple[str, ...]   # the ones a file must have
    stored_columns: tuple[str, ...]     # the columns a record is stored in
    # (field, column, how the column is made from the field's value), in stored order
    stores: tuple[tuple[str, str, Callable[[Any], Any]], ...]


def _marker(metadata: list, kind: type) -> Any:
    return next((m for m in metadata if isinstance(m, kind)), None)


@cache
def shape(model: type[BaseModel]) -> Shape:
    inputs, last, required, stores = [], [], [], []
    for name, info in model.model_fields.items():
        derived = _marker(info.metadata, Derived)
        if derived is None:
            (last if _marker(info.metadata, LastInFile) else inputs).append(name)
            if _marker(info.metadata, Required) is not None:
                required.append(name)
        if derived is not None and not derived.stored:
            continue
        stored_as = _marker(info.metadata, StoredAs)
        if stored_as is None:
            stores.append((name, name, _storable))
        else:
            stores += [(name, column, make) for column, make in stored_as.columns.items()]
    return Shape((*inputs, *last), tuple(required), tuple(c for _, c, _ in stores),
                 tuple(stores))


def stored_row(record: BaseModel) -> dict[str, Any]:
    """The record's stored columns and values."""
    out = {}
    for name, column, make in shape(type(record)).stores:
        value = getattr(record, name)
        out[column] = None if value is None else make(value)
    return out


# --- the fast path ---------------------------------------------------------------------------

_REFUSED = object()
# The model settings whose effect the fast path reproduces (any other: rows go to the model).
_FOLLOWED_CONFIG = {"validate_default", "extra"}
# Distinct values remembered per field: enough for a file's wards, dates and times, bounded
# so that a column of unique values (a timestamp, a patient reference) keeps memory flat.
MEMO_LIMIT = 20_000
# After this many distinct values, a field repeated less than one time in ten is no longer
# remembered.
RARELY_REPEATED = 5000


def _takes_info(func: Callable) -> bool:
    """Whether a validator takes pydantic's ``info`` (as pydantic decides it: by arity)."""
    try:
        params = [p for p in inspect.signature(func).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        return False
    return len(params) >= 2


class _RowData:
    """``info.data`` as pydantic gives it to a field's rule (the fields validated before it)
    for one row of a batch, noting which fields the rule reads."""

    __slots__ = ("columns", "row", "read")

    def __init__(self, columns: dict[str, list]):
        self.columns, self.row, self.read = columns, 0, set()

    def get(self, key, default=None):
        self.read.add(key)
        column = self.columns.get(key)
        if column is None:
            return default
        value = column[self.row]
        return default if value is _REFUSED else value

    def __getitem__(self, key):
        value = self.get(key, _REFUSED)
        if value is _REFUSED:
            raise KeyError(key)
        return value

    def __contains__(self, key):
        return self.get(key, _REFUSED) is not _REFUSED


class _Info:
    """What a validator reads of pydantic's ValidationInfo."""

    __slots__ = ("context", "data", "field_name", "mode", "config")

    def __init__(self, context: dict, data: dict, field_name: str | None):
        self.context, self.data, self.field_name = context, data, field_name
        self.mode, self.config = "python", None


def _types_of(annotation: Any) -> tuple[type, ...] | None:
    """The exact types a field's value may have once its before-validators ran (None:
    anything the fast path cannot check, so the row goes to the model)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _types_of(typing.get_args(annotation)[0])
    if origin in (types.UnionType, typing.Union):
        out: list[type] = []
        for arg in typing.get_args(annotation):
            got = _types_of(arg)
            if got is None:
                return None
            out += got
        return tuple(out)
    if annotation is type(None):
        return (type(None),)
    if annotation in (str, int, bool, date, datetime, float):
        return (annotation,)
    if origin is list and typing.get_args(annotation) == (str,):
        return (list,)
    return None


def _field_chain(model: type[BaseModel], name: str
                 ) -> tuple[list[tuple[Callable, bool]], list[tuple[Callable, bool]]] | None:
    """(before, after) validators of a field in the order pydantic runs them, each with
    whether it takes ``info``; None if the field has a validator the fast path does not run
    (plain or wrap)."""
    info = model.model_fields[name]
    if info.alias or info.validation_alias:
        return None
    before: list[tuple[Callable, bool]] = []
    after: list[tuple[Callable, bool]] = []
    for meta in info.metadata:  # applied left to right, each wrapping the last
        if isinstance(meta, BeforeValidator):
            before.insert(0, (meta.func, _takes_info(meta.func)))
        elif isinstance(meta, AfterValidator):
            after.append((meta.func, _takes_info(meta.func)))
        elif not isinstance(meta, (Derived, Required, LastInFile, StoredAs)):
            return None  # a constraint or validator this path does not run
    decorators = model.__pydantic_decorators__
    for dec in decorators.field_validators.values():  # outside the type's own
        if name not in dec.info.fields and "*" not in dec.info.fields:
            continue
        func = dec.func
        if dec.info.mode == "before":
            before.insert(0, (func, _takes_info(func)))
        elif dec.info.mode == "after":
            after.append((func, _takes_info(func)))
        else:
            return None
    return before, after


class _FieldRule:
    """One field's rule over a column of a batch: the chain of validators run once per
    distinct value (and per the values of any other field it read, found by watching, and
    widened if a later value reads more), remembered across batches. What it gives per row is
    (the validated value, its stored column values), or the rule's ``refused`` pair. A field
    whose values hardly repeat (a timestamp, a patient reference) stops being remembered, so
    memory stays flat."""

    __slots__ = ("name", "before", "after", "types", "stored", "info", "data", "memo",
                 "reads", "inputs", "distinct", "seen", "keep", "refused")

    def __init__(self, name, before, after, kinds, stores, context, data, inputs):
        self.name, self.before, self.after, self.types = name, before, after, kinds
        if len(stores) == 1:
            store = stores[0]
            self.stored = lambda value: (None if value is None else store(value),)
        else:
            self.stored = lambda value: (
                (None,) * len(stores) if value is None else tuple(m(value) for m in stores))
        self.refused = (_REFUSED, (None,) * len(stores))
        self.data = data  # the batch's _RowData, shared by the fields of one import
        self.info = _Info(context, data, name)
        self.inputs = inputs
        self.memo: dict = {}
        self.reads: tuple[str, ...] = ()
        self.distinct = self.seen = 0
        self.keep = True

    def run(self, value: Any, row: int) -> tuple:
        """(validated value, stored values) of one row's value, or ``refused``."""
        data, info = self.data, self.info
        data.row = row
        read = data.read
        read.clear()
        try:
            for func, takes_info in self.before:
                value = func(value, info) if takes_info else func(value)
            if type(value) not in self.types:
                return self.refused  # pydantic would coerce or refuse it: the model decides
            for func, takes_info in self.after:
                value = func(value, info) if takes_info else func(value)
            return value, self.stored(value)
        except Exception:  # any verdict but acceptance is the model's to give
            return self.refused
        finally:
            if read:
                read &= self.inputs  # a field that is not an input reads as absent always
                if not read.issubset(self.reads):
                    self.reads = tuple(sorted(read.union(self.reads)))
                    self.memo.clear()

    def column(self, values: list, columns: dict[str, list]) -> list[tuple]:
        """The rule's result for each value of a column (``columns``: the fields validated
        before it, by name)."""
        while True:
            reads = self.reads
            keys = values if not reads else list(zip(values, *(
                # a field not validated yet (later in pydantic's order) reads as absent
                columns.get(r) or [_REFUSED] * len(values) for r in reads)))
            if not self.keep:
                return [self.run(v, i) for i, v in enumerate(values)]
            memo = self.memo
            results = list(map(memo.get, keys))
            if None not in results:
                self.seen += len(values)
                return results
            for i, result in enumerate(results):
                if result is None:
                    key = keys[i]
                    result = memo.get(key)
                    if result is None:
                        result = self.run(values[i], i)
                        if self.reads is not reads:
                            break  # it read another field: every key changes
                        if len(memo) >= MEMO_LIMIT:
                            memo.clear()
                        memo[key] = result
                        self.distinct += 1
                    results[i] = result
            else:
                self.seen += len(values)
                if self.distinct >= RARELY_REPEATED and self.distinct * 10 > self.seen * 9:
                    self.keep = False
                    memo.clear()
                return results


def _storer(kinds: tuple[type, ...] | None) -> Callable[[Any], Any]:
    """How a value of these types is stored (the same as ``_storable``, chosen once)."""
    if kinds is None:
        return _storable
    kinds = tuple(k for k in kinds if k is not type(None))
    if all(k in (str, int, float) for k in kinds):
        return _same
    if kinds == (bool,):
        return int
    if kinds == (date,):
        return date.isoformat
    if kinds == (datetime,):
        return format_timestamp
    return _storable


def _same(value: Any) -> Any:
    return value


class FastRows:
    """An import's fast path for one model: ``batch()`` gives a function from a list of raw
    rows (by column) to, for each, the record's stored values as a tuple in
    ``shape(model).stored_columns`` order, or None to leave the row to the model.

    It works a column at a time (an import calls it for a million rows): each field's rule
    runs once per distinct value of its column, in the order pydantic validates the fields;
    then, row by row, the model's own after-validators derive the rest from the validated
    values. The remembered values live as long as the import."""

    def __init__(self, model: type[BaseModel], context: Context):
        self.model = model
        self.shape = shape(model)
        self.context = context.validation_context
        self.rules: list[_FieldRule] | None = []
        decorators = model.__pydantic_decorators__
        self.after_model = [(d.func, _takes_info(d.func))
                            for d in decorators.model_validators.values()
                            if d.info.mode == "after"]
        config = model.model_config
        if (any(d.info.mode != "after" for d in decorators.model_validators.values())
                or decorators.root_validators or decorators.field_serializers
                or set(config) - _FOLLOWED_CONFIG or config.get("extra") != "forbid"
                or not config.get("validate_default")):
            self.rules = None  # something this path does not run: every row to the model
            return
        fields = model.model_fields
        inputs = frozenset(self.shape.input_columns)
        self.storers: dict[str, tuple[Callable, ...]] = {}
        for name, info in fields.items():
            stored_as = _marker(info.metadata, StoredAs)
            makes = [make for field, _, make in self.shape.stores if field == name]
            if stored_as is None and makes:
                makes = [_storer(_types_of(info.annotation))]
            self.storers[name] = tuple(makes)
        self.columns: dict[str, list] = {}
        data = _RowData(self.columns)
        for name in [n for n in fields if n in inputs]:  # in the order pydantic runs them
            chain = _field_chain(model, name)
            kinds = _types_of(fields[name].annotation)
            if chain is None or kinds is None:
                self.rules = None
                return
            self.rules.append(_FieldRule(name, *chain, kinds, self.storers[name],
                                         self.context, data, inputs))
        self.defaults = {name: info.default for name, info in fields.items()}
        self.known = inputs

    def batch(self) -> Callable[[list[dict[str, Any]]], list[tuple | None]] | None:
        """The per-batch function, or None if this model's rows all go to the model."""
        if self.rules is None:
            return None

        def rows_of(raws: list[dict[str, Any]]) -> list[tuple | None]:
            try:
                return self._rows_of(raws)
            except TypeError:  # a value that is not a file's (unhashable): one at a time
                if len(raws) == 1:
                    return [None]
                return [rows_of([raw])[0] for raw in raws]
            finally:
                self.columns.clear()

        return rows_of

    def rows(self) -> Callable[[dict[str, Any]], tuple | None] | None:
        """The per-row function (``batch`` of one row), or None as ``batch``."""
        batch = self.batch()
        return None if batch is None else (lambda raw: batch([raw])[0])

    def _rows_of(self, raws: list[dict[str, Any]]) -> list[tuple | None]:
        if not raws:
            return []
        known, columns, defaults = self.known, self.columns, self.defaults
        columns.clear()
        bad = [not known.issuperset(raw) for raw in raws]
        # Each field's column: a file's rows all have the same columns, so the rows are
        # taken apart once (in C) by the first row's keys; otherwise row by row.
        given = [rule.name for rule in self.rules if rule.name in raws[0]]
        try:
            picked = dict(zip(given, zip(*map(itemgetter(*given), raws)) if len(given) > 1
                              else [[raw[given[0]] for raw in raws]] if given else []))
        except KeyError:
            picked = {}
        stored: list[list] = []  # the stored columns of the input fields, in field order
        for rule in self.rules:
            name = rule.name
            column = picked.get(name)
            if column is None:
                default = defaults[name]
                column = [raw.get(name, default) for raw in raws]
            results = rule.column(column, columns)
            values = columns[name] = [r[0] for r in results]
            if _REFUSED in values:
                for i, value in enumerate(values):
                    if value is _REFUSED:
                        bad[i] = True
            if len(results[0][1]) == 1:
                stored.append([[r[1][0] for r in results]])
            else:
                stored.append(list(zip(*(r[1] for r in results))))
        by_field = {rule.name: pieces for rule, pieces in zip(self.rules, stored)}
        names = [rule.name for rule in self.rules]
        info = _Info(self.context, {}, None)
        after_model = self.after_model
        is_ = operator.is_
        records: list[dict | None] = []
        keep = records.append
        for i, values in enumerate(zip(*(columns[name] for name in names))):
            if bad[i]:
                keep(None)
                continue
            record = _Record(defaults, names, values)
            try:
                for validator, takes_info in after_model:
                    if (validator(record, info) if takes_info
                            else validator(record)) is not record:
                        raise _Replaced
            except Exception:
                bad[i] = True
                keep(None)
                continue
            fields = record.__dict__
            # A validator that replaced an input's value would make its remembered stored
            # value stale: such a row goes to the model.
            if all(map(is_, map(fields.__getitem__, names), values)):
                keep(fields)
            else:
                bad[i] = True
                keep(None)
        pieces: list[list] = []
        for name, makes in self.storers.items():
            if not makes:
                continue
            if name in by_field:
                pieces += by_field[name]
                continue
            derived = [None if fields is None else fields[name] for fields in records]
            pieces += [[None if value is None else make(value) for value in derived]
                       for make in makes]
        rows: list[tuple | None] = list(zip(*pieces))
        if True in bad:
            for i, refused in enumerate(bad):
                if refused:
                    rows[i] = None
        return rows


class _Replaced(Exception):
    """An after-validator gave back another object than the record: the model decides."""


class _Record:
    """The fields of a row as the model's after-validators see ``self``."""

    def __init__(self, defaults: dict, names: list[str], values: tuple):
        self.__dict__.update(defaults)
        self.__dict__.update(zip(names, values))
