"""The pabulib reader and writer."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from buurtbudget.counting import Election, PabulibError, Project, Voter, parse_pabulib, write_pabulib

from .conftest import FILES, election, file_params

HEADER = "META\nkey;value\nbudget;1000\nvote_type;{vote_type}\n"
GOOD = (
    HEADER.format(vote_type="approval")
    + 'PROJECTS\nproject_id;cost;name;selected\nL010;500.50;"Speeltuin; met ""glijbaan""";1\n'
    + "BO.OM.97/24;300;Bankjes;0\n"
    + "VOTES\nvoter_id;vote;age\n1;L010,BO.OM.97/24;33\n2;BO.OM.97/24;\n"
)


def test_reads_ids_decimals_quotes_and_optional_columns() -> None:
    parsed = parse_pabulib(GOOD)
    assert [p.id for p in parsed.projects] == ["L010", "BO.OM.97/24"]
    assert parsed.projects[0].cost == Decimal("500.50")
    assert parsed.projects[0].name == 'Speeltuin; met "glijbaan"'
    assert parsed.projects[0].selected == 1
    assert parsed.voters[0].vote == ("L010", "BO.OM.97/24")
    assert parsed.voters[0].fields == {"age": "33"}
    assert parsed.voters[1].fields == {"age": ""}
    assert parsed.budget == Decimal(1000)


def test_crlf_and_lf_read_the_same() -> None:
    assert parse_pabulib(GOOD.replace("\n", "\r\n")) == parse_pabulib(GOOD)
    mixed = "".join(line + ("\r\n" if i % 2 else "\n") for i, line in enumerate(GOOD.splitlines()))
    assert parse_pabulib(mixed) == parse_pabulib(GOOD)


def test_a_project_repeated_in_a_ballot_counts_once() -> None:
    text = GOOD.replace("1;L010,BO.OM.97/24;33", "1;L010,L010,BO.OM.97/24,L010;33")
    assert parse_pabulib(text).voters[0].vote == ("L010", "BO.OM.97/24")
    cumulative = (
        HEADER.format(vote_type="cumulative")
        + "PROJECTS\nproject_id;cost\na;10\nb;20\nVOTES\nvoter_id;vote;points\n1;a,b,a;2,3,4\n"
    )
    voter = parse_pabulib(cumulative).voters[0]
    assert voter.vote == ("a", "b") and voter.points == (Decimal(2), Decimal(3))


@pytest.mark.parametrize("value", ["0", "1", "2", "3"])
def test_selected_may_hold_0_to_3(value: str) -> None:
    assert parse_pabulib(GOOD.replace(";1\nBO", f";{value}\nBO")).projects[0].selected == int(value)


def test_decimal_comma_budget_and_costs() -> None:
    text = GOOD.replace("budget;1000", "budget;1000,25").replace("L010;500.50", "L010;500,5")
    parsed = parse_pabulib(text)
    assert parsed.budget == Decimal("1000.25") and parsed.projects[0].cost == Decimal("500.5")


BAD = [
    (GOOD.replace("BO.OM.97/24;300", "BO.OM.97/24;3x0"), 8, "cost '3x0' is not a number"),
    (GOOD.replace("1;L010,BO.OM.97/24;33", "1;L010,NOPE;33"), 11, "unknown project 'NOPE'"),
    (GOOD.replace(";1\nBO", ";7\nBO"), 7, "selected '7'"),
    (GOOD.replace("2;BO.OM.97/24;", "1;BO.OM.97/24;"), 12, "voter id '1' appears twice"),
    (GOOD.replace("BO.OM.97/24;300", "L010;300"), 8, "project id 'L010' appears twice"),
    (GOOD.replace("vote_type;approval", "vote_type;borda"), 4, "vote_type 'borda'"),
    (GOOD.replace("2;BO.OM.97/24;", "2;BO.OM.97/24;;extra"), 12, "4 fields but the header has 3"),
    (GOOD.replace("project_id;cost;name", "project_id;price;name"), 6, "no 'cost' column"),
    (GOOD.replace("budget;1000\n", ""), 4, "no 'budget'"),
    (GOOD.replace("1;L010,BO.OM.97/24;33", '1;"L010;33'), 11, "unclosed quote"),
    (GOOD.replace("budget;1000", "budget;-5"), 3, "negative"),
]


@pytest.mark.parametrize(("text", "line", "words"), BAD)
def test_malformed_files_name_the_line_and_the_problem(text: str, line: int, words: str) -> None:
    with pytest.raises(PabulibError) as caught:
        parse_pabulib(text)
    assert caught.value.line == line
    assert words in caught.value.problem
    assert f"line {line}" in str(caught.value)


def test_missing_sections_are_named() -> None:
    with pytest.raises(PabulibError, match="no VOTES section"):
        parse_pabulib(GOOD.split("VOTES")[0])
    with pytest.raises(PabulibError, match="expected section PROJECTS"):
        parse_pabulib(GOOD.replace("PROJECTS", "VOTES", 1))


def test_cumulative_points_must_match_the_votes() -> None:
    text = (
        HEADER.format(vote_type="cumulative")
        + "PROJECTS\nproject_id;cost\na;10\nb;20\nVOTES\nvoter_id;vote;points\n1;a,b;2\n"
    )
    with pytest.raises(PabulibError, match="1 points for 2 projects") as caught:
        parse_pabulib(text)
    assert caught.value.line == 11


@pytest.mark.shared_files
@pytest.mark.parametrize("path", file_params(FILES))
def test_every_shared_file_reads_back_equal_after_writing(path: Path) -> None:
    original = election(path)
    assert original.voters and original.projects
    assert parse_pabulib(write_pabulib(original)) == original


ids = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabc0123456789./_-", min_size=1, max_size=12)
free_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00"), max_size=20
)
amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def elections(draw: st.DrawFn) -> Election:
    vote_type = draw(st.sampled_from(["approval", "cumulative", "ordinal", "choose-1"]))
    project_ids = draw(st.lists(ids, min_size=1, max_size=8, unique=True))
    projects = [
        Project(
            pid, draw(amounts), {"name": draw(free_text).strip(), "selected": draw(st.sampled_from("0123"))}
        )
        for pid in project_ids
    ]
    voters = []
    for number in range(draw(st.integers(0, 6))):
        size = 1 if vote_type == "choose-1" else len(project_ids)
        vote = tuple(draw(st.lists(st.sampled_from(project_ids), unique=True, min_size=1, max_size=size)))
        points = None
        if vote_type == "cumulative":
            points = tuple(Decimal(draw(st.integers(1, 10))) for _ in vote)
        voters.append(Voter(f"v{number}", vote, points, {"district": draw(free_text).strip()}))
    meta = {"description": draw(free_text).strip(), "budget": str(draw(amounts)), "vote_type": vote_type}
    columns = ["voter_id", "vote"] + (["points"] if vote_type == "cumulative" else []) + ["district"]
    return Election(meta, projects, voters, ["project_id", "cost", "name", "selected"], columns)


@settings(max_examples=150, deadline=None)
@given(elections(), st.booleans())
def test_written_files_read_back_equal(original: Election, crlf: bool) -> None:
    text = write_pabulib(original)
    if crlf:
        text = text.replace("\n", "\r\n")
    assert parse_pabulib(text) == original
