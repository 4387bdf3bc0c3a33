"""A one-line sparkline of a weekly series, in block characters (a blank for a week with no
value), with the last week coloured by its SPC reading."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

BLOCKS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float | int | None]) -> str:
    numbers = [v for v in values if v is not None]
    if not numbers:
        return " " * len(values)
    low, high = min(numbers), max(numbers)
    out = []
    for v in values:
        if v is None:
            out.append(" ")
        elif high == low:
            out.append(BLOCKS[3])
        else:
            out.append(BLOCKS[round((v - low) / (high - low) * (len(BLOCKS) - 1))])
    return "".join(out)


def sparkline_text(values: Sequence[float | int | None], last_style: str = "") -> Text:
    line = sparkline(values)
    text = Text(line[:-1], style="dim")
    text.append(line[-1:], style=last_style or "bold")
    return text
