"""The published co-creation page: the log without personal data, and participants acting on it."""

from typing import Any

import pytest
from django.test import Client

from buurtbudget.cocreation import services
from buurtbudget.cocreation.models import Proposal, ProposalKind, ProposalStatus
from tests.factories import UserFactory
from tests.factories.community import cocreation_process, district_officer

pytestmark = pytest.mark.django_db


def _url(c: Any, suffix: str = "") -> str:
    return f"/{c.process.municipality.slug}/cocreatie/{c.process.scheme.slug}/{suffix}"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_log_is_published_without_personal_data() -> None:
    c = cocreation_process(representatives=1)
    proposal = services.propose(
        actor=c.officer,
        process=c.process,
        kind=ProposalKind.RULE,
        title="Hogere grens",
        rule_key="consultation_threshold_cents",
        proposed_value=1_500_000,
    )
    services.respond(actor=c.representatives[0], proposal=proposal, agrees=True, comment="Akkoord")
    html = Client().get(_url(c)).content.decode()
    assert "Hogere grens" in html and "Akkoord" in html and "consultation_threshold_cents" in html
    assert "aangenomen" in html.lower()
    for person in (c.officer, *c.representatives):
        assert person.email not in html and person.name not in html
    assert "vertegenwoordiger" in html.lower()


def test_names_are_shown_only_with_consent() -> None:
    c = cocreation_process(representatives=1, show_names=True)
    html = Client().get(_url(c)).content.decode()
    assert c.representatives[0].name in html
    assert c.officer.name not in html and c.representatives[0].email not in html


def test_a_participant_proposes_on_the_page_and_sees_a_clear_error() -> None:
    c = cocreation_process(representatives=1)
    client = _client(c.representatives[0])
    assert "Voorstel doen" in client.get(_url(c)).content.decode()
    bad = client.post(
        _url(c, "voorstel/"),
        {
            "kind": "rule",
            "title": "Plafond",
            "rule_key": "support_party_cap_percent",
            "proposed_value": "veel",
        },
    )
    assert bad.status_code == 400 and "heel getal" in bad.content.decode()
    assert not Proposal.objects.exists()
    done = client.post(
        _url(c, "voorstel/"),
        {"kind": "rule", "title": "Plafond", "rule_key": "support_party_cap_percent", "proposed_value": "6"},
    )
    assert done.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.proposed_value == 6 and proposal.status == ProposalStatus.OPEN
    agreed = _client(c.officer).post(_url(c, f"voorstel/{proposal.pk}/reactie/"), {"agrees": "yes"})
    assert agreed.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ADOPTED


def test_outsiders_cannot_propose_or_answer() -> None:
    c = cocreation_process(representatives=1)
    proposal = services.propose(actor=c.officer, process=c.process, kind=ProposalKind.THEME, title="Groen")
    for outsider in (UserFactory(), district_officer(c.process.municipality)):
        client = _client(outsider)
        assert "Voorstel doen" not in client.get(_url(c)).content.decode()
        assert client.post(_url(c, "voorstel/"), {"kind": "theme", "title": "x"}).status_code == 403
        assert client.post(_url(c, f"voorstel/{proposal.pk}/reactie/"), {"agrees": "yes"}).status_code == 403
    assert Proposal.objects.count() == 1


def test_a_co_creation_of_another_municipality_is_not_found() -> None:
    c = cocreation_process(representatives=0)
    other = cocreation_process(representatives=0)
    assert (
        Client().get(f"/{other.process.municipality.slug}/cocreatie/{c.process.scheme.slug}/").status_code
        == 404
    )


def test_the_public_page_does_not_query_per_proposal() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = cocreation_process(representatives=1)
    services.propose(actor=c.officer, process=c.process, kind=ProposalKind.THEME, title="Eerste")

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert Client().get(_url(c)).status_code == 200
        return len(captured)

    one = count()
    for n in range(3):
        proposal = services.propose(
            actor=c.officer, process=c.process, kind=ProposalKind.THEME, title=f"T{n}"
        )
        services.respond(actor=c.representatives[0], proposal=proposal, agrees=True)
    assert count() == one


def test_the_budget_manager_starts_a_co_creation_and_adds_participants() -> None:
    from buurtbudget.cocreation.models import CoCreationProcess, Participant
    from buurtbudget.schemes.models import ProcessModel
    from tests.factories.community import budget_manager, scheme_of

    scheme = scheme_of(ProcessModel.COCREATIE)
    manager = budget_manager(scheme.municipality)
    client = _client(manager)
    base = f"/{scheme.municipality.slug}/beheer/cocreatie/"
    assert client.get(base).status_code == 200
    started = client.post(
        base + "starten/",
        {
            "start-scheme": scheme.pk,
            "start-district_agreements_needed": 1,
            "start-representative_agreements_needed": 2,
        },
    )
    assert started.status_code == 302
    process = CoCreationProcess.objects.get(scheme=scheme)
    assert process.representative_agreements_needed == 2
    person = UserFactory(name="Rita Bewoner")
    unknown = client.post(
        base + "deelnemer/",
        {"p-process": process.pk, "p-email": "niemand@example.org", "p-side": "representative"},
    )
    assert unknown.status_code == 400
    assert (
        "Er is geen account met dit e-mailadres. Vraag de persoon eerst een account te maken."
        in unknown.content.decode()
    )
    added = client.post(
        base + "deelnemer/", {"p-process": process.pk, "p-email": person.email, "p-side": "representative"}
    )
    assert added.status_code == 302
    participant = Participant.objects.get(process=process)
    assert participant.user == person and participant.show_name is False
    assert person.has_perm("cocreation.participate", process)
    # A district officer cannot manage co-creations; another municipality's manager does not see this one.
    assert _client(district_officer(scheme.municipality)).get(base).status_code == 403
    other_manager = budget_manager(scheme_of(ProcessModel.COCREATIE).municipality)
    assert _client(other_manager).get(base).status_code == 403


def test_amounts_are_proposed_in_euros_and_published_in_euros() -> None:
    c = cocreation_process(representatives=1)
    client = _client(c.representatives[0])
    form = client.get(_url(c)).content.decode()
    assert "Wijkraadpleging boven (euro)" in form  # the rule's name, not its key
    bad = client.post(
        _url(c, "voorstel/"),
        {
            "kind": "rule",
            "title": "Grens",
            "rule_key": "consultation_threshold_cents",
            "proposed_value": "veel",
        },
    )
    assert bad.status_code == 400 and "bedrag in euro" in bad.content.decode()
    done = client.post(
        _url(c, "voorstel/"),
        {
            "kind": "rule",
            "title": "Grens",
            "rule_key": "consultation_threshold_cents",
            "proposed_value": "15.000",
        },
    )
    assert done.status_code == 302
    assert Proposal.objects.get().proposed_value == 1_500_000
    html = Client().get(_url(c)).content.decode()
    assert "€ 10.000,00 → € 15.000,00" in html
