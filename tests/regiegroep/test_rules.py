"""The quorum and the checklist are pure rules: checked here without a database."""

import pytest

from buurtbudget.regiegroep.rules import checklist, quorum, quorum_needed
from buurtbudget.schemes.models import DEFAULT_RULES


@pytest.mark.parametrize(("members", "needed"), [(1, 1), (2, 2), (3, 2), (4, 3), (5, 3), (6, 4), (7, 4)])
def test_default_quorum_is_a_majority_of_the_members(members: int, needed: int) -> None:
    assert quorum_needed(members) == needed
    assert quorum_needed(members, "majority") == needed


def test_a_scheme_can_set_two_thirds_or_a_fixed_number() -> None:
    assert quorum_needed(6, "two_thirds") == 4
    assert quorum_needed(7, "two_thirds") == 5
    assert quorum_needed(9, 3) == 3
    with pytest.raises(ValueError):
        quorum_needed(5, "most")


def test_recused_members_do_not_count_towards_the_quorum() -> None:
    members = [1, 2, 3, 4, 5]
    assert quorum(member_ids=members, present_ids=[1, 2, 3], recused_ids=[]).reached
    with_interest = quorum(member_ids=members, present_ids=[1, 2, 3], recused_ids=[3])
    assert with_interest.voters == {1, 2}
    assert with_interest.needed == 3
    assert not with_interest.reached


def test_guests_who_are_not_members_do_not_count() -> None:
    result = quorum(member_ids=[1, 2, 3], present_ids=[1, 98, 99], recused_ids=[])
    assert result.voters == {1}
    assert not result.reached


def test_the_checklist_follows_the_rule_version() -> None:
    items = checklist({**DEFAULT_RULES, "voucher_max_cents": 500_000})
    keys = [item.key for item in items]
    assert {"area", "amount", "excluded_purposes", "fees", "support_party", "execution"} <= set(keys)
    amount = next(item for item in items if item.key == "amount")
    assert "5.000,00" in amount.label


def test_a_scheme_can_set_its_own_checklist() -> None:
    items = checklist(
        {**DEFAULT_RULES, "assessment_checklist": ["Is het duurzaam?", {"key": "safe", "label": "Veilig"}]}
    )
    assert [(i.key, i.label) for i in items] == [("item_1", "Is het duurzaam?"), ("safe", "Veilig")]
