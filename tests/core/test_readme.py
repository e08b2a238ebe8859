"""The README's demo log-ins are the ones `buurtbudget demo` creates."""

from pathlib import Path

from buurtbudget.core.demo import data

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_lists_every_demo_log_in_and_the_password() -> None:
    text = README.read_text(encoding="utf-8")
    for person in data.PEOPLE:
        assert f"`{person.email}`" in text, person.email
    assert f"`{data.DEMO_PASSWORD}`" in text


def test_the_readme_lists_no_log_in_the_demo_does_not_create() -> None:
    text = README.read_text(encoding="utf-8")
    first_cells = [line.split("`")[1] for line in text.splitlines() if line.startswith("| `")]
    listed = {cell for cell in first_cells if "@" in cell}
    assert listed == {person.email for person in data.PEOPLE}
