"""A compiled view of an election for the counting rules.

Voters with the same set of supported projects behave identically under every rule here, so they are merged
into weighted groups. Projects are indexed in file order; costs are exact Fractions (and floats for speed).
"""

from __future__ import annotations

import gc
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from buurtbudget.counting.model import Election

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(slots=True)
class Profile:
    election: Election
    ids: list[str]
    costs: list[Fraction]
    cost_float: FloatArray
    budget: Fraction
    n_voters: int
    group_weight: IntArray  # voters per group
    voter_group: IntArray  # group of each voter, in file order
    group_ptr: IntArray  # CSR: projects of group g are group_projects[group_ptr[g]:group_ptr[g + 1]]
    group_projects: IntArray
    project_ptr: IntArray  # CSR: supporter groups of project p are project_groups[project_ptr[p]:...]
    project_groups: IntArray
    support: IntArray  # voters supporting each project

    @property
    def n_projects(self) -> int:
        return len(self.ids)

    def supporters(self, project: int) -> IntArray:
        return self.project_groups[self.project_ptr[project] : self.project_ptr[project + 1]]

    def groups_of_voters(self) -> list[list[int]]:
        members: list[list[int]] = [[] for _ in range(len(self.group_weight))]
        for voter, group in enumerate(self.voter_group.tolist()):
            members[group].append(voter)
        return members


def compile_profile(election: Election) -> Profile:
    ids = [project.id for project in election.projects]
    index = {project_id: i for i, project_id in enumerate(ids)}
    collecting = gc.isenabled()
    gc.disable()  # a large election is millions of objects: a cyclic collection per batch of new ones is waste
    try:
        voter_group, group_weight, keys = _group_ballots(election, index)
    finally:
        if collecting:
            gc.enable()
    sizes = np.fromiter((len(key) for key in keys), dtype=np.int64, count=len(keys))
    group_ptr = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum(sizes, out=group_ptr[1:])
    group_projects = np.fromiter((p for key in keys for p in key), dtype=np.int64, count=int(group_ptr[-1]))
    owner = np.repeat(np.arange(len(keys), dtype=np.int64), sizes)
    order = np.argsort(group_projects, kind="stable")
    project_groups = owner[order]
    counts = np.bincount(group_projects, minlength=len(ids)).astype(np.int64)
    project_ptr = np.zeros(len(ids) + 1, dtype=np.int64)
    np.cumsum(counts, out=project_ptr[1:])
    support = np.bincount(group_projects, weights=group_weight[owner], minlength=len(ids))
    costs = [Fraction(project.cost) for project in election.projects]
    return Profile(
        election=election,
        ids=ids,
        costs=costs,
        cost_float=np.array([float(c) for c in costs], dtype=np.float64),
        budget=election.budget_fraction,
        n_voters=len(election.voters),
        group_weight=group_weight,
        voter_group=voter_group,
        group_ptr=group_ptr,
        group_projects=group_projects,
        project_ptr=project_ptr,
        project_groups=project_groups,
        support=np.rint(support).astype(np.int64),
    )


PADDED_LIMIT = 20_000_000  # cells of the voters x longest-ballot table; beyond it, group in Python


def _group_ballots(
    election: Election, index: dict[str, int]
) -> tuple[IntArray, IntArray, list[tuple[int, ...]]]:
    """Merge voters with the same set of projects: each voter's group, the voters per group and each
    group's sorted project indices, groups in order of first appearance."""
    voters = election.voters
    n = len(voters)
    lengths = np.fromiter((len(voter.vote) for voter in voters), dtype=np.int64, count=n)
    width = int(lengths.max()) if n else 0
    if width == 0 or n * width > PADDED_LIMIT:
        return _group_ballots_slowly(election, index)
    flat = np.fromiter(
        (index[project_id] for voter in voters for project_id in voter.vote),
        dtype=np.int64,
        count=int(lengths.sum()),
    )
    rows = np.repeat(np.arange(n, dtype=np.int64), lengths)
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    table = np.full((n, width), -1, dtype=np.int64)  # -1 pads shorter ballots (and sorts first)
    table[rows, np.arange(len(flat), dtype=np.int64) - starts[rows]] = flat
    table.sort(axis=1)
    # equal ballots next to each other (lexsort is much faster than np.unique on rows), then number them
    order = np.lexsort(table.T[::-1])
    ordered = table[order]
    new_group = np.ones(n, dtype=bool)
    new_group[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
    sorted_group = np.cumsum(new_group) - 1
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = sorted_group
    heads = np.flatnonzero(new_group)
    unique = ordered[heads]
    counts = np.diff(np.append(heads, n))
    first = order[heads]  # lexsort is stable: a group's first voter heads it
    appearance = np.argsort(first, kind="stable")  # number groups in order of first appearance
    renumber = np.empty(len(appearance), dtype=np.int64)
    renumber[appearance] = np.arange(len(appearance), dtype=np.int64)
    pads = (unique[appearance] < 0).sum(axis=1).tolist()
    keys = [tuple(row[pad:]) for row, pad in zip(unique[appearance].tolist(), pads, strict=True)]
    return renumber[inverse], counts[appearance].astype(np.int64), keys


def _group_ballots_slowly(
    election: Election, index: dict[str, int]
) -> tuple[IntArray, IntArray, list[tuple[int, ...]]]:
    groups: dict[tuple[int, ...], int] = {}
    voter_group = np.empty(len(election.voters), dtype=np.int64)
    weights: list[int] = []
    for v, voter in enumerate(election.voters):
        key = tuple(sorted([index[project_id] for project_id in voter.vote]))
        g = groups.get(key)
        if g is None:
            g = groups[key] = len(weights)
            weights.append(0)
        weights[g] += 1
        voter_group[v] = g
    return voter_group, np.array(weights, dtype=np.int64), list(groups)
