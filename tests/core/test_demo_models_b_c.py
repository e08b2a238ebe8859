"""The demo's model B round (co-creation) and model C group (community budget): what a visitor and the
district see, and that the money behind it adds up."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from buurtbudget.audit.models import AuditEvent
from buurtbudget.cocreation.models import Agreement, CoCreationProcess, LogEntry, Proposal, ProposalStatus
from buurtbudget.community import selectors as community_selectors
from buurtbudget.community.models import ActivityKind, GroupMember, ResidentsGroup, SubBudget, YearReport
from buurtbudget.core.demo import models_b_c as demo
from buurtbudget.ledger.selectors import unbalanced_entries, verify_balances
from buurtbudget.payments.models import PaymentRequest
from buurtbudget.schemes.models import Scheme, SchemeRuleVersion
from buurtbudget.tenancy.models import Municipality

pytestmark = pytest.mark.django_db

PASSWORD = "buurtbudget-demo"


def _run() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def _counts() -> tuple[int, ...]:
    return (
        Scheme.objects.count(),
        SchemeRuleVersion.objects.count(),
        Proposal.objects.count(),
        Agreement.objects.count(),
        LogEntry.objects.count(),
        GroupMember.objects.count(),
        SubBudget.objects.count(),
        PaymentRequest.objects.count(),
        YearReport.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def demo_output() -> str:
    _run()
    counts = _counts()
    output = _run()
    assert _counts() == counts  # the second run adds nothing
    return output


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_visitor_finds_every_model_from_the_municipality_page(demo_output: str, client: Client) -> None:
    group = ResidentsGroup.objects.get(name=demo.GROUP_NAME)
    assert "/amsterdam/cocreatie/slotermeer-2026/" in demo_output
    assert f"/amsterdam/bewonersgroep/{group.pk}/" in demo_output

    assert 'href="/amsterdam/buurtbudget/"' in _page(client, "/amsterdam/")
    html = _page(client, "/amsterdam/buurtbudget/")
    assert "Buurtbudget Geuzenveld 2026" in html  # model A
    assert 'href="/amsterdam/cocreatie/slotermeer-2026/"' in html and demo.COCREATION_NAME in html  # model B
    assert f'href="/amsterdam/bewonersgroep/{group.pk}/"' in html and demo.GROUP_NAME in html  # model C


def test_the_cocreation_log_is_published_with_every_proposal_and_who_agreed(
    demo_output: str, client: Client
) -> None:
    process = CoCreationProcess.objects.get(scheme__slug=demo.COCREATION_SLUG)
    statuses = dict(Proposal.objects.filter(process=process).values_list("title", "status"))
    assert statuses == {
        "Groen en ontmoeten in Slotermeer": ProposalStatus.ADOPTED,
        "Ideeën ophalen op het Plein '40-'45": ProposalStatus.ADOPTED,
        "Plannen tot € 15.000 zonder wijkraadpleging": ProposalStatus.ADOPTED,
        "Indienen vanaf 16 jaar": ProposalStatus.OPEN,  # Fatima disagreed
    }
    scheme = process.scheme
    scheme.refresh_from_db()
    assert scheme.rule("consultation_threshold_cents") == 1_500_000 and scheme.rule("min_age") == 12

    html = _page(client, "/amsterdam/cocreatie/slotermeer-2026/")
    # Names only of those who consented; Sem shows as his side.
    assert "Mo Stadsdeel" in html and "Fatima Bewoner" in html
    assert "Sem Initiatiefnemer" not in html and "initiatiefnemer@" not in html
    for title in statuses:
        assert title.replace("'", "&#x27;") in html
    assert "Jongeren vanaf 12 jaar moeten ook plannen kunnen indienen." in html
    agreed = html.split("Tot nu toe afgesproken")[1].split("</ul>")[0]
    assert "Wijkraadpleging boven (euro): € 10.000,00 → € 15.000,00" in agreed
    assert "Groen en ontmoeten in Slotermeer" in agreed and "Indienen vanaf 16 jaar" not in agreed
    log_rows = html.split("<tbody>")[-1].count("<tr>")
    assert log_rows == LogEntry.objects.filter(process=process).count() > len(statuses)


def test_the_community_group_shows_its_penvoerder_activities_spending_and_year_report(
    demo_output: str, client: Client
) -> None:
    group = ResidentsGroup.objects.get(name=demo.GROUP_NAME)
    assert group.area.slug == "k-buurt"
    roles = dict(GroupMember.objects.filter(group=group).values_list("user__email", "role"))
    assert roles == dict(demo.MEMBERS)
    (figures,) = community_selectors.public_budgets(group=group)
    assert figures.funded_cents == demo.BUDGET_CENTS
    support = [a for a in figures.activities if a.sub_budget.kind == ActivityKind.SUPPORT]
    assert len(figures.activities) == 4 and len(support) == 1
    assert support[0].allocated_cents * 100 <= 8 * demo.BUDGET_CENTS  # within the 8% cap
    assert figures.spent_cents == demo.INVOICE[3] == 245_000
    assert figures.budget.report.status == "accepted"
    # The penvoerder holds the money and pays the invoice, through the ordinary payment request.
    (invoice,) = PaymentRequest.objects.filter(voucher__community_activity__budget__group=group)
    assert invoice.paying_organisation == group.paying_organisation
    assert invoice.paying_organisation.name == demo.PENVOERDER and invoice.status == "approved"

    html = _page(client, f"/amsterdam/bewonersgroep/{group.pk}/")
    for text in (
        demo.PENVOERDER,
        demo.SUPPORT_PARTY,
        "Buurtfeest op het Kraaiennest",
        "Moestuin achter de flat",
    ):
        assert text in html
    assert "€ 20.000,00" in html and "€ 2.450,00" in html
    assert "Het buurtfeest trok 300 buren" in html  # the accepted year report

    amsterdam = Municipality.objects.get(slug="amsterdam")
    assert not verify_balances(municipality=amsterdam) and not unbalanced_entries(municipality=amsterdam)


def test_the_district_sees_the_groups_spending_and_report_and_the_treasurer_its_vouchers(
    demo_output: str, client: Client, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.BUURTBUDGET_REQUIRE_STAFF_2FA = False  # as in the demo's settings.dev
    group = ResidentsGroup.objects.get(name=demo.GROUP_NAME)
    assert "Voor medewerkers" not in _page(client, "/amsterdam/")
    assert client.login(email="budgetbeheer@amsterdam.example", password=PASSWORD)
    home = _page(client, "/amsterdam/")
    assert 'href="/amsterdam/beheer/community/"' in home and 'href="/amsterdam/beheer/cocreatie/"' in home
    html = _page(client, "/amsterdam/beheer/community/")
    assert demo.GROUP_NAME in html and "€ 2.450,00" in html and "€ 15.200,00" in html  # allocated
    assert "Het buurtfeest trok 300 buren" in html
    assert demo.COCREATION_NAME in _page(client, "/amsterdam/beheer/cocreatie/")

    client.logout()
    assert client.login(email="bewonersgroep@amsterdam.example", password=PASSWORD)
    (invoice,) = PaymentRequest.objects.filter(requested_by__email="bewonersgroep@amsterdam.example")
    invoice_voucher = invoice.voucher.code
    html = _page(client, f"/amsterdam/bewonersgroep/{group.pk}/beheer/")
    for sub in SubBudget.objects.filter(budget__group=group).select_related("voucher"):
        assert sub.voucher is not None and sub.voucher.display_code in html
        # The treasurer holds the activity's voucher and asks for payments from its page.
        assert f'href="/mijn/vouchers/{sub.voucher.code}/betaalverzoek/"' in html
    assert "Verhuurbedrijf Feest &amp; Zo" in _page(
        client, f"/mijn/vouchers/{invoice_voucher}/betaalverzoek/"
    )
