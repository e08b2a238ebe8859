"""The voting pages without JavaScript: code, ballot, review, receipt; the help desk; the district's pages."""

from __future__ import annotations

import io
import re

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from buurtbudget.audit.models import AuditEvent
from buurtbudget.rounds.models import Phase
from buurtbudget.voting.models import Ballot, CodeStatus, LetterJob, RegisterEntry, VoterCode
from tests.factories.rounds import PlanFactory, RoundFactory, resident, stemcode

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def voting(noord):  # type: ignore[no-untyped-def]
    r = RoundFactory(
        municipality=noord.municipality,
        area=noord.district,
        phase=Phase.VOTING,
        slug="noord",
        budget_cents=10_000_000,
    )
    plans = {
        "park": PlanFactory(
            round=r, title="Park", requested_cents=7_000_000, status="on_ballot", legal_entity="X"
        ),
        "bankjes": PlanFactory(round=r, title="Bankjes", requested_cents=4_000_000, status="on_ballot"),
        "oost": PlanFactory(
            round=r, area=noord.oost, title="Speeltuin Oost", requested_cents=1_000_000, status="on_ballot"
        ),
        "west": PlanFactory(
            round=r, area=noord.west, title="Moestuin West", requested_cents=500_000, status="on_ballot"
        ),
    }
    return r, plans


def url(name: str, **kwargs) -> str:  # type: ignore[no-untyped-def]
    return reverse(f"core:{name}", kwargs={"gemeente": "amsterdam", **kwargs})


def test_a_resident_votes_changes_the_vote_and_sees_the_receipt(noord, voting) -> None:  # type: ignore[no-untyped-def]
    r, p = voting
    code = stemcode(r, noord.oost)
    client = Client()
    response = client.post(url("voting_start", slug="noord"), {"code": code.lower()})
    assert response["Location"] == url("voting_ballot", slug="noord")
    ballot_page = client.get(response["Location"]).content.decode()
    assert "Speeltuin Oost" in ballot_page and "Moestuin West" not in ballot_page
    assert "Samen mogen ze hoogstens € 100.000,00 kosten" in ballot_page

    too_much = client.post(url("voting_ballot", slug="noord"), {"plans": [p["park"].pk, p["bankjes"].pk]})
    assert too_much.status_code == 400
    assert (
        "De plannen die u koos kosten samen € 110.000,00; het budget is € 100.000,00."
        in too_much.content.decode()
    )

    client.post(url("voting_ballot", slug="noord"), {"plans": [p["park"].pk, p["oost"].pk]})
    review = client.get(url("voting_review", slug="noord")).content.decode()
    assert "Park" in review and "Samen: € 80.000,00 van € 100.000,00." in review
    assert not Ballot.objects.exists()  # nothing stored before confirming
    receipt = client.post(url("voting_review", slug="noord"), follow=True).content.decode()
    number = Ballot.objects.get().receipt
    assert "Uw stem is opgeslagen." in receipt and number in receipt

    # Same code again: the earlier choice is filled in and can be changed.
    client.post(url("voting_start", slug="noord"), {"code": code})
    again = client.get(url("voting_ballot", slug="noord")).content.decode()
    assert "U heeft al gestemd." in again
    assert re.search(rf'value="{p["park"].pk}" id="id_plans_\d" checked', again)
    assert not re.search(rf'value="{p["bankjes"].pk}" id="id_plans_\d" checked', again)
    client.post(url("voting_ballot", slug="noord"), {"plans": [p["bankjes"].pk]})
    changed = client.post(url("voting_review", slug="noord"), follow=True).content.decode()
    assert "Uw stem is veranderd." in changed and number in changed
    assert Ballot.objects.get().choices["plans"] == [p["bankjes"].pk]


def test_a_plan_outside_the_voters_area_is_refused_on_the_page(noord, voting) -> None:  # type: ignore[no-untyped-def]
    r, p = voting
    client = Client()
    client.post(url("voting_start", slug="noord"), {"code": stemcode(r, noord.oost)})
    response = client.post(url("voting_ballot", slug="noord"), {"plans": [p["west"].pk]})
    assert response.status_code == 400
    assert not Ballot.objects.exists()


