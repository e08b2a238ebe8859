"""Demo buurtbudget rounds (model A) in Amsterdam, made through the services; running it again adds nothing.

- "Buurtbudget Geuzenveld" is open for voting; its demo stemcodes are fixed (derived from the round's
  slug), so that `buurtbudget demo` can print them every time;
- "Buurtbudget Nieuw-West" has voted, been counted with greedy and confirmed: it is in execution, and the
  first invoice of a funded plan is paid by Amsterdam's default paying organisation;
- one round is imported from a real Amsterdam election in ../shared/pabulib (skipped, with a note, when the
  files are not there).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from buurtbudget.accounts.models import User
from buurtbudget.areas.models import Area
from buurtbudget.audit import services as audit
from buurtbudget.payments import services as payments
from buurtbudget.payments.models import PayingOrganisation, PaymentRequest
from buurtbudget.rounds import services as rounds
from buurtbudget.rounds.models import Phase, Plan, PlanStatus, Round
from buurtbudget.rounds.pabulib_io import PabulibImportError, import_pabulib
from buurtbudget.tenancy.models import Municipality
from buurtbudget.voting import codes
from buurtbudget.voting import services as voting
from buurtbudget.voting.models import Ballot, RegisterEntry, VoterCode
from buurtbudget.vouchers.codes import ALPHABET, DATA_LENGTH, check_character

PABULIB_DIR = Path(__file__).resolve().parents[5] / "shared" / "pabulib"
PABULIB_FILE = "Netherlands_Amsterdam_179.pb"  # Buurtbudget Bloemenbuurt 2020, 24 projects, 219 voters
PABULIB_AREA = "bloemenbuurt"
OFFICER = "stadsdeel@amsterdam.example"
RESIDENT = "bewoner@amsterdam.example"
PAYER = "betaalorganisatie@amsterdam.example"
PAYING_ORGANISATION = "Stichting Betaalloket Amsterdam"
CODES = 5  # stemcodes printed for the round in voting
EXECUTION_VOTES = 3  # of the execution round's codes, how many voted


@dataclass(frozen=True)
class DemoPlan:
    title: str
    summary: str
    cost_lines: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class DemoRound:
    slug: str
    name: str
    area: str
    budget_cents: int
    plans: tuple[DemoPlan, ...]
    # Which plans (by position) each demo voter of a closed round chooses.
    ballots: tuple[tuple[int, ...], ...] = ()


PLANS = (
    DemoPlan(
        "Groene speelplek bij de Lambertus Zijlstraat",
        "Een speelplek met bomen, boomstammen en zand waar nu tegels liggen.",
        (("Bomen en planten", 1_800_000), ("Speeltoestellen", 2_200_000)),
    ),
    DemoPlan(
        "Buurtkeuken in het wijkcentrum",
        "Eén avond per week samen koken en eten, voor en door buren.",
        (("Keukenspullen", 600_000), ("Huur en boodschappen een jaar", 900_000)),
    ),
    DemoPlan(
        "Bankjes langs het Sloterpark",
        "Zes bankjes waar ouderen onderweg kunnen uitrusten.",
        (("Zes bankjes met plaatsing", 1_200_000),),
    ),
    DemoPlan(
        "Huiswerkklas in de bibliotheek",
        "Twee middagen per week hulp bij huiswerk door vrijwilligers en een coördinator.",
        (("Coördinator een jaar", 1_500_000), ("Materiaal", 300_000)),
    ),
)

VOTING = DemoRound(
    slug="geuzenveld-2026",
    name="Buurtbudget Geuzenveld 2026",
    area="geuzenveld",
    budget_cents=5_000_000,
    plans=PLANS,
)
EXECUTION = DemoRound(
    slug="nieuw-west-2025",
    name="Buurtbudget Nieuw-West 2025",
    area="nieuw-west",
    budget_cents=4_000_000,
    plans=PLANS,
    ballots=((0,), (1, 2), (2, 3)),
)


def demo_code(slug: str, number: int) -> str:
    """A fixed, valid stemcode for demo voter `number` of a round (never use this outside the demo)."""
    digest = hashlib.sha256(f"buurtbudget-demo:{slug}:{number}".encode()).digest()
    data = "".join(ALPHABET[b % len(ALPHABET)] for b in digest[:DATA_LENGTH])
    return data + check_character(data)


def ensure_demo_rounds(
    municipality: Municipality, note: Callable[[str], None]
) -> list[tuple[str, str, str, str]]:
    """Create what is missing; return a row per demo stemcode for the log-in table."""
    officer = User.objects.get(email=OFFICER)
    resident = User.objects.get(email=RESIDENT)
    rows: list[tuple[str, str, str, str]] = []
    open_round = _ensure_round(municipality, VOTING, officer, resident, target=Phase.VOTING)
    for number, code in enumerate(_ensure_codes(open_round, officer, VOTING, CODES), start=1):
        state = "gestemd / voted" if _has_voted(open_round, code) else "-"
        where = f"{municipality.name} / {open_round.name} #{number}"
        rows.append((codes.format_code(code), "stemcode / voting code", where, state))
    closed = _ensure_round(municipality, EXECUTION, officer, resident, target=Phase.EXECUTION)
    if closed.phase == Phase.VOTING:
        voter_codes = _ensure_codes(closed, officer, EXECUTION, len(EXECUTION.ballots))
        plans = list(Plan.objects.filter(round=closed).order_by("pk"))
        for code, choice in zip(voter_codes, EXECUTION.ballots, strict=True):
            if not _has_voted(closed, code):
                voting.cast_vote(round=closed, code=code, choices={"plans": [plans[i].pk for i in choice]})
        voting.close_voting(actor=officer, round=closed)
    if closed.phase == Phase.RESULT:
        voting.confirm_result(actor=officer, round=closed)
    _ensure_first_invoice(municipality, closed, resident)
    _ensure_pabulib_round(municipality, officer, note)
    return rows


def _ensure_first_invoice(municipality: Municipality, closed: Round, resident: User) -> None:
    """Amsterdam's default paying organisation pays the funded plans' invoices; the first one is paid."""
    organisation = PayingOrganisation.objects.filter(municipality=municipality, is_default=True).first()
    if organisation is None:
        organisation = payments.create_paying_organisation(
            actor=None,
            municipality=municipality,
            name=PAYING_ORGANISATION,
            iban="NL44RABO0123456789",
            bic="RABONL2U",
            is_default=True,
        )
    plan = (
        Plan.objects.filter(round=closed, status=PlanStatus.FUNDED, voucher__isnull=False)
        .order_by("pk")
        .first()
    )
    key = f"demo-round-{closed.slug}-invoice"
    if plan is None or plan.voucher is None or PaymentRequest.objects.filter(idempotency_key=key).exists():
        return
    request = payments.request_payment(
        actor=resident,
        voucher_code=plan.voucher.code,
        payee_name="Straatmeubilair Nederland",
        payee_iban="NL20INGB0001234567",
        amount="4000.00",
        description="Aanbetaling bankjes",
        document=io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
        idempotency_key=key,
    )
    payments.approve_payment(actor=User.objects.get(email=PAYER), payment_request=request)


def _dates(target: str) -> dict[str, dt.date]:
    today = timezone.localdate()
    if target == Phase.VOTING:  # open now, closes in four weeks
        start = today - dt.timedelta(days=90)
        return {
            "plans_open_on": start,
            "support_opens_on": start + dt.timedelta(days=30),
            "feasibility_opens_on": start + dt.timedelta(days=45),
            "voting_opens_on": today - dt.timedelta(days=3),
            "voting_closes_on": today + dt.timedelta(days=28),
            "result_on": today + dt.timedelta(days=35),
        }
    start = today - dt.timedelta(days=120)  # voted until today, counted and confirmed
    return {
        "plans_open_on": start,
        "support_opens_on": start + dt.timedelta(days=30),
        "feasibility_opens_on": start + dt.timedelta(days=45),
        "voting_opens_on": today - dt.timedelta(days=21),
        "voting_closes_on": today,
        "result_on": today,
    }


def _ensure_round(
    municipality: Municipality, demo: DemoRound, officer: User, resident: User, *, target: str
) -> Round:
    found = Round.objects.filter(municipality=municipality, slug=demo.slug).select_related("area").first()
    if found is None:
        area = Area.objects.get(municipality=municipality, slug=demo.area)
        dates = _dates(target)
        found = rounds.create_round(
            actor=officer,
            municipality=municipality,
            area=area,
            name=demo.name,
            slug=demo.slug,
            budget_cents=demo.budget_cents,
            description="Bewoners van de buurt bedenken plannen en kiezen samen wat er gebeurt.",
            rules={"support_threshold": 1},
            plans_open_on=dates["plans_open_on"],
            support_opens_on=dates["support_opens_on"],
            feasibility_opens_on=dates["feasibility_opens_on"],
            voting_opens_on=dates["voting_opens_on"],
            voting_closes_on=dates["voting_closes_on"],
            result_on=dates["result_on"],
        )
    if found.phase == Phase.PLANS:
        if not Plan.objects.filter(round=found).exists():
            for demo_plan in demo.plans:
                rounds.submit_plan(
                    actor=resident,
                    round=found,
                    area=found.area,
                    title=demo_plan.title,
                    summary=demo_plan.summary,
                    cost_lines=demo_plan.cost_lines,
                )
        rounds.advance_round(actor=officer, round=found, name="open_support")
    if found.phase == Phase.SUPPORT:
        for plan in Plan.objects.filter(round=found).order_by("pk"):
            rounds.support_plan(actor=resident, plan=plan)
        rounds.advance_round(actor=officer, round=found, name="open_feasibility")
    if found.phase == Phase.FEASIBILITY:
        for plan in Plan.objects.filter(round=found, status=PlanStatus.SUBMITTED).order_by("pk"):
            rounds.decide_feasibility(
                actor=officer, plan=plan, feasible=True, reason="Uitvoerbaar binnen een jaar."
            )
        rounds.advance_round(actor=officer, round=found, name="open_voting")
    return found


def _ensure_codes(round: Round, officer: User, demo: DemoRound, number: int) -> list[str]:
    """The register holds `number` demo residents, each with their fixed stemcode; returns the codes."""
    wanted = [demo_code(demo.slug, n) for n in range(1, number + 1)]
    missing = [c for c in wanted if not VoterCode.objects.filter(code_hash=codes.code_hash(c)).exists()]
    if not missing:
        return wanted
    postcode = {"geuzenveld": "1067AB", "nieuw-west": "1064AB"}[demo.area]
    lines = ["naam;adres;postcode;huisnummer;woonplaats;geboortedatum"]
    lines += [
        f"Demobewoner {n};Demostraat {n};{postcode};{n};Amsterdam;1980-05-17" for n in range(1, number + 1)
    ]
    plan, _added = voting.import_register(
        actor=officer, round=round, file=io.StringIO("\n".join(lines) + "\n")
    )
    if not plan.ok:  # pragma: no cover - the demo register is valid
        raise RuntimeError(f"demo register refused: {plan.errors}")
    entries = {e.name: e for e in RegisterEntry.objects.filter(round=round, name__startswith="Demobewoner ")}
    # Demo codes are chosen, not drawn at random, so there is no letter run; recorded like one.
    with transaction.atomic(durable=True):
        created = 0
        for n, code in enumerate(wanted, start=1):
            if code in missing:
                VoterCode.objects.create(
                    round=round, entry=entries[f"Demobewoner {n}"], code_hash=codes.code_hash(code)
                )
                created += 1
        audit.record(
            actor=officer,
            action="voting.letters.produce",
            municipality=round.municipality,
            obj=round,
            details={"codes": created, "demo": True},
        )
    return wanted


def _has_voted(round: Round, code: str) -> bool:
    return Ballot.objects.filter(round=round, token=codes.ballot_token(round.pk, code)).exists()


def _ensure_pabulib_round(municipality: Municipality, officer: User, note: Callable[[str], None]) -> None:
    path = PABULIB_DIR / PABULIB_FILE
    if Round.objects.filter(municipality=municipality, slug__startswith="pabulib-179-").exists():
        return
    if not path.is_file():
        note(f"No pabulib round: {path} is missing / geen pabulib-ronde: {path} ontbreekt.")
        return
    area = Area.objects.get(municipality=municipality, slug=PABULIB_AREA)
    try:
        import_pabulib(
            actor=officer, municipality=municipality, area=area, text=path.read_text(encoding="utf-8-sig")
        )
    except PabulibImportError as error:  # pragma: no cover - the shared file is valid
        note(f"No pabulib round: {error}")
