"""Demo of Amsterdam's other two buurtbudget models, made through the services; running it again adds nothing.

- Model B (co-creatie): "Buurtbudget Slotermeer 2026" is designed by the district (Mo Stadsdeel) and two
  residents' representatives (Fatima, named; Sem, who did not consent to publishing his name). They adopted a
  theme, a phase and a rule change (a new rule version of the scheme); a second rule proposal is still open
  because a representative disagreed. Everything is in the published co-creation log.
- Model C (community): "Bewonersgroep K-buurt" is registered with three members (chair Kofi, treasurer: the
  group's own log-in, member Esther), its penvoerder Stichting Buurthuis Kraaiennest holds the money and pays
  the invoices, and its support party Bureau Buurtkracht costs 6% of the budget (the cap is 8%). The group
  gave three activities and its support party a sub-budget, paid one invoice through the ordinary payment
  request, and its yearly account was sent and accepted by the district.

Every object is found again by its name, slug, title or idempotency key, so a second run skips it.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

from django.utils import timezone

from buurtbudget.accounts.models import User
from buurtbudget.areas.models import Area
from buurtbudget.cocreation import services as cocreation
from buurtbudget.cocreation.models import CoCreationProcess, Participant, Proposal, ProposalKind, Side
from buurtbudget.community import services as community
from buurtbudget.community.models import (
    ActivityKind,
    CommunityBudget,
    GroupMember,
    MemberRole,
    ResidentsGroup,
    SubBudget,
    YearReport,
)
from buurtbudget.payments import services as payments
from buurtbudget.payments.models import PaymentRequest
from buurtbudget.schemes import services as schemes
from buurtbudget.schemes.models import ProcessModel, Scheme
from buurtbudget.tenancy.models import Municipality

MANAGER = "budgetbeheer@amsterdam.example"  # starts the co-creation, registers and funds the group
OFFICER = "stadsdeel@amsterdam.example"
PAYER = "betaalorganisatie@amsterdam.example"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# --------------------------------------------------------------------------------------------- model B

COCREATION_SLUG = "slotermeer-2026"
COCREATION_NAME = "Buurtbudget Slotermeer 2026"
COCREATION_AREA = "slotermeer"
COCREATION_FUNDS_CENTS = 6_000_000  # € 60.000
# (e-mail, side, name may be published)
PARTICIPANTS = (
    (OFFICER, Side.DISTRICT, True),
    ("bewoner@amsterdam.example", Side.REPRESENTATIVE, True),
    ("initiatiefnemer@amsterdam.example", Side.REPRESENTATIVE, False),
)


# ---------------------------------------------------------------------------------------------- model C

COMMUNITY_SLUG = "gemeenschapsbudget-zuidoost"
COMMUNITY_NAME = "Gemeenschapsbudget Zuidoost"
COMMUNITY_FUNDS_CENTS = 10_000_000  # € 100.000 for the district's groups
GROUP_NAME = "Bewonersgroep K-buurt"
GROUP_AREA = "k-buurt"
PENVOERDER = "Stichting Buurthuis Kraaiennest"
PENVOERDER_IBAN = "NL02ABNA0123456789"
SUPPORT_PARTY = "Bureau Buurtkracht"
BUDGET_CENTS = 2_000_000  # € 20.000 this year; the support party may cost at most 8% = € 1.600
MEMBERS = (
    ("kbuurt-voorzitter@amsterdam.example", MemberRole.CHAIR),
    ("bewonersgroep@amsterdam.example", MemberRole.TREASURER),
    ("kbuurt-lid@amsterdam.example", MemberRole.MEMBER),
)
# (name, kind, amount in cents, what it is for)
ACTIVITIES = (
    ("Buurtfeest op het Kraaiennest", ActivityKind.ACTIVITY, 600_000, "Een dag muziek, eten en spelletjes."),
    ("Huiswerkbegeleiding", ActivityKind.ACTIVITY, 500_000, "Drie middagen per week in het buurthuis."),
    ("Moestuin achter de flat", ActivityKind.ACTIVITY, 300_000, "Bakken, aarde en zaden voor de moestuin."),
    (SUPPORT_PARTY, ActivityKind.SUPPORT, 120_000, "Hulp bij de begroting en de verantwoording."),
)
INVOICE = ("Buurtfeest op het Kraaiennest", "Verhuurbedrijf Feest & Zo", "NL20INGB0001234567", 245_000)
YEAR_REPORT = (
    "Het buurtfeest trok 300 buren, de huiswerkbegeleiding draait sinds maart met 25 kinderen en de "
    "moestuin heeft twaalf bakken. Bureau Buurtkracht hielp ons met de begroting."
)


def _user(email: str) -> User:
    return User.objects.get(email=email)


def ensure_demo_models_b_and_c(municipality: Municipality, note: Callable[[str], object]) -> None:
    process = _cocreation(municipality)
    group = _community(municipality)
    note(
        f"Co-creatie / co-creation (model B): /{municipality.slug}/cocreatie/{process.scheme.slug}/ · "
        f"gemeenschapsbudget / community budget (model C): /{municipality.slug}/bewonersgroep/{group.pk}/"
    )


# --------------------------------------------------------------------------------------------- model B


def _cocreation(municipality: Municipality) -> CoCreationProcess:
    manager = _user(MANAGER)
    scheme = Scheme.objects.filter(municipality=municipality, slug=COCREATION_SLUG).first()
    if scheme is None:
        today = timezone.localdate()
        scheme = schemes.create_scheme(
            actor=manager,
            municipality=municipality,
            name=COCREATION_NAME,
            slug=COCREATION_SLUG,
            starts_on=today - dt.timedelta(days=30),
            ends_on=today + dt.timedelta(days=335),
            process_model=ProcessModel.COCREATIE,
            area=Area.objects.get(municipality=municipality, slug=COCREATION_AREA),
        )
    schemes.fund_scheme(
        actor=manager,
        scheme=scheme,
        amount_cents=COCREATION_FUNDS_CENTS,
        idempotency_key=f"demo-fund-{COCREATION_SLUG}",
    )
    process = CoCreationProcess.objects.filter(scheme=scheme).first()
    if process is None:
        # Both representatives must agree before anything is adopted.
        process = cocreation.start_process(actor=manager, scheme=scheme, representative_agreements_needed=2)
    for email, side, show_name in PARTICIPANTS:
        user = _user(email)
        if not Participant.objects.filter(process=process, user=user).exists():
            cocreation.add_participant(
                actor=manager, process=process, user=user, side=side, show_name=show_name
            )
    officer, fatima, sem = (_user(email) for email, _side, _show in PARTICIPANTS)
    today = timezone.localdate()
    _proposal(
        process,
        by=officer,
        answers=((fatima, True, "Mooi, daar is veel behoefte aan."), (sem, True, "")),
        kind=ProposalKind.THEME,
        title="Groen en ontmoeten in Slotermeer",
        explanation="Plannen voor meer groen en voor plekken waar buren elkaar ontmoeten gaan voor.",
    )
    _proposal(
        process,
        by=fatima,
        answers=((officer, True, ""), (sem, True, "Liefst ook op zaterdag een inloop.")),
        kind=ProposalKind.PHASE,
        title="Ideeën ophalen op het Plein '40-'45",
        explanation="Vier weken lang een kraam op de markt waar buren hun ideeën kwijt kunnen.",
        starts_on=today + dt.timedelta(days=14),
        ends_on=today + dt.timedelta(days=42),
    )
    _proposal(
        process,
        by=sem,
        answers=((officer, True, "Past binnen het budget."), (fatima, True, "")),
        kind=ProposalKind.RULE,
        title="Plannen tot € 15.000 zonder wijkraadpleging",
        explanation="Grotere plannen kunnen dan sneller beginnen.",
        rule_key="consultation_threshold_cents",
        proposed_value=1_500_000,
    )
    _proposal(
        process,
        by=sem,
        answers=((fatima, False, "Jongeren vanaf 12 jaar moeten ook plannen kunnen indienen."),),
        kind=ProposalKind.RULE,
        title="Indienen vanaf 16 jaar",
        explanation="Dan hoeven we minder vaak toestemming van ouders te vragen.",
        rule_key="min_age",
        proposed_value=16,
    )
    return process


def _proposal(
    process: CoCreationProcess,
    *,
    by: User,
    answers: tuple[tuple[User, bool, str], ...],
    title: str,
    **fields: object,
) -> None:
    proposal = Proposal.objects.filter(process=process, title=title).first()
    if proposal is None:
        proposal = cocreation.propose(actor=by, process=process, title=title, **fields)  # type: ignore[arg-type]
    for who, agrees, comment in answers:
        if not proposal.agreements.filter(participant__user=who).exists():
            cocreation.respond(actor=who, proposal=proposal, agrees=agrees, comment=comment)


# ---------------------------------------------------------------------------------------------- model C


def _community(municipality: Municipality) -> ResidentsGroup:
    manager = _user(MANAGER)
    area = Area.objects.get(municipality=municipality, slug=GROUP_AREA)
    scheme = Scheme.objects.filter(municipality=municipality, slug=COMMUNITY_SLUG).first()
    if scheme is None:
        year = timezone.localdate().year
        scheme = schemes.create_scheme(
            actor=manager,
            municipality=municipality,
            name=COMMUNITY_NAME,
            slug=COMMUNITY_SLUG,
            starts_on=dt.date(year, 1, 1),
            ends_on=dt.date(year + 3, 12, 31),
            process_model=ProcessModel.COMMUNITY,
            area=area.parent,
        )
    schemes.fund_scheme(
        actor=manager,
        scheme=scheme,
        amount_cents=COMMUNITY_FUNDS_CENTS,
        idempotency_key=f"demo-fund-{COMMUNITY_SLUG}",
    )
    group = ResidentsGroup.objects.filter(municipality=municipality, name=GROUP_NAME).first()
    if group is None:
        group = community.register_group(
            actor=manager,
            municipality=municipality,
            area=area,
            name=GROUP_NAME,
            penvoerder_name=PENVOERDER,
            penvoerder_iban=PENVOERDER_IBAN,
            registration_number="87654321",
            support_party_name=SUPPORT_PARTY,
        )
    for email, role in MEMBERS:
        user = _user(email)
        if not GroupMember.objects.filter(group=group, user=user).exists():
            community.add_member(actor=manager, group=group, user=user, role=role)
    budget = community.fund_budget(
        actor=manager, group=group, scheme=scheme, year=timezone.localdate().year, amount_cents=BUDGET_CENTS
    )
    chair = _user(MEMBERS[0][0])
    treasurer = _user(MEMBERS[1][0])
    for name, kind, amount_cents, description in ACTIVITIES:
        if not SubBudget.objects.filter(budget=budget, name=name).exists():
            # The activity gets a voucher held by the treasurer; the penvoerder pays its invoices.
            community.allocate(
                actor=chair,
                budget=budget,
                name=name,
                description=description,
                amount_cents=amount_cents,
                kind=kind,
            )
    _pay_invoice(budget, treasurer)
    if not YearReport.objects.filter(budget=budget).exists():
        report = community.submit_year_report(actor=treasurer, budget=budget, narrative=YEAR_REPORT)
        community.accept_year_report(actor=manager, report=report)
    return group


def _pay_invoice(budget: CommunityBudget, treasurer: User) -> None:
    activity, payee, iban, amount_cents = INVOICE
    key = f"demo-community-{budget.pk}-invoice"
    if PaymentRequest.objects.filter(idempotency_key=key).exists():
        return
    sub = SubBudget.objects.select_related("voucher").get(budget=budget, name=activity)
    assert sub.voucher is not None
    request = payments.request_payment(
        actor=treasurer,
        voucher_code=sub.voucher.code,
        payee_name=payee,
        payee_iban=iban,
        amount=f"{amount_cents // 100}.{amount_cents % 100:02d}",
        description="Factuur tent, podium en geluid",
        document=io.BytesIO(PDF),
        idempotency_key=key,
    )
    payments.approve_payment(actor=_user(PAYER), payment_request=request)
