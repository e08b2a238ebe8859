"""Community budgets (model C): funding and allocation in the ledger, the support-party cap, paying through an
activity's voucher with the ordinary payment requests, and a year report whose figures equal the ledger."""

import pytest
from django.core.exceptions import PermissionDenied

from buurtbudget.community import selectors, services
from buurtbudget.community.models import ActivityKind, ActivityStatus, SubBudget
from buurtbudget.ledger.models import AccountKind, LedgerAccount
from buurtbudget.ledger.selectors import posted_balance, unbalanced_entries, verify_balances
from buurtbudget.payments import services as payments
from buurtbudget.payments.models import PayingOrganisation
from buurtbudget.payments.selectors import voucher_payer
from buurtbudget.schemes import services as schemes
from buurtbudget.schemes.models import ProcessModel
from buurtbudget.vouchers import services as vouchers
from buurtbudget.vouchers.selectors import voucher_account
from tests.factories import PayingOrganisationFactory, UserFactory
from tests.factories.community import PENVOERDER_IBAN, community_budget, district_officer, scheme_of
from tests.factories.payments import payment_request, staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _balance(account: LedgerAccount) -> int:
    account.refresh_from_db()
    assert account.balance_cents == posted_balance(account)
    return account.balance_cents


def test_funding_moves_money_from_the_scheme_to_the_groups_account() -> None:
    c = community_budget(amount_cents=1_000_000, scheme_cents=5_000_000)
    scheme_account = schemes.scheme_account(scheme=c.budget.scheme)
    group_account = selectors.group_account(c.budget)
    assert _balance(group_account) == 1_000_000
    assert _balance(scheme_account) == 4_000_000
    assert "Stichting Buurthuis De Linde" in group_account.name
    assert not verify_balances(municipality=c.group.municipality)
    assert not unbalanced_entries(municipality=c.group.municipality)


def test_funding_more_than_the_scheme_has_is_refused() -> None:
    scheme = scheme_of(ProcessModel.COMMUNITY, fund_cents=100_000)
    c = community_budget()
    c2_group = c.group
    officer = district_officer(scheme.municipality)
    with pytest.raises(PermissionDenied):  # another municipality's officer
        services.fund_budget(actor=officer, group=c2_group, scheme=scheme, year=2026, amount_cents=100)
    with pytest.raises(services.CommunityError, match="another municipality"):
        services.fund_budget(actor=c.officer, group=c2_group, scheme=scheme, year=2026, amount_cents=100)
    own = scheme_of(ProcessModel.COMMUNITY, area=c.group.area, fund_cents=100_000)
    with pytest.raises(services.CommunityError, match="does not have"):
        services.fund_budget(actor=c.officer, group=c.group, scheme=own, year=2026, amount_cents=100_001)
    assert _balance(schemes.scheme_account(scheme=own)) == 100_000


def test_allocating_gives_the_activity_a_voucher_held_by_the_treasurer() -> None:
    c = community_budget(amount_cents=1_000_000)
    sub = services.allocate(actor=c.chair, budget=c.budget, name="Buurtfeest", amount_cents=300_000)
    assert sub.status == ActivityStatus.ACTIVE and sub.voucher is not None
    assert sub.voucher.holder == c.treasurer and sub.voucher.amount_cents == 300_000
    assert _balance(selectors.group_account(c.budget)) == 700_000
    assert _balance(voucher_account(sub.voucher)) == 300_000
    # The scheme's own budget did not change: the money only passed through.
    assert _balance(schemes.scheme_account(scheme=c.budget.scheme)) == 4_000_000


def test_allocating_more_than_the_group_has_is_refused_and_books_nothing() -> None:
    c = community_budget(amount_cents=500_000)
    services.allocate(actor=c.chair, budget=c.budget, name="Buurtfeest", amount_cents=400_000)
    with pytest.raises(services.CommunityError, match="left"):
        services.allocate(actor=c.chair, budget=c.budget, name="Moestuin", amount_cents=100_001)
    assert _balance(selectors.group_account(c.budget)) == 100_000
    assert SubBudget.objects.filter(budget=c.budget).count() == 1


def test_only_members_allocate() -> None:
    c = community_budget()
    other = community_budget()
    for outsider in (UserFactory(), other.chair, c.officer):
        with pytest.raises(PermissionDenied):
            services.allocate(actor=outsider, budget=c.budget, name="x", amount_cents=50_000)


def test_support_party_costs_are_capped_at_eight_percent() -> None:
    c = community_budget(amount_cents=1_000_000)  # 8% = € 800,00
    services.allocate(
        actor=c.chair, budget=c.budget, name="Administratie", amount_cents=50_000, kind=ActivityKind.SUPPORT
    )
    with pytest.raises(services.CommunityError, match="at most 8% of the community budget"):
        services.allocate(
            actor=c.chair, budget=c.budget, name="Meer", amount_cents=30_001, kind=ActivityKind.SUPPORT
        )
    assert _balance(selectors.group_account(c.budget)) == 950_000
    services.allocate(
        actor=c.chair, budget=c.budget, name="Rest", amount_cents=30_000, kind=ActivityKind.SUPPORT
    )
    assert selectors.support_allocated_cents(c.budget) == 80_000


