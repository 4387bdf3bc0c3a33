"""The form that every entry screen is built on, and the message line that every screen shares.

How to write an entry screen (a new record type, the actions, the sign-in)::

    class ThingScreen(FormScreen):
        FIELD_OF = {"model_field": "form_field"}   # only where the names differ
        BINDINGS = [*FormScreen.BINDINGS, Binding("f3", "other", "Other")]

        def compose(self):
            yield Header()
            with Grid(id="form"):
                yield self.field_row("name", "Name", placeholder="who")
                yield self.field_row("ward", "Ward", CodeInput(id="ward"), hint=True)
            yield MessageLine()                   # the form's message line (id "message")
            yield Footer()

        def save(self) -> None:                   # Enter in any field, or Ctrl+S, calls it
            thing = self.validated(Thing, self.raw_values())
            if thing is None:
                return                            # every problem is shown beside its field
            record_id = self.stored(lambda: save_thing(self.app.db, thing, self.app.user))
            if record_id is not None:
                self.show_message(f"Saved thing {record_id}.", "ok")
                self.clear_fields()               # and the form is clean again

What the base does, so that a screen does not:

- ``field_row`` builds a label, the widget (an ``Input`` unless one is given), an optional
  hint line (for a ``CodeInput`` / ``CodeListInput``: what the typed text stands for) and the
  problem line, and registers the field: ``raw_values`` reads every registered field in order,
  ``fill`` writes them, ``clear_fields`` empties them.
- ``validated`` runs the model's rules and puts each problem beside its field (``FIELD_OF``
  maps a model field to the form field that shows it; ``problem_widget`` can send it
  elsewhere); a problem line is cleared as soon as its field changes.
- ``stored`` runs a storage call: a failure shows "Not saved: why" and keeps what was typed.
- ``confirm_delete`` asks before a soft delete and reports the outcome on the message line.
- The unsaved-changes guard: ``mark_clean`` after a load, a save or a clear; ``unsaved``;
  ``leave(go)`` (Escape) and ``guard(go, question)`` (any other step that would act as if the
  typed record were not there, e.g. closing the night) ask before going on.
- ``set_read_only(True)`` disables every field and hides the ``READ_ONLY_HIDDEN`` actions
  (Save by default) from the footer and the keys.
- Keys are taken in order: see ``FormScreen.focus_now``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from rich.cells import cell_len
from rich.markup import escape
from textual import on
from textual.binding import Binding
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.widget import Widget
from textual.widgets import Label, SelectionList, Static, TextArea

from casereview.domain.access import AccountDisabled, Permission
from casereview.domain.validation import RecordInvalid, validate
from casereview.storage.errors import DatabaseError
from casereview.tui.opening import OpensOnce
from casereview.tui.widgets.answer_keys import AnswerKeys
from casereview.tui.widgets.dialogs import Confirm
from casereview.tui.widgets.text_input import Input

T = TypeVar("T")

LEAVE_QUESTION = "Leave without saving what you have typed? It will be lost."


def set_text(widget: Static, text: str) -> None:
    """Show ``text`` in ``widget`` unless it already shows it. An update lays the whole screen
    out again, and a form changes its hint and problem lines on every key typed: so when the
    line was one line and stays one line (no line break, no longer than the widget is wide,
    markup and all), only the widget is drawn again."""
    old = widget.content
    if old == text:
        return
    width = widget.content_size.width
    same_height = (widget.is_mounted and width > 0 and isinstance(old, str)
                   and all("\n" not in t and cell_len(t) <= width for t in (old, text)))
    widget.update(text, layout=not same_height)


class MessageLine(Static):
    """The message line of a form or a list (its kinds, ok, warning and error, are styled by
    app.tcss)."""

    DEFAULT_CSS = "MessageLine { height: auto; padding: 0 1; }"

    def __init__(self, text: str = "", *, id: str = "message") -> None:
        super().__init__(text, id=id)

    def show(self, text: str, kind: str = "") -> None:
        self.set_classes(kind)
        set_text(self, text)


class ShowsMessages:
    """For any screen with a ``#message`` line: say something on it, and ask before a delete."""

    def show_message(self, text: str, kind: str = "") -> None:
        """``text`` is markup: escape anything a person typed. ``kind``: ok, warning, error."""
        by_id = getattr(self, "by_id", None)  # a form's index of its widgets
        widget = by_id("message") if by_id else None
        if not isinstance(widget, Static):
            widget = self.query_one("#message", Static)  # type: ignore[attr-defined]
        widget.set_classes(kind)
        set_text(widget, text)

    def confirm_delete(self, what: str, delete: Callable[[], object],
                       then: Callable[[], None] | None = None, *, restorable: bool = True,
                       refused: tuple[type[Exception], ...] = (),
                       report: Callable[[str], None] | None = None) -> None:
        """Ask "Delete ``what``?"; on yes run ``delete`` (a storage call), then ``then``. A
        failure (a database error, or one of ``refused``) is shown, not raised."""
        tail = " and it can be restored." if restorable else "."
        question = f"Delete {what}? It leaves every measure; the change log keeps it{tail}"
        say = report or (lambda text: self.show_message(text, "error"))

        def done(confirmed: bool | None) -> None:
            if not confirmed:
                return
            try:
                delete()
            except (DatabaseError, *refused) as exc:
                say(f"Not deleted: {escape(str(exc))}")
                return
            if report is None:
                self.show_message(f"Deleted {what}" + (" (it can be restored)." if restorable
                                                       else "."), "ok")
            if then is not None:
                then()

        self.app.push_screen(Confirm(question), done)  # type: ignore[attr-defined]


