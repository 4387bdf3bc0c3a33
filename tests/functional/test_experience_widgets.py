"""The widgets behind fast entry: one key per coded answer, and type-ahead for several
themes at once."""

from __future__ import annotations

from textual.app import App, ComposeResult

from casereview.tui.widgets.answer_keys import AnswerKeys, Choice
from casereview.tui.widgets.code_list_input import CodeListInput, split_words

THEMES = {"NOISE_AT_NIGHT": "noise at night", "FOOD": "food and drink",
          "WAITING": "waiting", "WARD_MOVES": "ward moves"}


class Harness(App):
    def __init__(self) -> None:
        super().__init__()
        self.chosen: list[str] = []
        self.refused: list[str] = []

    def compose(self) -> ComposeResult:
        yield AnswerKeys([Choice("y", "YES", "Yes"), Choice("n", "NO", "No")], id="keys")
        yield CodeListInput(THEMES, id="themes")

    def on_answer_keys_chosen(self, event: AnswerKeys.Chosen) -> None:
        self.chosen.append(event.value)

    def on_answer_keys_refused(self, event: AnswerKeys.Refused) -> None:
        self.refused.append(event.explain())


async def test_one_key_chooses_and_backspace_clears():
    app = Harness()
    async with app.run_test() as pilot:
        keys = app.query_one(AnswerKeys)
        keys.focus()
        await pilot.press("q")  # not an option: nothing is chosen, and the form is told
        await pilot.pause()
        assert keys.value == "" and app.chosen == []
        assert app.refused == ["'q' is not an answer here: y = Yes; n = No"]
        await pilot.press("Y")
        assert keys.value == "YES"
        await pilot.press("n")
        assert keys.value == "NO"
        await pilot.press("backspace")
        await pilot.pause()
        assert keys.value == "" and app.chosen == ["YES", "NO", ""]
        keys.set_value("yes")
        assert keys.value == "YES"
        keys.set_value("MAYBE")  # not one of its codes: no answer
        assert keys.value == ""


async def test_themes_type_ahead_resolves_each_word():
    app = Harness()
    async with app.run_test() as pilot:
        themes = app.query_one(CodeListInput)
        themes.value = "noi food; wa"
        assert themes.value_for_save() == "NOISE_AT_NIGHT;FOOD;wa"  # 'wa' is ambiguous
        assert themes.hint() == "NOISE_AT_NIGHT; FOOD; 'wa'? WAITING, WARD_MOVES"
        themes.value = "wait parking"
        assert themes.hint() == "WAITING; 'parking': no match"
        themes.focus()
        themes.value = ""
        for ch in "foo wai":
            await pilot.press(ch if ch != " " else "space")
        await pilot.pause()
        await pilot.press("right")  # accept the completion of the last word
        assert themes.value.upper() == "FOO WAITING"
        themes.set_codes(["FOOD", "WAITING"])
        assert themes.value_for_save() == "FOOD;WAITING"


def test_split_words():
    assert split_words(" a;b,, c  ") == ["a", "b", "c"]
    assert split_words("") == []
