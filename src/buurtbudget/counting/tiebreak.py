"""Tie-breaking: when a rule finds plans exactly equal, the plan with the lowest rank wins.

`lexicographic` (the default, as pabutools: by id as a string), `file-order` (the order of the PROJECTS
section, as pabulib's checker sorts), `min-cost`, `max-cost`, `max-votes`; the last three fall back to the
lexicographic order. `equalshares` is the order of equalshares.net: lower cost, then more supporters, then id.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from buurtbudget.counting.profile import Profile

TIE_BREAKS = ("lexicographic", "file-order", "min-cost", "max-cost", "max-votes", "equalshares")


class UnknownTieBreak(ValueError):
    pass


def tie_ranks(profile: Profile, tie_break: str) -> list[int]:
    """rank[p] for every project index p; a lower rank wins a tie."""
    ids = profile.ids
    keys: dict[str, Callable[[int], tuple[Fraction | int | str, ...]]] = {
        "lexicographic": lambda p: (ids[p],),
        "file-order": lambda p: (p,),
        "min-cost": lambda p: (profile.costs[p], ids[p]),
        "max-cost": lambda p: (-profile.costs[p], ids[p]),
        "max-votes": lambda p: (-int(profile.support[p]), ids[p]),
        "equalshares": lambda p: (profile.costs[p], -int(profile.support[p]), ids[p]),
    }
    if tie_break not in keys:
        raise UnknownTieBreak(f"unknown tie-break {tie_break!r}; choose one of {', '.join(TIE_BREAKS)}")
    order = sorted(range(len(ids)), key=keys[tie_break])
    ranks = [0] * len(ids)
    for rank, p in enumerate(order):
        ranks[p] = rank
    return ranks
