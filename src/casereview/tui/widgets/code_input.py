"""An Input for a reference code with type-ahead: type part of the code or of its name and
the match is suggested inline (accept with Right) and shown beside the field."""

from __future__ import annotations

from textual.suggester import Suggester

from casereview.domain.values import resolve_code
from casereview.tui.widgets.text_input import Input


class CodeSuggester(Suggester):
    def __init__(self, owner: CodeInput) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self.owner = owner

    async def get_suggestion(self, value: str) -> str | None:
        needle = value.upper()
        for code in self.owner.choices:
            if code.startswith(needle) and code != needle:
                return code
        return None


class CodeInput(Input):
    """``choices`` maps code -> label; ``resolved()`` gives the code the text points at."""

    def __init__(self, choices: dict[str, str] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.choices: dict[str, str] = dict(choices or {})
        self.suggester = CodeSuggester(self)

    def set_choices(self, choices: dict[str, str]) -> None:
        self.choices = dict(choices)

    def resolved(self) -> tuple[str | None, list[str]]:
        return resolve_code(self.value, self.choices)

    def hint(self) -> str:
        """A line for beside the field: the match, the candidates, or why there is none."""
        if not self.value.strip():
            return ""
        code, found = self.resolved()
        if code:
            return f"{code}: {self.choices[code]}"
        if found:
            shown = ", ".join(found[:4]) + (" ..." if len(found) > 4 else "")
            return f"{len(found)} match: {shown}"
        return "no match"

    def value_for_save(self) -> str:
        """The resolved code if there is one, else the text as typed (validation explains)."""
        code, _ = self.resolved()
        return code or self.value
