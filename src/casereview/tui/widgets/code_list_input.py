"""An Input for a set of reference codes with type-ahead on each: type part of a code or its
name, a space or ';' between them (e.g. `noise food`), and each is resolved as CodeInput
resolves one code; the last word is completed inline (accept with Right)."""

from __future__ import annotations

import re

from textual.suggester import Suggester

from casereview.domain.values import resolve_code
from casereview.tui.widgets.text_input import Input

_SPLIT = re.compile(r"[\s;,]+")
_LAST_WORD = re.compile(r"[^\s;,]+$")


def split_words(text: str) -> list[str]:
    return [w for w in _SPLIT.split(text) if w]


class _LastWordSuggester(Suggester):
    def __init__(self, owner: CodeListInput) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self.owner = owner

    async def get_suggestion(self, value: str) -> str | None:
        last = _LAST_WORD.search(value)
        if last is None:
            return None
        needle = last.group().upper()
        for code in self.owner.choices:
            if code.startswith(needle) and code != needle:
                return value[: last.start()] + code
        return None


class CodeListInput(Input):
    """``choices`` maps code -> label; ``resolved()`` gives the codes the words point at."""

    def __init__(self, choices: dict[str, str] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.choices: dict[str, str] = dict(choices or {})
        self.suggester = _LastWordSuggester(self)

    def set_choices(self, choices: dict[str, str]) -> None:
        self.choices = dict(choices)

    def resolved(self) -> list[tuple[str, str | None, list[str]]]:
        """(word, the code it points at or None, the candidates) for each word typed."""
        return [(word, *resolve_code(word, self.choices)) for word in split_words(self.value)]

    def hint(self) -> str:
        parts = []
        for word, code, found in self.resolved():
            if code:
                parts.append(code)
            elif found:
                parts.append(f"'{word}'? {', '.join(found[:3])}{' ...' if len(found) > 3 else ''}")
            else:
                parts.append(f"'{word}': no match")
        return "; ".join(parts)

    def value_for_save(self) -> str:
        """';'-separated codes; a word that points at no single code is kept as typed, so the
        model's message names it."""
        return ";".join(code or word for word, code, _ in self.resolved())

    def set_codes(self, codes: list[str]) -> None:
        self.value = " ".join(codes)
