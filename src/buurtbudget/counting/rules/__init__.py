"""The counting rules by name, with the ballot types each applies to."""

from __future__ import annotations

from buurtbudget.counting.model import VOTE_TYPES
from buurtbudget.counting.rules.base import Options, Rule, RuleError
from buurtbudget.counting.rules.greedy import GREEDY, REMAINDER, count_greedy, count_greedy_remainder
from buurtbudget.counting.rules.mes import (
    MES,
    MES_ADD1,
    MES_ADD1_GREEDY,
    count_mes,
    count_mes_add1,
    count_mes_add1_greedy,
)
from buurtbudget.counting.rules.official import OFFICIAL, count_official
from buurtbudget.counting.rules.phragmen import PHRAGMEN, count_phragmen

ALL = frozenset(VOTE_TYPES)
APPROVAL = frozenset({"approval", "choose-1"})

RULES: dict[str, Rule] = {
    rule.name: rule
    for rule in (
        Rule("greedy", GREEDY, ALL, count_greedy),
        Rule("mes", MES, ALL, count_mes),
        Rule("mes-add1", MES_ADD1, ALL, count_mes_add1),
        Rule("mes-add1-greedy", MES_ADD1_GREEDY, ALL, count_mes_add1_greedy),
        Rule("phragmen", PHRAGMEN, APPROVAL, count_phragmen),
        Rule("official", OFFICIAL, ALL, count_official),
        Rule("greedy-remainder", REMAINDER, ALL, count_greedy_remainder),
    )
}

__all__ = ["RULES", "Options", "Rule", "RuleError"]
