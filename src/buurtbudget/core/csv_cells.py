"""Cells for CSV files people open in a spreadsheet."""

from __future__ import annotations

# A cell starting with one of these is read as a formula by spreadsheet programs (CSV injection): text a resident
# typed, such as a plan title, must never run as one on an official's computer.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: str) -> str:
    """Text typed by someone else, made safe to open in a spreadsheet (a leading quote shows it is text)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
