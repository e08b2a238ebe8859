"""Text that residents typed is opened by officials in spreadsheets: it must never start a formula there."""

import pytest

from buurtbudget.core.csv_cells import text_cell


@pytest.mark.parametrize("typed", ["=1+1", "+31 20 123", "-5", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_that_would_be_a_formula_is_marked_as_text(typed: str) -> None:
    assert text_cell(typed) == "'" + typed


@pytest.mark.parametrize("typed", ["Park", "", "1+1=2", "Speeltuin - Oost", "'al tekst"])
def test_other_text_is_left_as_typed(typed: str) -> None:
    assert text_cell(typed) == typed