def test_at_eight_percent_plus_one_cent_in_one_go_nothing_is_booked() -> None:
    c = community_budget(amount_cents=1_000_000)
    with pytest.raises(services.CommunityError, match="€ 800,00"):
        services.allocate(
            actor=c.chair, budget=c.budget, name="Te veel", amount_cents=80_001, kind=ActivityKind.SUPPORT
        )
    assert _balance(selectors.group_account(c.budget)) == 1_000_000
    assert not SubBudget.objects.exists()


def test_the_penvoerder_pays_the_activities_invoices_through_the_ordinary_payment_requests() -> None:
    c = community_budget(amount_cents=1_000_000)
    PayingOrganisationFactory(municipality=c.group.municipality, is_default=True)  # not the one that pays
    organisation = c.group.paying_organisation
    assert organisation is not None
    assert (organisation.name, organisation.iban) == ("Stichting Buurthuis De Linde", PENVOERDER_IBAN)
    payer = staff(organisation)
    sub = services.allocate(actor=c.chair, budget=c.budget, name="Buurtfeest", amount_cents=300_000)
    assert sub.voucher is not None and voucher_payer(sub.voucher) == organisation
    request = payment_request(sub.voucher, amount="120.50")
    assert request.paying_organisation == organisation
    payments.approve_payment(actor=payer, payment_request=request)
    assert _balance(voucher_account(sub.voucher)) == 300_000 - 12_050
    payable = LedgerAccount.objects.get(kind=AccountKind.PAYABLE, owner_key=organisation.owner_key)
    assert _balance(payable) == 12_050


def test_the_year_report_figures_equal_the_ledger() -> None:
    c = community_budget(amount_cents=1_000_000)
    assert c.group.paying_organisation is not None
    payer = staff(c.group.paying_organisation)
    feest = services.allocate(actor=c.chair, budget=c.budget, name="Buurtfeest", amount_cents=300_000)
    tuin = services.allocate(actor=c.chair, budget=c.budget, name="Moestuin", amount_cents=200_000)
    assert feest.voucher is not None and tuin.voucher is not None
    payments.approve_payment(actor=payer, payment_request=payment_request(feest.voucher, amount="250.00"))
    payments.approve_payment(actor=payer, payment_request=payment_request(tuin.voucher, amount="2000.00"))
    # The festival is done: its voucher is cancelled and closed, the rest returns to the scheme.
    vouchers.cancel_voucher(voucher=feest.voucher, actor=c.officer, reason="Activiteit afgerond")
    vouchers.close_voucher(voucher=feest.voucher, actor=c.officer)

    report = services.submit_year_report(actor=c.treasurer, budget=c.budget, narrative="Een mooi jaar.")
    figures = report.figures
    assert figures["funded_cents"] == 1_000_000
    assert figures["unallocated_cents"] == _balance(selectors.group_account(c.budget)) == 500_000
    rows = {row["name"]: row for row in figures["activities"]}
    assert rows["Buurtfeest"] == {
        "name": "Buurtfeest",
        "kind": "activity",
        "allocated_cents": 300_000,
        "spent_cents": 25_000,
        "returned_cents": 275_000,
        "balance_cents": 0,
    }
    assert rows["Moestuin"]["spent_cents"] == 200_000 and rows["Moestuin"]["balance_cents"] == 0
    assert rows["Moestuin"]["balance_cents"] == _balance(voucher_account(tuin.voucher))
    with pytest.raises(services.CommunityError, match="already been submitted"):
        services.submit_year_report(actor=c.treasurer, budget=c.budget, narrative="Nog eens.")
    accepted = services.accept_year_report(actor=c.officer, report=report)
    assert accepted.status == "accepted" and accepted.accepted_by == c.officer
    with pytest.raises(PermissionDenied):
        services.accept_year_report(actor=community_budget().officer, report=report)


def test_a_group_needs_a_valid_iban_and_kvk_number() -> None:
    c = community_budget()
    kwargs = {"actor": c.officer, "municipality": c.group.municipality, "area": c.group.area, "name": "Nieuw"}
    with pytest.raises(services.CommunityError, match="IBAN"):
        services.register_group(**kwargs, penvoerder_name="Stichting", penvoerder_iban="NL00BANK0123456789")
    with pytest.raises(services.CommunityError, match="8 digits"):
        services.register_group(
            **kwargs,
            penvoerder_name="Stichting",
            penvoerder_iban="NL91ABNA0417164300",
            registration_number="123",
        )


def test_groups_with_the_same_penvoerder_share_its_paying_organisation() -> None:
    c = community_budget()
    kwargs = {"actor": c.officer, "municipality": c.group.municipality, "area": c.group.area}
    other = services.register_group(
        **kwargs,
        name="Tweede groep",
        penvoerder_name=c.group.penvoerder_name,
        penvoerder_iban=PENVOERDER_IBAN,
    )
    assert other.paying_organisation == c.group.paying_organisation
    with pytest.raises(services.CommunityError, match="another IBAN"):
        services.register_group(
            **kwargs,
            name="Derde groep",
            penvoerder_name=c.group.penvoerder_name,
            penvoerder_iban="NL20INGB0001234567",
        )
    with pytest.raises(services.CommunityError, match="already exists"):
        services.register_group(
            **kwargs,
            name="Tweede groep",
            penvoerder_name="Stichting Elders",
            penvoerder_iban="NL20INGB0001234567",
        )
    assert not PayingOrganisation.objects.filter(name="Stichting Elders").exists()  # nothing half-made
