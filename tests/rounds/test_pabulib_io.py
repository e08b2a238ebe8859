"""Rounds as pabulib files: importing the real Amsterdam elections and exporting any round."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from buurtbudget.audit.models import AuditEvent
from buurtbudget.counting import count, parse_pabulib, read_pabulib
from buurtbudget.rounds.models import Phase, Plan, PlanStatus, Round
from buurtbudget.rounds.pabulib_io import PabulibImportError, export_round, import_pabulib
from buurtbudget.voting.models import Ballot
from buurtbudget.voting.services import cast_vote, close_voting, confirm_result
from tests.factories.rounds import PlanFactory, RoundFactory, resident, stemcode

REPO_ROOT = Path(__file__).resolve().parents[2]
PABULIB_DIR = REPO_ROOT.parent / "shared" / "pabulib"
AMSTERDAM = sorted(PABULIB_DIR.glob("Netherlands_Amsterdam_*.pb")) if PABULIB_DIR.is_dir() else []

SMALL = """META
key;value
description;Klein buurtbudget
budget;1000
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name
a;600;Bankjes
b;500.50;Bomen
c;300;Speeltuin
VOTES
voter_id;vote
v1;a,c
v2;b
v3;a
"""


def _import(noord, text: str) -> Round:  # type: ignore[no-untyped-def]
    return import_pabulib(
        actor=noord.officer, municipality=noord.municipality, area=noord.district, text=text
    )


@pytest.mark.skipif(not AMSTERDAM, reason=f"the shared elections are missing ({PABULIB_DIR})")
@pytest.mark.parametrize("path", AMSTERDAM, ids=[p.stem for p in AMSTERDAM])
def test_importing_an_amsterdam_file_reproduces_its_plans_ballots_and_greedy_winners(noord, path) -> None:  # type: ignore[no-untyped-def]
    original = read_pabulib(path)
    imported = _import(noord, path.read_text(encoding="utf-8-sig"))

    assert imported.phase == Phase.EXECUTION and imported.is_published_result
    assert imported.budget_cents == int(original.budget * 100)
    source_ids = imported.result["source"]["project_ids"]
    plans = list(Plan.objects.filter(round=imported).order_by("pk"))
    assert [(source_ids[str(p.pk)], p.cost_cents) for p in plans] == [
        (p.id, int(p.cost * 100)) for p in original.projects
    ]
    assert Ballot.objects.filter(round=imported).count() == len(original.voters)
    # Same winners as the counting engine on the file itself.
    expected = count(original, "greedy").selected
    assert sorted(source_ids[str(pk)] for pk in imported.result["selected"]) == sorted(expected)
    funded = set(Plan.objects.filter(round=imported, status=PlanStatus.FUNDED).values_list("pk", flat=True))
    assert {source_ids[str(pk)] for pk in funded} == set(expected)

    # The export, read back by the counting reader, is the imported election (voter ids aside).
    exported = parse_pabulib(export_round(imported))
    assert exported.budget == original.budget
    assert exported.vote_type == ("approval" if original.vote_type == "choose-1" else original.vote_type)
    assert [(p.id, p.cost) for p in exported.projects] == [(p.id, p.cost) for p in original.projects]
    assert [v.id for v in exported.voters] == [str(n) for n in range(1, len(original.voters) + 1)]
    assert Counter(frozenset(v.vote) for v in exported.voters) == Counter(
        frozenset(v.vote) for v in original.voters
    )
    assert count(exported, "greedy").selected == count(original, "greedy").selected


def test_import_is_audited_and_reports_sub_cent_amounts_without_storing_anything(noord) -> None:  # type: ignore[no-untyped-def]
    imported = _import(noord, SMALL)
    assert {p.title: p.cost_cents for p in Plan.objects.filter(round=imported)} == {
        "Bankjes": 60000,
        "Bomen": 50050,
        "Speeltuin": 30000,
    }
    assert [Plan.objects.get(pk=pk).title for pk in imported.result["selected"]] == ["Bankjes", "Speeltuin"]
    event = AuditEvent.objects.get(action="rounds.round.import_pabulib")
    assert event.object_id == str(imported.pk) and event.details["ballots"] == 3

    rounds_before, ballots_before = Round.objects.count(), Ballot.objects.count()
    with pytest.raises(PabulibImportError, match="finer than a cent"):
        _import(noord, SMALL.replace("500.50", "500.505"))
    with pytest.raises(PabulibImportError, match="line 16: voter .v3. votes for unknown project"):
        _import(noord, SMALL.replace("v3;a", "v3;z"))
    assert (Round.objects.count(), Ballot.objects.count()) == (rounds_before, ballots_before)


def test_only_district_staff_import(noord) -> None:  # type: ignore[no-untyped-def]
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_pabulib(actor=resident(), municipality=noord.municipality, area=noord.district, text=SMALL)
    assert not Round.objects.exists()


def test_management_command_imports_a_file(noord, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "klein.pb"
    path.write_text(SMALL, encoding="utf-8")
    call_command("import_pabulib", str(path), "--gemeente", "amsterdam", "--gebied", "noord")
    assert "3 plans, 3 ballots, 2 selected" in capsys.readouterr().out
    with pytest.raises(CommandError, match="No area"):
        call_command("import_pabulib", str(path), "--gemeente", "amsterdam", "--gebied", "zuid")


@pytest.fixture
def voted(noord):  # type: ignore[no-untyped-def]
    r = RoundFactory(
        municipality=noord.municipality, area=noord.district, phase=Phase.VOTING, name="Noord 2026"
    )
    cheap = PlanFactory(round=r, area=noord.oost, status=PlanStatus.ON_BALLOT, requested_cents=250_050)
    dear = PlanFactory(round=r, area=noord.district, status=PlanStatus.ON_BALLOT, requested_cents=9_000_000)
    codes = [stemcode(r, noord.oost, name=f"Bewoner {i}") for i in range(3)]
    cast_vote(round=r, code=codes[0], choices={"plans": [cheap.pk, dear.pk]})
    cast_vote(round=r, code=codes[1], choices={"plans": [cheap.pk]})
    cast_vote(round=r, code=codes[2], choices={"plans": [dear.pk]})
    return r, cheap, dear, codes


def test_a_round_exports_with_anonymous_voters_and_no_personal_data(noord, voted) -> None:  # type: ignore[no-untyped-def]
    r, cheap, dear, codes = voted
    close_voting(actor=noord.officer, round=r)
    confirm_result(actor=noord.officer, round=r)
    text = export_round(Round.objects.get(pk=r.pk))
    election = parse_pabulib(text)
    assert election.meta["country"] == "Netherlands"
    assert election.meta["unit"] == "Noord"
    assert election.meta["description"] == "Noord 2026"
    assert (election.meta["budget"], election.meta["vote_type"], election.meta["rule"]) == (
        "100000",
        "approval",
        "greedy",
    )
    assert {p.id: (p.cost, p.fields["votes"]) for p in election.projects} == {
        str(cheap.pk): (election.project(str(cheap.pk)).cost, "2"),
        str(dear.pk): (election.project(str(dear.pk)).cost, "2"),
    }
    assert str(election.project(str(cheap.pk)).cost) == "2500.50"
    assert [v.id for v in election.voters] == ["1", "2", "3"]
    for secret in [*codes, "Bewoner", *Ballot.objects.values_list("receipt", flat=True)]:
        assert secret not in text


def test_district_staff_download_the_file_residents_cannot(client, noord, voted) -> None:  # type: ignore[no-untyped-def]
    r = voted[0]
    url = reverse("core:rounds_pabulib", kwargs={"gemeente": "amsterdam", "pk": r.pk})
    client.force_login(resident())
    assert client.get(url).status_code == 403
    client.force_login(noord.officer)
    detail = reverse("core:rounds_staff", kwargs={"gemeente": "amsterdam", "pk": r.pk})
    assert f'href="{url}"' in client.get(detail).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="amsterdam_{r.slug}.pb"'
    assert len(parse_pabulib(response.content.decode()).voters) == 3
