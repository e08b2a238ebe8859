"""A compiled view of an election for the counting rules.

Voters with the same set of supported projects behave identically under every rule here, so they are merged
into weighted groups. Projects are indexed in file order; costs are exact Fractions (and floats for speed).
"""

from __future__ import annotations

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
    sizes = np.fromiter((len(key) for key in groups), dtype=np.int64, count=len(groups))
    group_ptr = np.zeros(len(groups) + 1, dtype=np.int64)
    np.cumsum(sizes, out=group_ptr[1:])
    group_projects = np.fromiter((p for key in groups for p in key), dtype=np.int64, count=int(group_ptr[-1]))
    owner = np.repeat(np.arange(len(groups), dtype=np.int64), sizes)
    order = np.argsort(group_projects, kind="stable")
    project_groups = owner[order]
    counts = np.bincount(group_projects, minlength=len(ids)).astype(np.int64)
    project_ptr = np.zeros(len(ids) + 1, dtype=np.int64)
    np.cumsum(counts, out=project_ptr[1:])
    group_weight = np.array(weights, dtype=np.int64)
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