def test_wrong_codes_are_rate_limited(noord, voting) -> None:  # type: ignore[no-untyped-def]
    r, _p = voting
    good = stemcode(r, noord.oost)
    client = Client()
    wrong = "2222-2222-2222-2"
    for _ in range(10):
        page = client.post(url("voting_start", slug="noord"), {"code": wrong})
        assert page.status_code == 400
    blocked = client.post(url("voting_start", slug="noord"), {"code": good})
    assert blocked.status_code == 400
    assert "Er zijn te veel verkeerde stemcodes getypt. Wacht 10 minuten" in blocked.content.decode()
    # Another visitor from another address is not affected.
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert other.post(url("voting_start", slug="noord"), {"code": good}).status_code == 302


def test_typos_get_a_clear_message(noord, voting) -> None:  # type: ignore[no-untyped-def]
    page = Client().post(url("voting_start", slug="noord"), {"code": "ABCD-EFGH-0"}).content.decode()
    assert "Een stemcode heeft 13 tekens. U typte er 9." in page
    page = Client().post(url("voting_start", slug="noord"), {"code": "ABCD-EFGH-JKLM-0"}).content.decode()
    assert "Deze tekens komen niet voor in een stemcode: 0 L." in page


def test_no_voting_outside_the_voting_phase_on_the_page(noord, voting) -> None:  # type: ignore[no-untyped-def]
    r, _p = voting
    code = stemcode(r, noord.oost)
    r.phase = Phase.FEASIBILITY
    r.save()
    page = Client().get(url("voting_start", slug="noord")).content.decode()
    assert "Het stemmen is niet open in deze ronde." in page
    response = Client().post(url("voting_start", slug="noord"), {"code": code})
    assert response.status_code == 400 and not Ballot.objects.exists()


def test_the_help_desk_votes_for_a_resident_after_checking_the_letter_and_an_id(noord, voting) -> None:  # type: ignore[no-untyped-def]
    r, p = voting
    code = stemcode(r, noord.oost)
    desk = Client()
    desk.force_login(noord.officer)
    page = desk.post(url("voting_helpdesk", pk=r.pk), {"code": code})
    assert page.status_code == 200 and not Ballot.objects.exists()
    assert desk.post(url("voting_helpdesk", pk=r.pk), {"code": code, "id_checked": "on"}).status_code == 302
    desk.post(url("voting_ballot", slug="noord"), {"plans": [p["oost"].pk]})
    receipt = desk.post(url("voting_review", slug="noord"), follow=True).content.decode()
    assert "Balie: volgende bewoner" in receipt
    voter_code = VoterCode.objects.get()
    assert voter_code.assisted_id_checked is True
    event = AuditEvent.objects.get(action="voting.ballot.cast")
    assert event.actor == noord.officer and event.details == {"help_desk": True}
    assert Client().get(url("voting_helpdesk", pk=r.pk)).status_code == 302
    someone = Client()
    someone.force_login(resident())
    assert someone.get(url("voting_helpdesk", pk=r.pk)).status_code == 403


