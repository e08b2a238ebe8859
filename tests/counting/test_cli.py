"""The command line: `buurtbudget count FILE --rule RULE [--json] [--explain]`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from buurtbudget.core.management.commands.count import Command
from buurtbudget.counting.cli import main

ELECTION = (
    "META\nkey;value\nbudget;100\nvote_type;approval\nrule;greedy\nPROJECTS\nproject_id;cost;votes;name;selected\n"
    "a;60;3;Speeltuin;1\nb;50;2;Bankjes;0\nc;30;1;Bomen;1\nVOTES\nvoter_id;vote\n1;a,b,c\n2;a,b\n3;a\n"
)


@pytest.fixture
def election_file(tmp_path: Path) -> Path:
    path = tmp_path / "wijk.pb"
    path.write_text(ELECTION, encoding="utf-8")
    return path


def test_text_output_lists_winners_and_totals(
    election_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(election_file), "--rule", "greedy"]) == 0
    out = capsys.readouterr().out
    assert "Rule: greedy" in out
    assert "Selected: 2 plans costing 90.00; left: 10.00" in out
    assert "Speeltuin" in out and "Bomen" in out and "Bankjes" not in out


def test_json_output(election_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(election_file), "--rule", "greedy", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "rule": "greedy",
        "selected": ["a", "c"],
        "cost": 90,
        "budget": 100,
    }


def test_official_names_the_rule_it_applied(election_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(election_file), "--rule", "official", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rule"] == "official" and data["applied"] == "greedy" and data["selected"] == ["a", "c"]


def test_explain_in_text_and_json(election_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(election_file), "--rule", "mes", "--explain"]) == 0
    out = capsys.readouterr().out
    assert "Definition: Method of Equal Shares" in out and "Every plan:" in out
    assert main([str(election_file), "--rule", "mes", "--explain", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [plan["id"] for plan in data["plans"]] == ["a", "b", "c"]
    assert data["spending"]["3"] == {"a": 20}


def test_a_rule_that_does_not_fit_the_ballots_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "punten.pb"
    path.write_text(
        ELECTION.replace("vote_type;approval", "vote_type;cumulative")
        .replace("voter_id;vote\n", "voter_id;vote;points\n")
        .replace("1;a,b,c\n2;a,b\n3;a\n", "1;a,b,c;1,1,1\n2;a,b;2,1\n3;a;3\n"),
        encoding="utf-8",
    )
    assert main([str(path), "--rule", "phragmen"]) == 2
    err = capsys.readouterr().err
    assert "Regel 'phragmen' past niet bij stemtype 'cumulative'" in err
    assert "Rule 'phragmen' does not apply to vote type 'cumulative'" in err
    assert main([str(path), "--rule", "greedy", "--json"]) == 0


def test_a_malformed_file_is_refused_naming_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "kapot.pb"
    path.write_text(ELECTION.replace("b;50;2", "b;vijftig;2"), encoding="utf-8")
    assert main([str(path), "--rule", "greedy"]) == 2
    err = capsys.readouterr().err
    assert "regel 9" in err and "line 9" in err and "'vijftig' is not a number" in err
    assert main([str(tmp_path / "missing.pb"), "--rule", "greedy"]) == 2
    assert "Bestand niet gevonden" in capsys.readouterr().err


def test_unknown_rule_is_an_argparse_error(election_file: Path) -> None:
    with pytest.raises(SystemExit) as caught:
        main([str(election_file), "--rule", "borda"])
    assert caught.value.code == 2


def test_management_command_forwards_its_arguments(
    election_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        Command().run_from_argv(["buurtbudget", "count", str(election_file), "--rule", "greedy", "--json"])
    assert caught.value.code == 0
    assert json.loads(capsys.readouterr().out)["selected"] == ["a", "c"]
