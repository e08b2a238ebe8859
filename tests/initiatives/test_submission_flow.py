"""A resident submits an initiative in three pages with the Django test client (no JavaScript)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from buurtbudget.audit.models import AuditEvent
from buurtbudget.initiatives.models import Attachment, Initiative, InitiativeStatus
from tests.factories import UserFactory
from tests.factories.initiatives import draft_initiative, resident, voucher_scheme

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def plan_data(**extra):
    today = timezone.localdate()
    return {
        "title": "Bankjes op het plein",
        "what_and_why": "Buren willen kunnen zitten en praten.",
        "for_whom": "Ouderen en ouders met kinderen.",
        "location": "Marktplein",
        "location_postcode": "1066 ab",
        "location_house_number": "3",
        "starts_on": (today + dt.timedelta(days=30)).isoformat(),
        "ends_on": (today + dt.timedelta(days=60)).strftime("%d-%m-%Y"),
        "next": "1",
        **extra,
    }


def budget_data(rows, **extra):
    data = {
        "lines-TOTAL_FORMS": str(len(rows)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "30",
        "own_contribution": "",
        "invite_email": "",
        "attachment_kind": "photo",
        "next": "1",
        **extra,
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"lines-{i}-{key}"] = value
    return data


def test_first_time_resident_submits_in_three_pages(django_capture_on_commit_callbacks):
    scheme = voucher_scheme()
    user = UserFactory()  # no address or year of birth yet
    client = login(user)
    public = client.get(
        reverse("initiatives:scheme", kwargs={"gemeente": scheme.municipality.slug, "scheme": scheme.slug})
    )
    assert public.status_code == 200
    start_url = reverse(
        "initiatives:start", kwargs={"gemeente": scheme.municipality.slug, "scheme": scheme.slug}
    )
    assert start_url in public.content.decode()

    # Page 1: the plan, and who you are.
    page1 = client.get(start_url)
    assert page1.status_code == 200 and 'name="home_postcode"' in page1.content.decode()
    response = client.post(
        start_url, plan_data(home_postcode="1066 AC", home_house_number="12", birth_year="1990")
    )
    initiative = Initiative.objects.get(initiator=user)
    assert response.status_code == 302
    assert response["Location"] == reverse("initiatives:budget", kwargs={"pk": initiative.pk})
    assert initiative.area == scheme.area and initiative.status == InitiativeStatus.DRAFT
    user.refresh_from_db()
    assert user.postcode == "1066AC" and user.birth_year == 1990

    # Page 2: budget lines (with empty rows), own contribution, a co-initiator and a photo.
    budget_url = response["Location"]
    page2 = client.get(budget_url)
    assert page2.content.decode().count('name="lines-') >= 3 * 6
    photo = _upload("bank.png", PNG)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            budget_url,
            budget_data(
                [
                    {"description": "Twee bankjes", "amount": "1.200", "kind": "materials"},
                    {
                        "description": "Plaatsen",
                        "amount": "150,50",
                        "kind": "fees",
                        "fee_recipient": "professional",
                        "hours": "3,5",
                        "hourly_rate": "43",
                    },
                    {"description": "", "amount": "", "kind": "materials"},
                ],
                own_contribution="50",
                invite_email="buurvrouw@example.org",
                attachment=photo,
            ),
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    check_url = reverse("initiatives:check", kwargs={"pk": initiative.pk})
    assert response["Location"] == check_url
    initiative.refresh_from_db()
    assert [(b.description, b.amount_cents) for b in initiative.budget_lines.all()] == [
        ("Twee bankjes", 120_000),
        ("Plaatsen", 15_050),
    ]
    assert initiative.own_contribution_cents == 5_000
    assert Attachment.objects.get(initiative=initiative).content_type == "image/png"
    assert len(mail.outbox) == 1 and "buurvrouw@example.org" in mail.outbox[0].to

    # Page 3: the rule check; without the declaration it cannot be submitted.
    page3 = client.get(check_url).content.decode()
    assert 'id="rule-amount"' in page3 and 'id="rule-excluded_purposes"' in page3
    refused = client.post(check_url, {"submit": "1"})
    assert refused.status_code == 200
    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.DRAFT
    done = client.post(check_url, {"submit": "1", "excluded_purposes_declared": "on"})
    assert done.status_code == 302
    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.SUBMITTED
    assert initiative.requested_cents == 135_050
    assert initiative.rule_version.number == 1
    detail = client.get(done["Location"]).content.decode()
    assert "Bankjes op het plein" in detail
    assert (
        AuditEvent.objects.filter(
            action="initiatives.initiative.submit", object_id=str(initiative.pk)
        ).count()
        == 1
    )
    # Submitted: the pages of the flow now send the resident to the read-only page.
    assert client.get(budget_url)["Location"] == reverse("initiatives:detail", kwargs={"pk": initiative.pk})


def _upload(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="image/png")


def test_draft_is_saved_at_every_step_and_listed_under_my_initiatives():
    scheme = voucher_scheme()
    user = resident()
    client = login(user)
    start_url = reverse(
        "initiatives:start", kwargs={"gemeente": scheme.municipality.slug, "scheme": scheme.slug}
    )
    page1 = client.get(start_url).content.decode()
    assert 'name="home_postcode"' not in page1  # known address: not asked again
    response = client.post(start_url, plan_data(next="", save="1"))
    initiative = Initiative.objects.get(initiator=user)
    assert response["Location"] == reverse("initiatives:plan", kwargs={"pk": initiative.pk})
    mine = client.get(reverse("initiatives:mine")).content.decode()
    assert (
        "Bankjes op het plein" in mine and reverse("initiatives:plan", kwargs={"pk": initiative.pk}) in mine
    )


def test_bad_input_gives_a_clear_message_and_changes_nothing():
    initiative = draft_initiative()
    client = login(initiative.initiator)
    budget_url = reverse("initiatives:budget", kwargs={"pk": initiative.pk})
    response = client.post(
        budget_url, budget_data([{"description": "Verf", "amount": "twaalf", "kind": "materials"}])
    )
    assert response.status_code == 200
    assert "bedrag" in response.content.decode().lower() or "amount" in response.content.decode().lower()
    initiative.refresh_from_db()
    assert [b.amount_cents for b in initiative.budget_lines.all()] == [150_000]

    plan_url = reverse("initiatives:plan", kwargs={"pk": initiative.pk})
    response = client.post(plan_url, plan_data(location_postcode="9999 ZZ"))
    assert response.status_code == 200
    initiative.refresh_from_db()
    assert initiative.location_postcode == "1066AB"


def test_bad_upload_is_refused():
    initiative = draft_initiative()
    client = login(initiative.initiator)
    budget_url = reverse("initiatives:budget", kwargs={"pk": initiative.pk})
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("foto.png", b"MZ\x90\x00 not an image", content_type="image/png")
    response = client.post(
        budget_url,
        budget_data(
            [{"description": "Zaden en aarde", "amount": "1500", "kind": "materials"}], attachment=fake
        ),
    )
    assert response.status_code == 200
    assert not Attachment.objects.filter(initiative=initiative).exists()


def test_a_resident_cannot_see_or_change_another_residents_draft():
    initiative = draft_initiative()
    other = login(resident())
    for name in ("detail", "plan", "budget", "check"):
        assert other.get(reverse(f"initiatives:{name}", kwargs={"pk": initiative.pk})).status_code == 404
    assert (
        other.post(reverse("initiatives:check", kwargs={"pk": initiative.pk}), {"submit": "1"}).status_code
        == 404
    )
    assert other.post(reverse("initiatives:withdraw", kwargs={"pk": initiative.pk})).status_code == 404
    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.DRAFT
    assert "Buurtmoestuin" not in other.get(reverse("initiatives:mine")).content.decode()


def test_anonymous_visitor_is_sent_to_log_in():
    scheme = voucher_scheme()
    start_url = reverse(
        "initiatives:start", kwargs={"gemeente": scheme.municipality.slug, "scheme": scheme.slug}
    )
    response = Client().get(start_url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_co_initiator_confirms_with_the_token():
    initiative = draft_initiative()
    from buurtbudget.initiatives import services

    co = services.invite_co_initiator(
        actor=initiative.initiator, initiative=initiative, email="Buur@Example.org"
    )
    assert co.email == "buur@example.org"
    neighbour = resident(email="buur@example.org")
    client = login(neighbour)
    url = reverse("initiatives:confirm_co_initiator", kwargs={"token": co.token})
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    co.refresh_from_db()
    assert co.confirmed_at is not None and co.user == neighbour
    # The co-initiator sees the plan under "Mijn initiatieven" and can read it, but not change it.
    assert initiative.title in client.get(reverse("initiatives:mine")).content.decode()
    detail = client.get(reverse("initiatives:detail", kwargs={"pk": initiative.pk}))
    assert detail.status_code == 200 and initiative.title in detail.content.decode()
    assert reverse("initiatives:withdraw", kwargs={"pk": initiative.pk}) not in detail.content.decode()
    assert client.get(reverse("initiatives:plan", kwargs={"pk": initiative.pk})).status_code == 404
    # A wrong token shows nothing.
    assert (
        client.get(reverse("initiatives:confirm_co_initiator", kwargs={"token": "nope"})).status_code == 404
    )
    # Someone else cannot reuse the link.
    thief = login(resident())
    thief.post(url)
    co.refresh_from_db()
    assert co.user == neighbour


def test_scheme_page_is_public_and_names_the_rules():
    scheme = voucher_scheme()
    page = Client().get(
        reverse("initiatives:scheme", kwargs={"gemeente": scheme.municipality.slug, "scheme": scheme.slug})
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert scheme.name in body and "250,00" in body and "10.000,00" in body
    other = voucher_scheme()
    assert (
        Client()
        .get(
            reverse("initiatives:scheme", kwargs={"gemeente": other.municipality.slug, "scheme": scheme.slug})
        )
        .status_code
        == 404
    )


def test_sending_the_first_page_twice_makes_one_draft():
    scheme = voucher_scheme()
    client = login(resident())
    start_url = reverse(
        "initiatives:start", kwargs={"gemeente": scheme.municipality.slug, "scheme": scheme.slug}
    )
    data = plan_data(draft_key="vaste-sleutel-123")
    first = client.post(start_url, data)
    second = client.post(start_url, data)
    assert first["Location"] == second["Location"]
    assert Initiative.objects.count() == 1


def test_municipal_staff_cannot_submit_to_their_own_scheme():
    from buurtbudget.accounts.models import Role
    from buurtbudget.initiatives import services
    from buurtbudget.statemachine.services import TransitionNotAllowed
    from tests.factories import RoleAssignmentFactory

    scheme = voucher_scheme()
    official = resident()
    RoleAssignmentFactory(user=official, role=Role.CONTACT_OFFICIAL, municipality=scheme.municipality)
    initiative = draft_initiative(scheme=scheme, initiator=official)
    with pytest.raises(TransitionNotAllowed):
        services.submit(actor=official, initiative=initiative)
    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.DRAFT