class FormScreen(ShowsMessages, OpensOnce):
    """An entry screen: see the module's docstring for how to build one."""

    DEFAULT_CSS = """
    FormScreen .field { height: auto; }
    FormScreen .field > Label { color: $text-muted; }
    FormScreen .hint { height: auto; color: $text-muted; }
    FormScreen .problem { height: auto; color: $error; display: none; }
    FormScreen .problem.-shown { display: block; }
    """

    BINDINGS: ClassVar[list[Binding]] = [Binding("ctrl+s", "save", "Save")]

    # Model field name -> the form field that shows its problem, where they differ.
    FIELD_OF: ClassVar[dict[str, str]] = {}
    # Actions that a read-only form neither shows nor runs.
    READ_ONLY_HIDDEN: ClassVar[tuple[str, ...]] = ("save",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.field_names: list[str] = []
        self.read_only = False
        self._clean: dict | None = None
        self._index: dict[str, Widget] | None = None

    # --- building -------------------------------------------------------------------------

    def field_row(self, name: str, label: str, widget: Widget | None = None, *,
                  placeholder: str = "", hint: bool = False, compact: bool = False) -> Vertical:
        """Label, widget (id ``name``), hint line (``name``-hint) and problem line
        (``name``-problem), registered as a field of the form."""
        if widget is None:
            widget = Input(id=name, placeholder=placeholder, compact=compact)
        self.register_field(name)
        parts: list[Widget] = [Label(label), widget]
        if hint:
            parts.append(Static("", classes="hint", id=f"{name}-hint"))
        parts.append(self.problem_line(name))
        return Vertical(*parts, classes="field")

    def register_field(self, name: str) -> None:
        """A field laid out by the screen itself (not by ``field_row``)."""
        if name not in self.field_names:
            self.field_names.append(name)

    @staticmethod
    def problem_line(name: str) -> Static:
        return Static("", classes="problem", id=f"{name}-problem")

    # --- values ---------------------------------------------------------------------------

    def by_id(self, widget_id: str) -> Widget | None:
        """The form's widget with this id, or None. A query walks every widget on the screen,
        and a form looks up a field, its hint line and its problem line on every key and for
        every field it fills; so the screen's widgets are indexed by id once it is composed
        (no form adds or removes widgets of its own after that; an index that has lost a
        widget is made again)."""
        if not self.children:  # not composed yet
            found = self.query(f"#{widget_id}")
            return found.first() if found else None
        if self._index is None:
            self._index = {w.id: w for w in self.walk_children() if w.id}
        widget = self._index.get(widget_id)
        if widget is not None and not widget.is_attached:
            self._index = None
            return self.by_id(widget_id)
        return widget

    def problem_lines(self) -> list[Widget]:
        if not self.children:
            return list(self.query(".problem"))
        self.by_id("")  # the index made (or made again)
        return [w for w in (self._index or {}).values() if w.has_class("problem")]

    def field(self, name: str) -> Widget:
        widget = self.by_id(name)
        if widget is None:
            raise NoMatches(f"No field #{name} on {self!r}")
        return widget

    def read_field(self, name: str) -> str:
        widget = self.field(name)
        if isinstance(widget, AnswerKeys):
            return widget.value
        if isinstance(widget, TextArea):
            return widget.text
        if isinstance(widget, SelectionList):
            return ";".join(str(v) for v in widget.selected)
        value_for_save = getattr(widget, "value_for_save", None)
        return value_for_save() if value_for_save else widget.value  # type: ignore[attr-defined]

    def write_field(self, name: str, value: Any) -> None:
        widget = self.field(name)
        if isinstance(widget, AnswerKeys):
            widget.set_value(value)
        elif isinstance(widget, TextArea):
            widget.text = value or ""
        elif isinstance(widget, SelectionList):
            widget.deselect_all()
            for code in filter(None, (value or "").split(";")):
                widget.select(code)
        else:
            widget.value = "" if value is None else str(value)  # type: ignore[attr-defined]
        hint = self.by_id(f"{name}-hint")
        if isinstance(hint, Static):
            set_text(hint, self.hint_of(widget))

    def raw_values(self) -> dict[str, str]:
        """Every field as typed (code fields as the code they stand for)."""
        return {name: self.read_field(name) for name in self.field_names}

    def fill(self, values: dict[str, Any]) -> None:
        for name, value in values.items():
            self.write_field(name, value)

    def clear_fields(self, keep: tuple[str, ...] = ()) -> None:
        """Empty every field but ``keep``; no problem is left shown; the form is clean."""
        for name in self.field_names:
            if name not in keep:
                self.write_field(name, None)
        self.clear_problems()
        self.mark_clean()

    @staticmethod
    def hint_of(widget: Widget) -> str:
        hint = getattr(widget, "hint", None)
        return escape(hint()) if callable(hint) and getattr(widget, "value", "") else ""

    # --- problems -------------------------------------------------------------------------

    def problem_widget(self, name: str) -> Static | None:
        """Where the problem of model field ``name`` is shown (None: on the message line)."""
        found = self.by_id(f"{self.FIELD_OF.get(name, name)}-problem") if name else None
        return found if isinstance(found, Static) else None

    def set_problem(self, name: str, message: str) -> None:
        widget = self.problem_widget(name)
        if widget is not None:
            set_text(widget, escape(message))  # it may quote what was typed
            widget.set_class(bool(message), "-shown")

    def clear_problems(self) -> None:
        for widget in self.problem_lines():
            set_text(widget, "")  # type: ignore[arg-type]
            widget.remove_class("-shown")

    def show_problems(self, problems: dict[str, str], summary: str | None = None) -> None:
        """Each problem beside its field, the rest and a count on the message line; the first
        field with a problem takes the focus."""
        first = None
        other = []
        for name, message in problems.items():
            if self.problem_widget(name) is not None:
                self.set_problem(name, message)
                first = first or self.FIELD_OF.get(name, name)
            else:
                other.append(f"{name}: {message}" if name else message)
        count = len(problems)
        text = summary or f"Not saved: {count} problem{'s' if count != 1 else ''}."
        if other:
            text += " " + escape("; ".join(other))
        self.show_message(text, "error")
        if first and self.by_id(first) is not None:
            self.focus_now(self.field(first))

    def validated(self, model: type[T], raw: dict[str, str],
                  summary: Callable[[int], str] | None = None) -> T | None:
        """The record, or None with every problem shown (problems shown before are cleared)."""
        self.clear_problems()
        try:
            return validate(model, raw, self.app.context())  # type: ignore[attr-defined]
        except RecordInvalid as exc:
            problems = self.adjust_problems(exc.by_field())
            self.show_problems(problems, summary(len(problems)) if summary else None)
            return None

    def adjust_problems(self, problems: dict[str, str]) -> dict[str, str]:
        """A screen's chance to re-word or re-route the model's problems before they show."""
        return problems

    def stored(self, save: Callable[[], T]) -> T | None:
        """Run a storage call; any failure keeps what was typed and says why (this is where
        a failure meets the person, so nothing is let through to end the app)."""
        try:
            return save()
        except Exception as exc:
            self.show_message(f"Not saved: {escape(str(exc))}", "error")
            if isinstance(exc, AccountDisabled):  # and the session ends (SPEC 8)
                self.app.call_later(self.app.sign_out, str(exc))
            return None

    # --- editing --------------------------------------------------------------------------

    def _field_of(self, widget: Widget | None) -> str | None:
        """The registered field a widget is (or lies within)."""
        while widget is not None and widget is not self:
            if widget.id in self.field_names:
                return widget.id
            widget = widget.parent  # type: ignore[assignment]
        return None

    def field_changed(self, name: str) -> None:
        """Called after a field's value changes (by typing or by the screen): override to
        react (a timeline, a status line); call super() to keep the hint and problem lines."""
        widget = self.field(name)
        hint = self.by_id(f"{name}-hint")
        if isinstance(hint, Static):
            set_text(hint, self.hint_of(widget))
        if self.problem_widget(name) is not None:
            self.set_problem(name, "")

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(SelectionList.SelectedChanged)
    @on(AnswerKeys.Chosen)
    def _field_changed(self, event) -> None:
        name = self._field_of(event.control)
        if name is not None:
            self.field_changed(name)

    @on(AnswerKeys.Refused)
    def _answer_refused(self, event: AnswerKeys.Refused) -> None:
        """A key that is no answer: said on the question's problem line (or the message line)."""
        name = self._field_of(event.control)
        if name is not None and self.problem_widget(name) is not None:
            self.set_problem(name, event.explain())
        else:
            self.show_message(escape(event.explain()), "warning")

    @on(Input.Submitted)
    def _field_submitted(self, event: Input.Submitted) -> None:
        if self._field_of(event.input) is not None:
            event.stop()
            self.action_save()

    def action_save(self) -> None:
        if self.read_only:
            return
        self.save()

    def save(self) -> None:
        raise NotImplementedError

    # --- the unsaved-changes guard --------------------------------------------------------

    def mark_clean(self) -> None:
        """The form as it is now counts as saved: leaving it asks nothing."""
        self._clean = self.raw_values()

    @property
    def unsaved(self) -> bool:
        return self._clean is not None and self.raw_values() != self._clean

    def guard(self, go: Callable[[], None], question: str,
              stay: Callable[[], None] | None = None) -> None:
        """Call ``go`` now if nothing unsaved is typed, else only if the person says yes to
        ``question``; ``stay`` (if given) when they say no."""
        if not self.unsaved:
            go()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                go()
            elif stay is not None:
                stay()

        self.app.push_screen(Confirm(question), answered)

    def leave(self, go: Callable[[], None], stay: Callable[[], None] | None = None) -> None:
        """Escape / another record: ask before what was typed is thrown away."""
        self.guard(go, LEAVE_QUESTION, stay)

    # --- read-only ------------------------------------------------------------------------

    def on_mount(self) -> None:
        """A role that may not enter records (a viewer) sees every form read-only."""
        if not self.may_enter():
            self.set_read_only(True)

    def may_enter(self) -> bool:
        may = getattr(self.app, "may", None)
        return may is None or may(Permission.ENTER)

    def set_read_only(self, read_only: bool) -> None:
        """Every field disabled (or enabled again); Save leaves the footer while read-only.
        A role that may not enter records stays read-only."""
        read_only = read_only or not self.may_enter()
        self.read_only = read_only
        for name in self.field_names:
            self.field(name).disabled = read_only
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.read_only and action in self.READ_ONLY_HIDDEN:
            return False
        return True

    # --- focus ----------------------------------------------------------------------------

    def focus_now(self, widget: Widget) -> None:
        """Move the focus at once, not after the keys already waiting, so that the next key
        goes to ``widget``."""
        self.set_focus(widget)


async def _drained(pumps: list) -> None:
    """Return once each of ``pumps`` has handled every message posted to it so far (each in
    turn, so a message one passes to its parent is handled too)."""
    for pump in pumps:
        if pump.is_running and not pump._closing:
            done = asyncio.Event()
            if pump.call_later(done.set):
                try:
                    await asyncio.wait_for(done.wait(), timeout=5)
                except TimeoutError:
                    return