def test_the_register_page_reads_a_file_and_makes_letters_with_progress(
    noord, voting, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    r, _p = voting
    staff = Client()
    staff.force_login(noord.officer)
    bad = io.BytesIO(b"naam;adres;postcode;huisnummer;geboortedatum\nA;B;9999ZZ;1;1980-01-01\n")
    bad.name = "register.csv"
    page = staff.post(url("voting_register", pk=r.pk), {"file": bad}).content.decode()
    assert "1 regel is fout; er is niets ingelezen." in page and "ligt niet in Noord" in page
    good = io.BytesIO(
        b"naam;adres;postcode;huisnummer;geboortedatum\nA. Bewoner;Kerkstraat 1;1031AB;1;1980-01-01\n"
    )
    good.name = "register.csv"
    response = staff.post(url("voting_register", pk=r.pk), {"file": good}, follow=True)
    assert "Register ingelezen: 1 bewoners, 1 nieuw." in response.content.decode()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = staff.post(url("voting_letters_start", pk=r.pk))
    job = LetterJob.objects.get()
    progress = staff.get(response["Location"])
    assert progress["Refresh"] == "5" and "0 van de 1 brieven" in progress.content.decode()
    assert "Refresh" not in staff.get(response["Location"] + "?vernieuwen=nee")
    for callback in callbacks:
        callback()
    done = staff.get(response["Location"])
    assert "Refresh" not in done and "1 van de 1 brieven" in done.content.decode()
    pdf = staff.get(url("voting_letters_pdf", pk=r.pk, job=job.pk))
    assert pdf["Content-Type"] == "application/pdf" and b"".join(pdf.streaming_content).startswith(b"%PDF")
    staff.post(url("voting_letters_delete", pk=r.pk, job=job.pk))
    assert staff.get(url("voting_letters_pdf", pk=r.pk, job=job.pk)).status_code == 404
    assert RegisterEntry.objects.count() == 1 and VoterCode.objects.count() == 1


def test_the_codes_page_blocks_and_reissues(noord, voting, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    r, _p = voting
    stemcode(r, noord.oost, name="Kwijt Brief", postcode="1031AB", house_number=7)
    staff = Client()
    staff.force_login(noord.officer)
    page = staff.get(
        url("voting_codes", pk=r.pk), {"postcode": "1031 ab", "house_number": 7}
    ).content.decode()
    assert "Kwijt Brief" in page and "Actief" in page
    entry = RegisterEntry.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(url("voting_block", pk=r.pk, entry=entry.pk), {"reason": "Brief kwijt"})
    assert VoterCode.objects.filter(status=CodeStatus.BLOCKED).count() == 1
    assert VoterCode.objects.filter(status=CodeStatus.ACTIVE).count() == 1


def test_the_staff_result_page_shows_the_count_before_it_is_public(noord, voting) -> None:  # type: ignore[no-untyped-def]
    from buurtbudget.voting import services

    r, p = voting
    services.cast_vote(round=r, code=stemcode(r, noord.oost), choices={"plans": [p["park"].pk]})
    staff = Client()
    staff.force_login(noord.officer)
    staff.post(url("rounds_advance", pk=r.pk), {"step": "close_voting"})
    page = staff.get(url("voting_staff_result", pk=r.pk)).content.decode()
    assert "Nog niet bevestigd" in page and "Park" in page
    assert "Park" not in Client().get(url("voting_result", slug="noord")).content.decode()
    staff.post(url("rounds_advance", pk=r.pk), {"step": "confirm_result"})
    public = Client().get(url("voting_result", slug="noord")).content.decode()
    assert "Park" in public and "Gekozen: het kost € 70.000,00" in public


def test_the_ballot_and_result_pages_answer_in_a_fixed_number_of_queries(
    noord, voting, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    from buurtbudget.voting import services

    r, p = voting
    for i in range(10):
        PlanFactory(round=r, title=f"Extra {i}", requested_cents=100_000, status="on_ballot")
    client = Client()
    client.post(url("voting_start", slug="noord"), {"code": stemcode(r, noord.oost)})
    client.get(url("voting_ballot", slug="noord"))
    # round with its municipality, voter's area, plans of the ballot (the voter's state is a signed cookie)
    with django_assert_num_queries(3):
        assert client.get(url("voting_ballot", slug="noord")).status_code == 200
    # Choosing is checked against those same plans: no second look-up.
    with django_assert_num_queries(3):
        chosen = client.post(url("voting_ballot", slug="noord"), {"plans": [p["park"].pk]})
    assert chosen.status_code == 302 and chosen["Location"] == url("voting_review", slug="noord")
    services.cast_vote(round=r, code=stemcode(r, noord.oost), choices={"plans": [p["park"].pk]})
    services.close_voting(actor=noord.officer, round=r)
    services.confirm_result(actor=noord.officer, round=r)
    public = Client()
    public.get(url("voting_result", slug="noord"))
    # municipality, round, plans
    with django_assert_num_queries(3):
        assert public.get(url("voting_result", slug="noord")).status_code == 200
    # The same three for the result as a CSV file, however many plans.
    with django_assert_num_queries(3):
        assert public.get(url("voting_result_csv", slug="noord")).status_code == 200


TRANSACTION = re.compile(r"^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT)\b")


def _statements(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if not TRANSACTION.match(q["sql"])]


@pytest.mark.postgres  # the one-statement cast is PostgreSQL's; SQLite (the demo) takes the full transaction
def test_confirming_casts_the_ballot_in_one_statement_without_a_session(noord, voting) -> None:  # type: ignore[no-untyped-def]
    from buurtbudget.voting import fast_cast

    r, p = voting
    fast_cast.forget(r.pk)
    code = stemcode(r, noord.oost)
    client = Client()
    client.post(url("voting_start", slug="noord"), {"code": code})
    client.post(url("voting_ballot", slug="noord"), {"plans": [p["park"].pk]})
    # The first vote of the round (and of the area) in this process reads the round's ballot and the area's
    # place once; the vote itself is one statement (round share-locked and checked, code marked used, ballot
    # inserted, audit event). The voter's state is a signed cookie: no session.
    fast_cast._area_paths.pop(noord.oost.pk, None)
    with CaptureQueriesContext(connection) as cast:
        response = client.post(url("voting_review", slug="noord"))
    assert response.status_code == 302 and response["Location"] == url("voting_receipt", slug="noord")
    ballot_read, area_read, vote = _statements(cast)
    assert ballot_read.startswith("SELECT r.rules") and '"path"' in area_read, _statements(cast)
    assert vote.startswith("WITH r AS"), _statements(cast)
    assert not any("django_session" in sql for sql in _statements(cast))
    assert Ballot.objects.get().choices["plans"] == [p["park"].pk]

    # Changing the vote is the same one statement: the insert becomes an update on the unique (round, token)
    # constraint.
    client.post(url("voting_start", slug="noord"), {"code": code})
    client.post(url("voting_ballot", slug="noord"), {"plans": [p["bankjes"].pk]})
    with CaptureQueriesContext(connection) as change:
        assert client.post(url("voting_review", slug="noord")).status_code == 302
    assert len(_statements(change)) == 1, _statements(change)
    assert Ballot.objects.get().choices["plans"] == [p["bankjes"].pk]
    assert "Uw stem is veranderd." in client.get(url("voting_receipt", slug="noord")).content.decode()
    assert settings.SESSION_COOKIE_NAME not in client.cookies and not Session.objects.exists()
    assert list(
        AuditEvent.objects.filter(object_id=str(r.pk)).values_list("action", flat=True).order_by("pk")
    ) == [
        "voting.ballot.cast",
        "voting.ballot.change",
    ]


def test_the_voters_state_cannot_be_forged_or_reused_after_voting(noord, voting) -> None:  # type: ignore[no-untyped-def]
    from buurtbudget.voting import state

    r, p = voting
    client = Client()
    client.post(url("voting_start", slug="noord"), {"code": stemcode(r, noord.oost)})
    client.post(url("voting_ballot", slug="noord"), {"plans": [p["oost"].pk]})
    signed_value = client.cookies[state.COOKIE].value
    forged = Client()
    forged.cookies[state.COOKIE] = signed_value[:-2] + ("AA" if not signed_value.endswith("AA") else "BB")
    assert forged.post(url("voting_review", slug="noord"))["Location"] == url("voting_start", slug="noord")
    assert not Ballot.objects.exists()
    assert client.post(url("voting_review", slug="noord")).status_code == 302
    # After the vote the cookie holds the receipt: confirming again goes back to the start.
    assert client.post(url("voting_review", slug="noord"))["Location"] == url("voting_start", slug="noord")
    assert Ballot.objects.count() == 1


@pytest.mark.parametrize(
    ("rules", "fields", "expected"),
    [
        (
            {"ballot_type": "cumulative", "points": 5},
            {"park": "4", "oost": "1"},
            {"plans": ["oost", "park"], "points": [1, 4]},
        ),
        (
            {"ballot_type": "ranking", "max_ranked": 3},
            {"oost": "1", "park": "2"},
            {"plans": ["oost", "park"], "points": []},
        ),
    ],
)
def test_points_and_ranking_ballots_work_without_javascript(noord, voting, rules, fields, expected) -> None:  # type: ignore[no-untyped-def]
    r, p = voting
    r.rules = {**r.rules, **rules}
    r.save()
    client = Client()
    client.post(url("voting_start", slug="noord"), {"code": stemcode(r, noord.oost)})
    prefix = "points" if rules["ballot_type"] == "cumulative" else "rank"
    page = client.get(url("voting_ballot", slug="noord")).content.decode()
    assert f'name="{prefix}_{p["oost"].pk}"' in page
    wrong = {f"{prefix}_{p['park'].pk}": "3", f"{prefix}_{p['oost'].pk}": "3"}
    assert client.post(url("voting_ballot", slug="noord"), wrong).status_code == 400
    client.post(url("voting_ballot", slug="noord"), {f"{prefix}_{p[k].pk}": v for k, v in fields.items()})
    client.post(url("voting_review", slug="noord"))
    choices = Ballot.objects.get().choices
    want = [p[k].pk for k in expected["plans"]]
    if rules["ballot_type"] == "cumulative":
        assert dict(zip(choices["plans"], choices["points"], strict=True)) == dict(
            zip(want, expected["points"], strict=True)
        )
    else:
        assert choices["plans"] == want
