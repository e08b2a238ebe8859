"""The demo's running voucher scheme (LSA) in Utrecht, made through the services; running it again adds nothing.

"Bewonersbudget Overvecht" is funded, has a regiegroep (chair Sara, members Noor and Joost), a default paying
organisation (Fatima approves its payments) and one initiative of Daan Bewoner in every state of the
initiative's lifecycle: draft, submitted, in_consultation (above the consultation threshold),
changes_requested, in_execution (with a voucher and one approved invoice), rejected, withdrawn,
accounting_due, accounted, settled and closed (the rest of those vouchers is back in the scheme).

Every initiative is found again by its `client_key` ("demo-<state>"), so a second run skips it. There are no
direct model writes: roles, scheme, money, decisions, payments and reports all go through their services.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

from django.utils import timezone

from buurtbudget.accountability import services as accountability
from buurtbudget.accounts import services as accounts_services
from buurtbudget.accounts.models import Role, User
from buurtbudget.areas.models import Area
from buurtbudget.consultations import services as consultations
from buurtbudget.initiatives import services as initiatives
from buurtbudget.initiatives.models import Initiative
from buurtbudget.initiatives.models import InitiativeStatus as S
from buurtbudget.payments import services as payments
from buurtbudget.payments.models import PayingOrganisation
from buurtbudget.regiegroep import services as regiegroep
from buurtbudget.regiegroep.models import MemberRole, Membership, Outcome
from buurtbudget.schemes import services as schemes
from buurtbudget.schemes.models import Scheme
from buurtbudget.tenancy.models import Municipality
from buurtbudget.vouchers.models import Voucher

SCHEME_SLUG = "bewonersbudget-overvecht"
SCHEME_NAME = "Bewonersbudget Overvecht"
AREA = "overvecht"
FUNDS_CENTS = 10_000_000  # € 100.000
RULES = {"voucher_max_cents": 2_500_000}  # up to € 25.000; above € 10.000 a wijkraadpleging first
INITIATOR = "bewoner@utrecht.example"
CHAIR = "voorzitter@utrecht.example"
MEMBERS = ("regiegroep@utrecht.example", "regiegroep2@utrecht.example")
MANAGER = "budgetbeheer@utrecht.example"
PAYER = "betaalorganisatie@utrecht.example"
ORGANISATION = "Stichting Betaalloket Utrecht"
ORGANISATION_IBAN = "NL91ABNA0417164300"
PAYEE_IBAN = "NL20INGB0001234567"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# state → (title, requested € in cents, € spent from the voucher in cents)
PLANS: dict[str, tuple[str, int, int]] = {
    S.DRAFT: ("Bankjes bij het winkelcentrum", 120_000, 0),
    S.SUBMITTED: ("Kookclub voor buren", 90_000, 0),
    S.IN_CONSULTATION: ("Speeltuin aan de Zamenhofdreef", 1_200_000, 0),
    S.CHANGES_REQUESTED: ("Muurschildering in de onderdoorgang", 300_000, 0),
    S.IN_EXECUTION: ("Buurtmoestuin Overvecht", 250_000, 60_000),
    S.REJECTED: ("Vuurwerkshow op oudejaarsavond", 400_000, 0),
    S.WITHDRAWN: ("Filmavond in het park", 80_000, 0),
    S.ACCOUNTING_DUE: ("Zomerfeest Taagdreef", 150_000, 110_000),
    S.ACCOUNTED: ("Repair café", 100_000, 70_000),
    S.SETTLED: ("Bloembakken in de Neckardreef", 200_000, 150_000),
    S.CLOSED: ("Voorleesochtenden in de bibliotheek", 60_000, 45_000),
}
AWARDED = (S.IN_EXECUTION, S.ACCOUNTING_DUE, S.ACCOUNTED, S.SETTLED, S.CLOSED)


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _scheme(municipality: Municipality) -> Scheme:
    scheme = Scheme.objects.filter(municipality=municipality, slug=SCHEME_SLUG).first()
    if scheme is None:
        scheme = schemes.create_voucher_scheme(
            actor=None,
            municipality=municipality,
            name=SCHEME_NAME,
            slug=SCHEME_SLUG,
            area=Area.objects.get(municipality=municipality, slug=AREA),
            starts_on=timezone.localdate() - dt.timedelta(days=60),
            ends_on=timezone.localdate() + dt.timedelta(days=3 * 365),
            rules=RULES,
        )
    # The idempotency key makes a second run book nothing.
    schemes.fund_scheme(
        actor=None, scheme=scheme, amount_cents=FUNDS_CENTS, idempotency_key=f"demo-fund-{SCHEME_SLUG}"
    )
    return scheme


def _regiegroep(scheme: Scheme) -> None:
    manager = _user(MANAGER)
    for email, role in ((CHAIR, MemberRole.CHAIR), *((m, MemberRole.MEMBER) for m in MEMBERS)):
        user = _user(email)
        if not Membership.objects.filter(user=user, group__scheme=scheme).exists():
            regiegroep.appoint_member(actor=manager, scheme=scheme, user=user, role=role)


def _paying_organisation(municipality: Municipality) -> PayingOrganisation:
    organisation = PayingOrganisation.objects.filter(municipality=municipality, is_default=True).first()
    if organisation is None:
        organisation = payments.create_paying_organisation(
            actor=None,
            municipality=municipality,
            name=ORGANISATION,
            iban=ORGANISATION_IBAN,
            bic="ABNANL2A",
            is_default=True,
        )
    accounts_services.assign_role(
        actor=None,
        user=_user(PAYER),
        role=Role.PAYER,
        municipality=municipality,
        object_key=f"payments.payingorganisation:{organisation.pk}",
    )
    return organisation


def _plan(title: str, amount_cents: int) -> dict[str, object]:
    today = timezone.localdate()
    return {
        "title": title,
        "what_and_why": f"{title}: buren doen samen iets voor Overvecht.",
        "for_whom": "Alle buren in Overvecht, jong en oud.",
        "location": "Overvecht",
        "location_postcode": "3562 AB",
        "location_house_number": 7,
        "starts_on": today + dt.timedelta(days=40),
        "ends_on": today + dt.timedelta(days=160),
        "excluded_purposes_declared": True,
    }


def _decide(scheme: Scheme, initiative: Initiative, outcome: str, reasons: str) -> Voucher | None:
    chair = _user(CHAIR)
    meeting = regiegroep.create_meeting(
        actor=chair,
        scheme=scheme,
        held_on=timezone.localdate(),
        location="Buurtcentrum De Dreef",
        initiatives=[initiative],
    )
    regiegroep.record_attendance(
        actor=chair, meeting=meeting, present=[chair, *(_user(email) for email in MEMBERS)]
    )
    decision = regiegroep.decide(
        actor=chair, meeting=meeting, initiative=initiative, outcome=outcome, reasons=reasons
    )
    return decision.voucher


def _spend(voucher: Voucher, holder: User, amount_cents: int, key: str) -> None:
    request = payments.request_payment(
        actor=holder,
        voucher_code=voucher.code,
        payee_name="Tuincentrum Overvecht",
        payee_iban=PAYEE_IBAN,
        amount=f"{amount_cents // 100}.{amount_cents % 100:02d}",
        description="Factuur materialen",
        document=io.BytesIO(PDF),
        idempotency_key=key,
    )
    payments.approve_payment(actor=_user(PAYER), payment_request=request)


def _initiative(scheme: Scheme, state: str) -> None:
    initiator = _user(INITIATOR)
    key = f"demo-{state}"
    if Initiative.objects.filter(initiator=initiator, client_key=key).exists():
        return
    title, amount_cents, spent_cents = PLANS[state]
    initiative = initiatives.create_draft(
        actor=initiator, scheme=scheme, changes=_plan(title, amount_cents), client_key=key
    )
    initiatives.set_budget(
        actor=initiator,
        initiative=initiative,
        lines=[{"description": "Materialen en huur", "amount_cents": amount_cents, "kind": "materials"}],
        own_contribution_cents=0,
    )
    if state == S.DRAFT:
        return
    initiative = initiatives.submit(actor=initiator, initiative=initiative)
    if state == S.WITHDRAWN:
        initiatives.withdraw(actor=initiator, initiative=initiative, reason="Geen vrijwilligers gevonden.")
    elif state == S.IN_CONSULTATION:
        consultations.open_consultation(actor=_user(CHAIR), initiative=initiative)
    elif state == S.CHANGES_REQUESTED:
        _decide(scheme, initiative, Outcome.ASK_CHANGES, "Graag een ontwerp en toestemming van de eigenaar.")
    elif state == S.REJECTED:
        _decide(scheme, initiative, Outcome.REJECT, "Vuurwerk valt buiten de regeling.")
    elif state in AWARDED:
        voucher = _decide(scheme, initiative, Outcome.AWARD, "Goed plan voor de buurt.")
        assert voucher is not None
        _spend(voucher, initiator, spent_cents, key=f"{key}-invoice")
        initiative.refresh_from_db()
        if state == S.ACCOUNTING_DUE:
            initiatives.move(actor=initiator, initiative=initiative, name="finish_execution")
        elif state != S.IN_EXECUTION:
            accountability.submit_report(
                actor=initiator,
                initiative=initiative,
                what_happened=f"{title} is gelukt; veel buren deden mee.",
                participants=40,
            )
            if state in (S.SETTLED, S.CLOSED):
                manager = _user(MANAGER)
                accountability.accept_report(actor=manager, initiative=initiative)
                accountability.settle(actor=manager, initiative=initiative)
                if state == S.CLOSED:
                    initiative.refresh_from_db()
                    initiatives.move(actor=manager, initiative=initiative, name="close")


def ensure_demo_vouchers(municipality: Municipality, write: Callable[[str], object]) -> None:
    """The running voucher scheme in Utrecht with one initiative in every state."""
    initiator = _user(INITIATOR)
    if initiator.birth_year is None:  # the rule check needs the initiator's age
        accounts_services.update_profile(user=initiator, actor=initiator, changes={"birth_year": 1985})
    scheme = _scheme(municipality)
    _regiegroep(scheme)
    _paying_organisation(municipality)
    for state in PLANS:
        _initiative(scheme, state)
    write(f"Vouchersysteem / voucher system: {SCHEME_NAME} (/{municipality.slug}/beheer/regiegroep/)")
