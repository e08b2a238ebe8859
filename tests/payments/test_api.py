"""Read-only API: /api/vouchers/ (holder and payer scoped) and public scheme totals, both in the schema."""

from __future__ import annotations

import datetime as dt

import pytest

from buurtbudget.accounts.models import Role
from buurtbudget.ledger.models import AccountKind, LedgerAccount
from buurtbudget.payments import services as payments
from buurtbudget.vouchers import services as vouchers
from tests.factories import UserFactory
from tests.factories.money import funded_scheme, key
from tests.factories.payments import PayingOrganisationFactory, payment_request, staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_2fa(settings):
    settings.BUURTBUDGET_REQUIRE_STAFF_2FA = False


def _issue(scheme, amount_cents, holder):
    return vouchers.issue_voucher(
        actor=None,
        scheme=scheme,
        holder=holder,
        amount_cents=amount_cents,
        valid_until=dt.date(2099, 12, 31),
        conditions="",
        idempotency_key=key(),
    )


@pytest.fixture
def world():
    scheme = funded_scheme(amount_cents=1_000_000)
    other_scheme = funded_scheme(amount_cents=1_000_000)  # another municipality
    holder, stranger = UserFactory(), UserFactory()
    mine = _issue(scheme, 100_000, holder)
    theirs = _issue(scheme, 50_000, stranger)
    elsewhere = _issue(other_scheme, 70_000, stranger)
    organisation = PayingOrganisationFactory(municipality=scheme.municipality)
    PayingOrganisationFactory(municipality=other_scheme.municipality)
    payer = staff(organisation, Role.PAYER)
    return scheme, holder, payer, mine, theirs, elsewhere


def test_a_holder_sees_only_their_own_vouchers_with_the_ledger_balance(client, world):
    scheme, holder, payer, mine, _theirs, _elsewhere = world
    payments.approve_payment(actor=payer, payment_request=payment_request(mine, amount="10.00"))
    client.force_login(holder)
    data = client.get("/api/vouchers/").json()
    assert [v["code"] for v in data["results"]] == [mine.display_code]
    row = data["results"][0]
    assert row["scheme"] == scheme.slug
    assert row["amount_cents"] == 100_000
    assert row["balance_cents"] == 99_000
    assert row["valid_until"] == "2099-12-31"
    assert row["status"] == "partly_redeemed"


def test_a_payer_sees_their_organisations_vouchers_only(client, world):
    _scheme, _holder, payer, mine, theirs, _elsewhere = world
    client.force_login(payer)
    codes = {v["code"] for v in client.get("/api/vouchers/").json()["results"]}
    assert codes == {mine.display_code, theirs.display_code}


def test_anonymous_is_refused(client, world):
    assert client.get("/api/vouchers/").status_code in (401, 403)


def test_public_scheme_totals_match_the_ledger(client, world):
    scheme, _holder, payer, mine, _theirs, _elsewhere = world
    payments.approve_payment(actor=payer, payment_request=payment_request(mine, amount="25.00"))
    response = client.get(f"/api/gemeenten/{scheme.municipality.slug}/regelingen/")
    assert response.status_code == 200
    (row,) = response.json()
    budget = LedgerAccount.objects.get(kind=AccountKind.SCHEME_BUDGET, scheme=scheme)
    assert row == {
        "slug": scheme.slug,
        "name": scheme.name,
        "funded_cents": 1_000_000,
        "awarded_cents": 150_000,
        "paid_cents": 2_500,
        "returned_cents": 0,
    }
    assert budget.balance_cents == row["funded_cents"] - row["awarded_cents"]
    assert "holder" not in response.content.decode()


def test_both_paths_are_in_the_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/vouchers/" in schema
    assert "/api/gemeenten/{gemeente}/regelingen/" in schema
