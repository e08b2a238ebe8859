"""Co-creation (model B): proposals, agreements, adoption into the scheme's rules, the append-only log and
who may take part."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction

from buurtbudget.audit.models import AuditEvent
from buurtbudget.cocreation import services
from buurtbudget.cocreation.models import LogEntry, ProposalKind, ProposalStatus
from buurtbudget.schemes.models import ProcessModel, SchemeRuleVersion
from buurtbudget.schemes.selectors import current_rule_version
from tests.factories import UserFactory
from tests.factories.community import budget_manager, cocreation_process, district_officer, scheme_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _rule_proposal(c, actor=None, value=1_500_000):  # type: ignore[no-untyped-def]
    return services.propose(
        actor=actor or c.officer,
        process=c.process,
        kind=ProposalKind.RULE,
        title="Hogere grens voor een wijkraadpleging",
        rule_key="consultation_threshold_cents",
        proposed_value=value,
    )


def test_a_rule_change_is_adopted_only_after_both_sides_agree() -> None:
    c = cocreation_process()
    scheme = c.process.scheme
    versions_before = SchemeRuleVersion.objects.filter(scheme=scheme).count()
    proposal = _rule_proposal(c)
    scheme.refresh_from_db()
    assert proposal.status == ProposalStatus.OPEN
    assert scheme.rule("consultation_threshold_cents") == 1_000_000

    services.respond(actor=c.representatives[0], proposal=proposal, agrees=True, comment="Prima")

    proposal.refresh_from_db()
    scheme.refresh_from_db()
    assert proposal.status == ProposalStatus.ADOPTED
    assert scheme.rule("consultation_threshold_cents") == 1_500_000
    version = current_rule_version(scheme)
    assert version is not None and version.rule("consultation_threshold_cents") == 1_500_000
    assert proposal.rule_version == version.number
    assert SchemeRuleVersion.objects.filter(scheme=scheme).count() == versions_before + 1


def test_a_disagreement_blocks_adoption() -> None:
    c = cocreation_process(representatives=2)
    proposal = _rule_proposal(c)
    services.respond(actor=c.representatives[0], proposal=proposal, agrees=False, comment="Te hoog")
    services.respond(actor=c.representatives[1], proposal=proposal, agrees=True)
    proposal.refresh_from_db()
    scheme = c.process.scheme
    scheme.refresh_from_db()
    assert proposal.status == ProposalStatus.OPEN
    assert scheme.rule("consultation_threshold_cents") == 1_000_000


def test_a_representative_proposal_needs_the_district() -> None:
    c = cocreation_process(representatives=1)
    proposal = services.propose(
        actor=c.representatives[0], process=c.process, kind=ProposalKind.THEME, title="Groen en spelen"
    )
    assert proposal.status == ProposalStatus.OPEN
    services.respond(actor=c.officer, proposal=proposal, agrees=True)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ADOPTED and proposal.rule_version is None


def test_the_number_of_representatives_needed_is_configurable() -> None:
    scheme = scheme_of(ProcessModel.COCREATIE)
    manager = budget_manager(scheme.municipality)
    process = services.start_process(actor=manager, scheme=scheme, representative_agreements_needed=2)
    officer, a, b = UserFactory(), UserFactory(), UserFactory()
    services.add_participant(actor=manager, process=process, user=officer, side="district")
    services.add_participant(actor=manager, process=process, user=a, side="representative")
    services.add_participant(actor=manager, process=process, user=b, side="representative")
    proposal = services.propose(actor=officer, process=process, kind=ProposalKind.THEME, title="Veiligheid")
    services.respond(actor=a, proposal=proposal, agrees=True)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.OPEN
    services.respond(actor=b, proposal=proposal, agrees=True)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ADOPTED


@pytest.mark.parametrize(
    ("rule_key", "value", "message"),
    [
        ("no_such_rule", 5, "no rule called"),
        ("support_party_cap_percent", 150, "cannot be used"),
        ("consultation_threshold_cents", 1_000_000, "already has that value"),
    ],
)
def test_a_rule_proposal_is_checked_against_the_schemes_rules(
    rule_key: str, value: int, message: str
) -> None:
    c = cocreation_process()
    with pytest.raises(services.CoCreationError, match=message):
        services.propose(
            actor=c.officer,
            process=c.process,
            kind=ProposalKind.RULE,
            title="x",
            rule_key=rule_key,
            proposed_value=value,
        )
    assert not c.process.proposals.exists()


def test_a_phase_needs_ordered_dates() -> None:
    c = cocreation_process()
    with pytest.raises(services.CoCreationError, match="end date"):
        services.propose(
            actor=c.officer,
            process=c.process,
            kind=ProposalKind.PHASE,
            title="Ideeën",
            starts_on=dt.date(2026, 5, 1),
            ends_on=dt.date(2026, 4, 1),
        )


def test_disagreeing_needs_a_comment_and_answers_are_final() -> None:
    c = cocreation_process(representatives=2)
    proposal = _rule_proposal(c)
    with pytest.raises(services.CoCreationError, match="why you disagree"):
        services.respond(actor=c.representatives[0], proposal=proposal, agrees=False)
    services.respond(actor=c.representatives[0], proposal=proposal, agrees=False, comment="Nee")
    with pytest.raises(services.CoCreationError, match="already responded"):
        services.respond(actor=c.representatives[0], proposal=proposal, agrees=True)


def test_only_participants_propose_and_agree() -> None:
    c = cocreation_process()
    # A district officer of the same municipality who was not added, someone from another municipality, a
    # resident without a role.
    outsider_same_town = district_officer(c.process.municipality)
    other_town_officer = district_officer(scheme_of(ProcessModel.COCREATIE).municipality)
    for outsider in (outsider_same_town, other_town_officer, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.propose(actor=outsider, process=c.process, kind=ProposalKind.THEME, title="x")
    proposal = _rule_proposal(c)
    with pytest.raises(PermissionDenied):
        services.respond(actor=other_town_officer, proposal=proposal, agrees=True)
    other_manager = budget_manager(scheme_of(ProcessModel.COCREATIE).municipality)
    with pytest.raises(PermissionDenied):
        services.add_participant(actor=other_manager, process=c.process, user=UserFactory(), side="district")


def test_a_voucher_scheme_cannot_be_co_created() -> None:
    scheme = scheme_of(ProcessModel.VOUCHER)
    with pytest.raises(services.CoCreationError):
        services.start_process(actor=budget_manager(scheme.municipality), scheme=scheme)


def test_every_step_is_logged_and_audited() -> None:
    c = cocreation_process(representatives=1)
    proposal = _rule_proposal(c)
    services.respond(actor=c.representatives[0], proposal=proposal, agrees=True, comment="Goed")
    events = list(LogEntry.objects.filter(process=c.process).values_list("event", flat=True))
    assert events == ["started", "joined", "joined", "proposed", "agreed", "adopted"]
    actions = set(
        AuditEvent.objects.filter(action__startswith="cocreation.").values_list("action", flat=True)
    )
    assert {
        "cocreation.start",
        "cocreation.participant_added",
        "cocreation.propose",
        "cocreation.respond",
        "cocreation.adopt",
    } <= actions


@pytest.mark.postgres
def test_the_log_is_append_only_in_the_database() -> None:
    c = cocreation_process(representatives=1)
    entry = LogEntry.objects.filter(process=c.process).first()
    assert entry is not None
    with pytest.raises(DatabaseError), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).update(summary="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).delete()
