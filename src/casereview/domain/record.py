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

class _Refused(Exception):
    """A value the fast path leaves to the model."""


_REFUSED = object()
_MISSING = object()
# The model settings whose effect the fast path reproduces (any other: rows go to the model).
_FOLLOWED_CONFIG = {"validate_default", "extra"}
# Distinct values remembered per field: enough for a file's wards, dates and times, bounded
# so that a column of unique values (a timestamp, a patient reference) keeps memory flat.
MEMO_LIMIT = 20_000


def _takes_info(func: Callable) -> bool:
    """Whether a validator takes pydantic's ``info`` (as pydantic decides it: by arity)."""
    try:
        params = [p for p in inspect.signature(func).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        return False
    return len(params) >= 2


class _Watched:
    """``info.data`` as pydantic gives it (the fields validated so far), noting which fields
    a rule reads. ``data`` holds every input field, those not validated yet as _REFUSED."""

    __slots__ = ("data", "read")

    def __init__(self, data: dict, read: set):
        self.data, self.read = data, read

    def get(self, key, default=None):
        self.read.add(key)
        value = self.data.get(key, _REFUSED)
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
    """One field's rule, remembered per distinct value and per whatever other fields it
    read (found by watching, and widened if a later value reads more). What it remembers is
    (the validated value, its stored column values). A field whose values hardly repeat (a
    timestamp, a patient reference) stops being remembered, so memory stays flat."""

    __slots__ = ("name", "before", "after", "types", "stores", "info", "watch", "memo",
                 "reads", "pick", "seen", "misses", "keep", "stored")

    def __init__(self, name, before, after, kinds, stores, context, seen):
        self.name, self.before, self.after, self.types = name, before, after, kinds
        self.stores = stores  # how each of the field's stored columns is made
        self.info = _Info(context, None, name)
        self.watch = _Watched({}, set())
        self.info.data = self.watch
        if len(stores) == 1:
            store = stores[0]
            self.stored = lambda value: (None if value is None else store(value),)
        else:
            self.stored = lambda value: (
                (None,) * len(stores) if value is None else tuple(m(value) for m in stores))
        self.memo: dict = {}
        self.reads: tuple[str, ...] = ()
        self.pick: Callable[[dict], Any] | None = None  # the read fields' values
        self.seen = seen  # [rows looked at], shared by the fields of one import
        self.misses = 0
        self.keep = True

    def run(self, value: Any, data: dict) -> Any:
        """(validated value, stored values) or _REFUSED; remembered."""
        given = value
        watch, info = self.watch, self.info
        watch.data = data
        read = watch.read
        read.clear()
        try:
            for func, takes_info in self.before:
                value = func(value, info) if takes_info else func(value)
            if type(value) not in self.types:
                result = _REFUSED  # pydantic would coerce or refuse it: the model decides
            elif self.after:
                for func, takes_info in self.after:
                    value = func(value, info) if takes_info else func(value)
                result = (value, self.stored(value))
            else:
                result = (value, self.stored(value))
        except Exception:  # any verdict but acceptance is the model's to give
            result = _REFUSED
        watch.data = None
        if read:
            read.intersection_update(data)  # a field not an input reads as absent always
        if read and not read.issubset(self.reads):
            self.reads = tuple(sorted(read.union(self.reads)))
            self.pick = itemgetter(*self.reads)
            self.memo.clear()
        self.misses += 1
        if self.keep:
            memo = self.memo
            if len(memo) >= MEMO_LIMIT:
                memo.clear()
            memo[given if self.pick is None else (given, self.pick(data))] = result
            if self.misses == RARELY_REPEATED and (self.seen[0] - self.misses) * 10 \
                    < self.misses:
                self.keep = False
                memo.clear()
        return result


# After this many distinct values, a field repeated less than one time in ten is no longer
# remembered.
RARELY_REPEATED = 5000


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
    """An import's fast path for one model: ``row(raw)`` is the record's stored values as a
    tuple in ``shape(model).stored_columns`` order, or None to leave the row to the model.
    The remembered values live as long as the import.

    The per-row function is written out for the model (one statement per field, like
    dataclasses write ``__init__``): an import calls it a million times."""

    def __init__(self, model: type[BaseModel], context: Context):
        self.model = model
        self.shape = shape(model)
        self.context = context.validation_context
        self.rules: list[_FieldRule] | None = []
        self.seen = [0]
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
        inputs = set(self.shape.input_columns)
        self.storers: dict[str, tuple[Callable, ...]] = {}
        for name, info in fields.items():
            stored_as = _marker(info.metadata, StoredAs)
            makes = [make for field, _, make in self.shape.stores if field == name]
            if stored_as is None and makes:
                makes = [_storer(_types_of(info.annotation))]
            self.storers[name] = tuple(makes)
        for name in [n for n in fields if n in inputs]:  # in the order pydantic runs them
            chain = _field_chain(model, name)
            kinds = _types_of(fields[name].annotation)
            if chain is None or kinds is None:
                self.rules = None
                return
            self.rules.append(_FieldRule(name, *chain, kinds, self.storers[name],
                                         self.context, self.seen))
        self.defaults = {name: info.default for name, info in fields.items()}
        self.known = frozenset(self.shape.input_columns)

    def rows(self) -> Callable[[dict[str, Any]], tuple | None] | None:
        """The per-row function, or None if this model's rows all go to the model."""
        if self.rules is None:
            return None
        env: dict[str, Any] = {
            "R": _REFUSED, "Record": _Record, "known": self.known,
            "info": _Info(self.context, {}, None), "defaults": self.defaults,
            "blank": dict.fromkeys(self.known, _REFUSED), "seen": self.seen,
            "M": _MISSING,
        }
        lines = ["def row(raw):",
                 f"    if len(raw) != {len(self.rules)} and not known.issuperset(raw):",
                 "        return None",
                 "    seen[0] += 1",
                 "    get = raw.get",
                 "    data = blank.copy()",
                 "    try:  # a value that is not a file's (unhashable) goes to the model",
                 "        return row_of(raw, get, data)",
                 "    except TypeError:",
                 "        return None",
                 "",
                 "def row_of(raw, get, data):"]
        inputs = {}
        for i, rule in enumerate(self.rules):
            env[f"f{i}"], env[f"m{i}"] = rule, rule.memo
            env[f"d{i}"] = self.defaults[rule.name]
            inputs[rule.name] = i
            lines += [
                f"    v = get({rule.name!r}, d{i})",
                f"    r = m{i}.get(v if f{i}.pick is None else (v, f{i}.pick(data)), M)",
                "    if r is M:",
                f"        r = f{i}.run(v, data)",
                "    if r is R:",
                "        return None",
                f"    data[{rule.name!r}], s{i} = r",
            ]
        lines += ["    record = Record(defaults, data)", "    try:"]
        for j, (validator, takes_info) in enumerate(self.after_model):
            env[f"a{j}"] = validator
            call = f"a{j}(record, info)" if takes_info else f"a{j}(record)"
            lines += [f"        if {call} is not record:", "            return None"]
        # A validator that replaced an input's value would make its remembered stored value
        # stale: such a row goes to the model.
        lines += ["    except Exception:", "        return None",
                  "    values = record.__dict__"]
        for name in inputs:
            lines += [f"    if values[{name!r}] is not data[{name!r}]:", "        return None"]
        pieces, k = [], 0
        for name in self.model.model_fields:
            makes = self.storers[name]
            if not makes:
                continue
            if name in inputs:
                pieces.append(f"*s{inputs[name]}")
                continue
            for make in makes:
                env[f"c{k}"] = make
                pieces.append(f"None if (x := values[{name!r}]) is None else c{k}(x)")
                k += 1
        lines += ["    try:", f"        return ({', '.join(pieces)},)",
                  "    except Exception:", "        return None"]
        self.source = "\n".join(lines)
        exec(self.source, env)  # the source is made above from the model
        return env["row"]


class _Record:
    """The fields of a row as the model's after-validators see ``self``."""

    def __init__(self, defaults: dict, data: dict):
        self.__dict__.update(defaults)
        self.__dict__.update(data)

