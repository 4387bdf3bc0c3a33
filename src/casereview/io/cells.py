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


def csv_cell(value):
    """A value as a CSV export writes it: neutralised, and any line break inside a text
    written as a line feed. (With rows ending in a line feed, the csv module does not quote a
    text holding a lone carriage return, and a spreadsheet starts a new row at it: the rest
    of the text would land in the next row's first cell, unneutralised.)"""
    if value is None:
        return ""
    value = neutralise(value)
    if isinstance(value, str) and "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value
