"""The regiegroep's services: appointing, interests and recusal, assessments, quorum, deciding and awarding."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from buurtbudget.accounts.models import Role, RoleAssignment
from buurtbudget.audit.models import AuditEvent
from buurtbudget.consultations import services as consultations
from buurtbudget.initiatives.models import InitiativeStatus
from buurtbudget.regiegroep import services
from buurtbudget.regiegroep.models import Assessment, Decision, MemberRole, Membership, Outcome
from buurtbudget.vouchers import selectors as voucher_selectors
from buurtbudget.vouchers.models import Voucher
from tests.factories import UserFactory
from tests.factories.initiatives import resident, submitted_initiative
from tests.factories.regiegroep import all_yes, funded_voucher_scheme, meeting, steering_group
from tests.regiegroep.clock import frozen

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheme():  # type: ignore[no-untyped-def]
    return funded_voucher_scheme()


@pytest.fixture
def group(scheme):  # type: ignore[no-untyped-def]
    return steering_group(scheme, members=4)  # five members: a quorum is three


@pytest.fixture
def initiative(scheme):  # type: ignore[no-untyped-def]
    return submitted_initiative(scheme=scheme)


def _decide(group, at, initiative, outcome=Outcome.AWARD, actor=None, **kwargs):  # type: ignore[no-untyped-def]
    return services.decide(
        actor=actor or group.chair,
        meeting=at,
        initiative=initiative,
        outcome=outcome,
        reasons=kwargs.pop("reasons", "Goed plan voor de buurt; past binnen de regels."),
        **kwargs,
    )


# Appointing ---------------------------------------------------------------------------------------------


def test_the_budget_manager_appoints_members_and_a_chair_with_scoped_roles(scheme, group) -> None:  # type: ignore[no-untyped-def]
    memberships = Membership.objects.filter(group__scheme=scheme, ended_at__isnull=True)
    assert memberships.count() == 5
    assert memberships.get(role=MemberRole.CHAIR).user == group.chair
    role = RoleAssignment.objects.get(user=group.chair, role=Role.STEERING_CHAIR)
    assert (role.municipality, role.area) == (scheme.municipality, scheme.area)
    assert RoleAssignment.objects.filter(user__in=group.members, role=Role.STEERING_MEMBER).count() == 4
    assert AuditEvent.objects.filter(action="regiegroep.member.appointed").count() == 5


def test_a_group_has_one_chair(scheme, group) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="al een voorzitter"):
        services.appoint_member(
            actor=group.manager, scheme=scheme, user=group.members[0], role=MemberRole.CHAIR
        )
    assert Membership.objects.get(user=group.members[0], group__scheme=scheme).role == MemberRole.MEMBER


def test_only_a_budget_manager_of_this_municipality_appoints(scheme, group) -> None:  # type: ignore[no-untyped-def]
    other_manager = steering_group(funded_voucher_scheme(), members=0).manager
    for actor in (group.chair, other_manager):
        with pytest.raises(PermissionDenied):
            services.appoint_member(actor=actor, scheme=scheme, user=UserFactory())
    assert Membership.objects.filter(group__scheme=scheme).count() == 5


def test_a_chair_who_steps_down_or_a_member_who_leaves_loses_the_role(scheme, group, initiative) -> None:  # type: ignore[no-untyped-def]
    services.appoint_member(actor=group.manager, scheme=scheme, user=group.chair, role=MemberRole.MEMBER)
    roles = set(RoleAssignment.objects.filter(user=group.chair).values_list("role", flat=True))
    assert roles == {Role.STEERING_MEMBER}
    leaver = group.members[0]
    services.end_membership(actor=group.manager, membership=Membership.objects.get(user=leaver))
    assert not RoleAssignment.objects.filter(user=leaver).exists()
    with pytest.raises(PermissionDenied):
        services.assess(actor=leaver, initiative=initiative, answers=all_yes(initiative), advice="award")
    assert AuditEvent.objects.filter(action="regiegroep.member.ended").count() == 1


# Interests and assessments ------------------------------------------------------------------------------


def test_a_member_assesses_against_the_checklist_once_and_may_revise(group, initiative) -> None:  # type: ignore[no-untyped-def]
    member = group.members[0]
    services.assess(actor=member, initiative=initiative, answers=all_yes(initiative), advice="award")
    answers = {**all_yes(initiative), "amount": "unclear"}
    services.assess(
        actor=member, initiative=initiative, answers=answers, advice="changes", notes="Begroting?"
    )
    assessment = Assessment.objects.get(member=member, initiative=initiative)
    assert (assessment.advice, assessment.answers["amount"]) == ("changes", "unclear")
    assert AuditEvent.objects.filter(action="regiegroep.assessment.saved").count() == 2


def test_an_incomplete_checklist_is_refused(group, initiative) -> None:  # type: ignore[no-untyped-def]
    answers = all_yes(initiative)
    answers.pop("amount")
    with pytest.raises(ValidationError, match="Beantwoord alle vragen"):
        services.assess(actor=group.members[0], initiative=initiative, answers=answers, advice="award")
    assert not Assessment.objects.exists()


def test_declaring_an_interest_excludes_from_the_assessment_and_withdraws_one_made(group, initiative) -> None:  # type: ignore[no-untyped-def]
    member = group.members[0]
    services.assess(actor=member, initiative=initiative, answers=all_yes(initiative), advice="award")
    services.declare_interest(actor=member, initiative=initiative, reason="Mijn zus is de initiatiefnemer.")
    assert not Assessment.objects.filter(member=member).exists()
    with pytest.raises(PermissionDenied, match="belang gemeld"):
        services.assess(actor=member, initiative=initiative, answers=all_yes(initiative), advice="award")
    event = AuditEvent.objects.get(action="regiegroep.interest.declared")
    assert event.details["assessment_withdrawn"] is True and "zus" in event.details["reason"]


def test_an_interest_needs_a_reason(group, initiative) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        services.declare_interest(actor=group.members[0], initiative=initiative, reason="  ")


def test_non_members_and_members_elsewhere_cannot_assess(group, initiative) -> None:  # type: ignore[no-untyped-def]
    elsewhere = steering_group(funded_voucher_scheme(), members=1)
    for outsider in (UserFactory(), elsewhere.chair, elsewhere.members[0], group.manager):
        with pytest.raises(PermissionDenied):
            services.assess(
                actor=outsider, initiative=initiative, answers=all_yes(initiative), advice="award"
            )


# Deciding -----------------------------------------------------------------------------------------------


def test_award_issues_a_voucher_moves_the_initiative_and_publishes_the_decision(  # type: ignore[no-untyped-def]
    group, initiative, django_capture_on_commit_callbacks
) -> None:
    services.declare_interest(
        actor=group.members[3], initiative=initiative, reason="Buurman van de initiatiefnemer."
    )
    at = meeting(group, agenda=[initiative])
    with django_capture_on_commit_callbacks(execute=True):
        decision = _decide(
            group, at, initiative, outcome=Outcome.AWARD_CONDITIONS, conditions="Bonnetjes bewaren."
        )
    (letter,) = mail.outbox
    assert letter.to == [initiative.initiator.email] and "Bonnetjes bewaren." in letter.body

    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.IN_EXECUTION
    assert initiative.awarded_cents == 150_000
    voucher = Voucher.objects.get()
    assert decision.voucher == voucher
    assert (voucher.holder, voucher.amount_cents, voucher.conditions) == (
        initiative.initiator,
        150_000,
        "Bonnetjes bewaren.",
    )
    assert voucher_selectors.balance_cents(voucher) == 150_000
    assert decision.is_public and decision.rule_version == initiative.rule_version
    assert set(decision.recused.all()) == {group.members[3]}
    assert set(decision.voters.all()) == {group.chair, *group.members[:3]}
    actions = list(AuditEvent.objects.filter(object_id=str(initiative.pk)).values_list("action", flat=True))
    assert "initiatives.initiative.award" in actions and "initiatives.initiative.start_execution" in actions


def test_award_a_lower_amount(group, initiative) -> None:  # type: ignore[no-untyped-def]
    at = meeting(group, agenda=[initiative])
    with pytest.raises(ValidationError):
        _decide(group, at, initiative, outcome=Outcome.AWARD_LOWER, amount_cents=150_000)
    decision = _decide(group, at, initiative, outcome=Outcome.AWARD_LOWER, amount_cents=100_000)
    assert decision.voucher.amount_cents == 100_000
    initiative.refresh_from_db()
    assert initiative.awarded_cents == 100_000


def test_ask_for_changes_and_reject(group, scheme) -> None:  # type: ignore[no-untyped-def]
    first, second = submitted_initiative(scheme=scheme), submitted_initiative(scheme=scheme)
    at = meeting(group, agenda=[first, second])
    changes = _decide(group, at, first, outcome=Outcome.ASK_CHANGES, reasons="Begroting graag uitsplitsen.")
    rejected = _decide(group, at, second, outcome=Outcome.REJECT, reasons="Dit is een commercieel plan.")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (InitiativeStatus.CHANGES_REQUESTED, InitiativeStatus.REJECTED)
    assert not changes.is_public and rejected.is_public
    assert not Voucher.objects.exists()


def test_a_decision_needs_reasons(group, initiative) -> None:  # type: ignore[no-untyped-def]
    at = meeting(group, agenda=[initiative])
    with pytest.raises(ValidationError):
        _decide(group, at, initiative, reasons=" ")
    assert not Decision.objects.exists()


def test_no_decision_without_a_quorum(group, initiative) -> None:  # type: ignore[no-untyped-def]
    at = meeting(group, present=[group.chair, group.members[0]], agenda=[initiative])
    with pytest.raises(ValidationError, match="Geen quorum"):
        _decide(group, at, initiative)
    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.SUBMITTED
    assert not Decision.objects.exists() and not Voucher.objects.exists()


def test_recused_members_present_do_not_make_the_quorum(group, initiative) -> None:  # type: ignore[no-untyped-def]
    services.declare_interest(actor=group.members[1], initiative=initiative, reason="Ik woon naast de plek.")
    at = meeting(group, present=[group.chair, *group.members[:2]], agenda=[initiative])
    with pytest.raises(ValidationError, match="Geen quorum"):
        _decide(group, at, initiative)
    services.record_attendance(actor=group.chair, meeting=at, present=[group.chair, *group.members[:3]])
    assert _decide(group, at, initiative).outcome == Outcome.AWARD


def test_a_member_cannot_decide_on_an_initiative_they_declared_an_interest_in(group, initiative) -> None:  # type: ignore[no-untyped-def]
    services.declare_interest(
        actor=group.chair, initiative=initiative, reason="Ik ben lid van de vereniging."
    )
    at = meeting(group, agenda=[initiative])
    with pytest.raises(PermissionDenied, match="belang gemeld"):
        _decide(group, at, initiative)
    assert not Decision.objects.exists()
    # Another member present without an interest records the decision instead.
    decision = _decide(group, at, initiative, actor=group.members[0])
    assert group.chair not in decision.voters.all() and group.chair in decision.recused.all()


def test_staff_of_one_municipality_cannot_act_in_another(group, initiative) -> None:  # type: ignore[no-untyped-def]
    elsewhere = steering_group(funded_voucher_scheme(), members=2)
    foreign_initiative = submitted_initiative(scheme=elsewhere.scheme)
    at = meeting(group, agenda=[initiative])
    with pytest.raises(PermissionDenied):
        _decide(elsewhere, at, initiative, actor=elsewhere.chair)
    with pytest.raises(PermissionDenied):
        services.declare_interest(actor=elsewhere.chair, initiative=initiative, reason="x")
    with pytest.raises(ValidationError):
        services.set_agenda(actor=group.chair, meeting=at, initiatives=[foreign_initiative])
    with pytest.raises(PermissionDenied):
        services.extend_decision_term(actor=elsewhere.chair, initiative=initiative, reason="Drukte")
    assert not Decision.objects.exists()


def test_only_members_present_record_decisions_and_only_the_chair_runs_the_meeting(group, initiative) -> None:  # type: ignore[no-untyped-def]
    at = meeting(group, present=[group.chair, *group.members[:2]], agenda=[initiative])
    with pytest.raises(ValidationError, match="bij de vergadering zijn"):
        _decide(group, at, initiative, actor=group.members[3])
    with pytest.raises(PermissionDenied):
        services.save_minutes(actor=group.members[0], meeting=at, minutes="Notulen")
    with pytest.raises(ValidationError, match="Alleen leden"):
        services.record_attendance(actor=group.chair, meeting=at, present=[UserFactory()])


def test_an_initiative_not_on_the_agenda_is_not_decided(group, initiative) -> None:  # type: ignore[no-untyped-def]
    at = meeting(group, agenda=[])
    with pytest.raises(ValidationError, match="agenda"):
        _decide(group, at, initiative)


def test_an_initiative_is_decided_once(group, initiative) -> None:  # type: ignore[no-untyped-def]
    at = meeting(group, agenda=[initiative])
    _decide(group, at, initiative)
    with pytest.raises(ValidationError, match="al besloten"):
        _decide(group, at, initiative, outcome=Outcome.REJECT)
    assert Voucher.objects.count() == 1


def test_without_money_nothing_is_awarded(group) -> None:  # type: ignore[no-untyped-def]
    poor = funded_voucher_scheme(amount_cents=100_000, area=group.scheme.area)
    poor_group = steering_group(poor, members=2, manager=group.manager)
    initiative = submitted_initiative(scheme=poor)  # asks € 1.500, the scheme has € 1.000
    at = meeting(poor_group, agenda=[initiative])
    with pytest.raises(ValidationError, match="voucher kon niet worden uitgegeven"):
        _decide(poor_group, at, initiative)
    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.SUBMITTED
    assert not Decision.objects.exists() and not Voucher.objects.exists()


def test_a_failed_award_gives_the_money_back(group, initiative, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    at = meeting(group, agenda=[initiative])

    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("database went away")

    monkeypatch.setattr(services.initiatives, "apply_decision", broken)
    with pytest.raises(RuntimeError):
        _decide(group, at, initiative)
    voucher = Voucher.objects.get()
    assert voucher.status == "closed" and voucher_selectors.balance_cents(voucher) == 0
    assert not Decision.objects.exists()
    monkeypatch.undo()
    decision = _decide(group, at, initiative)
    assert decision.voucher != voucher and decision.voucher.status == "issued"


def test_a_losing_concurrent_award_leaves_the_winners_voucher_alone(group, initiative) -> None:  # type: ignore[no-untyped-def]
    # Two requests award the same initiative at once: both get the same voucher (same idempotency key); the
    # second then finds the initiative decided. Its clean-up must not cancel the voucher the first one holds.
    at = meeting(group, agenda=[initiative])
    decision = _decide(group, at, initiative)
    services._undo_voucher(actor=group.chair, voucher=decision.voucher)
    decision.voucher.refresh_from_db()
    assert decision.voucher.status == "issued"
    assert voucher_selectors.balance_cents(decision.voucher) == 150_000


# Consultation before deciding ---------------------------------------------------------------------------


def test_a_large_initiative_is_decided_only_after_its_consultation_is_published(group) -> None:  # type: ignore[no-untyped-def]
    scheme = group.scheme
    scheme_rules = {**scheme.rules, "voucher_max_cents": 2_000_000}
    big_scheme = funded_voucher_scheme(amount_cents=5_000_000, area=scheme.area, rules=scheme_rules)
    big_group = steering_group(big_scheme, members=2, manager=group.manager)
    big = submitted_initiative(
        scheme=big_scheme,
        lines=[{"description": "Speeltoestel", "amount_cents": 1_500_000, "kind": "materials"}],
    )
    at = meeting(big_group, agenda=[big])
    with pytest.raises(ValidationError, match="wijkraadpleging"):
        _decide(big_group, at, big)

    consultation = consultations.open_consultation(actor=big_group.chair, initiative=big)
    consultations.respond(resident=resident(), consultation=consultation, choice="for")
    with frozen(consultation.closes_on + dt.timedelta(days=1)):
        consultations.close_consultation(actor=big_group.chair, consultation=consultation)
    with pytest.raises(ValidationError, match="wijkraadpleging"):
        _decide(big_group, at, big)
    consultations.publish_outcome(
        actor=big_group.chair, consultation=consultation, summary="Eén bewoner is voor."
    )
    decision = _decide(big_group, at, big)
    assert decision.consultation == consultation
    assert decision.voucher.amount_cents == 1_500_000
