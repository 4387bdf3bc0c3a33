"""Making text safe to open in a spreadsheet: a cell starting with =, +, - or @ (or a tab or
carriage return) would be read as a formula, so it is prefixed with an apostrophe-like quote.
Every CSV and XLSX export passes its text cells through ``neutralise``."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        # Negative numbers typed as text stay readable; anything else is quoted.
        try:
            float(value)
            return value
        except ValueError:
            return "'" + value
    return value
