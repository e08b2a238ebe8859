"""Reader and writer for the pabulib file format (https://pabulib.org/format).

A file has three sections, META, PROJECTS and VOTES, each a `;`-separated table with a header row. Cells may
be quoted with `"` (a quote inside is doubled); lists inside a cell (`vote`, `points`) are `,`-separated.
Lines may end in CRLF or LF. Errors name the 1-based line of the file and the problem.

A project listed twice in one ballot counts once (its first points count). Like pabutools, the reader
accepts a choose-1 ballot with more than one project; pabulib's checker reports those as data errors.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path

from buurtbudget.counting.model import VOTE_TYPES, Election, Project, Voter

_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
_SECTIONS = ("meta", "projects", "votes")


class PabulibError(ValueError):
    """A malformed pabulib file; `line` is the 1-based line number (0 when it concerns the whole file)."""

    def __init__(self, line: int, problem: str) -> None:
        self.line = line
        self.problem = problem
        super().__init__(f"line {line}: {problem}" if line else problem)


def parse_number(text: str, line: int, what: str) -> Decimal:
    raw = text.strip()
    if not _NUMBER.fullmatch(raw):
        raise PabulibError(line, f"{what} {raw!r} is not a number")
    return Decimal(raw.replace(",", "."))


def read_pabulib(path: str | Path) -> Election:
    """Read a pabulib file from disk (UTF-8, an optional byte-order mark is ignored)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return parse_pabulib(handle.read())


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"', strict=True)
    start = 1
    try:
        for row in reader:
            if row and (row[0].strip() or any(cell.strip() for cell in row)):
                yield start, row
            start = reader.line_num + 1
    except csv.Error as error:
        raise PabulibError(start, f"unreadable row, maybe an unclosed quote ({error})") from None


def _header(rows: Iterator[tuple[int, list[str]]], section: str, first: str, line: int) -> list[str]:
    try:
        header_line, header = next(rows)
    except StopIteration:
        raise PabulibError(line, f"section {section.upper()} has no header row") from None
    columns = [cell.strip() for cell in header]
    if columns[0].lower() != first:
        raise PabulibError(header_line, f"the {section.upper()} header must start with {first!r}")
    if len(set(columns)) != len(columns):
        raise PabulibError(header_line, f"the {section.upper()} header repeats a column")
    return columns


def parse_pabulib(text: str) -> Election:
    """Parse the text of a pabulib file into an Election; raise PabulibError naming the line on bad input."""
    if text.startswith("\ufeff"):
        text = text[1:]
    meta: dict[str, str] = {}
    projects: list[Project] = []
    voters: list[Voter] = []
    project_columns: list[str] = []
    vote_columns: list[str] = []
    seen: list[str] = []
    rows = _rows(text)
    section = ""
    project_ids: dict[str, Project] = {}
    voter_ids: set[str] = set()
    vote_reader: _VoteReader | None = None
    meta_lines: dict[str, int] = {}
    for line, row in rows:
        marker = row[0].strip().lower()
        if marker in _SECTIONS and all(not cell.strip() for cell in row[1:]):
            if marker in seen:
                raise PabulibError(line, f"section {marker.upper()} appears twice")
            expected = _SECTIONS[len(seen)]
            if marker != expected:
                raise PabulibError(line, f"expected section {expected.upper()}, found {marker.upper()}")
            seen.append(marker)
            section = marker
            if section == "meta":
                _header(rows, section, "key", line)
            elif section == "projects":
                _check_meta(meta, meta_lines, line)
                project_columns = _header(rows, section, "project_id", line)
                if "cost" not in project_columns:
                    raise PabulibError(line + 1, "the PROJECTS header has no 'cost' column")
            else:
                vote_columns = _header(rows, section, "voter_id", line)
                if "vote" not in vote_columns:
                    raise PabulibError(line + 1, "the VOTES header has no 'vote' column")
                vote_reader = _VoteReader(vote_columns, project_ids, meta["vote_type"])
            continue
        if section == "meta":
            key = row[0].strip()
            if len(row) < 2:
                raise PabulibError(line, f"META key {key!r} has no value")
            if key in meta:
                raise PabulibError(line, f"META key {key!r} appears twice")
            meta[key] = row[1].strip()
            meta_lines[key] = line
        elif section == "projects":
            project = _project(row, project_columns, line)
            if project.id in project_ids:
                raise PabulibError(line, f"project id {project.id!r} appears twice")
            project_ids[project.id] = project
            projects.append(project)
        elif section == "votes" and vote_reader is not None:
            voter = vote_reader.read(row, line)
            if voter.id in voter_ids:
                raise PabulibError(line, f"voter id {voter.id!r} appears twice")
            voter_ids.add(voter.id)
            voters.append(voter)
        else:
            raise PabulibError(line, "data before the META section")
    if len(seen) < 3:
        missing = ", ".join(name.upper() for name in _SECTIONS[len(seen) :])
        raise PabulibError(0, f"the file has no {missing} section")
    return Election(meta, projects, voters, project_columns, vote_columns)


def _check_meta(meta: dict[str, str], lines: dict[str, int], end: int) -> None:
    for key in ("budget", "vote_type"):
        if not meta.get(key):
            raise PabulibError(lines.get(key, end), f"META has no {key!r} (the section ends at line {end})")
    if meta["vote_type"] not in VOTE_TYPES:
        problem = f"vote_type {meta['vote_type']!r} is not one of {', '.join(VOTE_TYPES)}"
        raise PabulibError(lines["vote_type"], problem)
    if parse_number(meta["budget"], lines["budget"], "budget") < 0:
        raise PabulibError(lines["budget"], "the budget is negative")


def _cells(row: list[str], columns: list[str], line: int, section: str) -> list[str]:
    if len(row) > len(columns):
        raise PabulibError(line, f"{section} row has {len(row)} fields but the header has {len(columns)}")
    if len(row) < len(columns):
        row = row + [""] * (len(columns) - len(row))
    return [cell.strip() for cell in row]


def _project(row: list[str], columns: list[str], line: int) -> Project:
    cells = _cells(row, columns, line, "PROJECTS")
    if not cells[0]:
        raise PabulibError(line, "empty project_id")
    fields = dict(zip(columns[1:], cells[1:], strict=True))
    cost = parse_number(fields.pop("cost"), line, "cost")
    if cost < 0:
        raise PabulibError(line, f"cost of project {cells[0]!r} is negative")
    selected = fields.get("selected", "")
    if selected and selected not in ("0", "1", "2", "3"):
        raise PabulibError(line, f"selected {selected!r} is not 0, 1, 2 or 3")
    return Project(cells[0], cost, fields)


class _VoteReader:
    """Reads VOTES rows; the hot loop of the reader, so it avoids per-row dictionaries where it can."""

    def __init__(self, columns: list[str], projects: dict[str, Project], vote_type: str) -> None:
        self.columns = columns
        self.projects = projects
        self.vote_type = vote_type
        self.vote_at = columns.index("vote")
        self.points_at = columns.index("points") if "points" in columns else -1
        self.extra = [(i, c) for i, c in enumerate(columns) if i and c not in ("vote", "points")]

    def read(self, row: list[str], line: int) -> Voter:
        if len(row) != len(self.columns):
            row = _cells(row, self.columns, line, "VOTES")
        voter_id = row[0].strip()
        if not voter_id:
            raise PabulibError(line, "empty voter_id")
        ids = [item.strip() for item in row[self.vote_at].split(",")]
        if "" in ids:
            ids = [item for item in ids if item]
        raw_points = row[self.points_at].strip() if self.points_at >= 0 else None
        fields = {column: row[i].strip() for i, column in self.extra}
        if not raw_points and self.vote_type != "cumulative":
            vote = tuple(dict.fromkeys(ids))  # a repeated project counts once
            self._check_known(vote, voter_id, line)
            return Voter(voter_id, vote, None, fields)
        points = [item.strip() for item in raw_points.split(",")] if raw_points else []
        if len(points) != len(ids):
            raise PabulibError(line, f"voter {voter_id!r} has {len(points)} points for {len(ids)} projects")
        self._check_known(ids, voter_id, line)
        kept: dict[str, Decimal] = {}
        for project_id, point in zip(ids, points, strict=True):
            if project_id not in kept:  # a repeated project counts once
                kept[project_id] = parse_number(point, line, "points")
        return Voter(voter_id, tuple(kept), tuple(kept.values()), fields)

    def _check_known(self, ids: tuple[str, ...] | list[str], voter_id: str, line: int) -> None:
        for project_id in ids:
            if project_id not in self.projects:
                raise PabulibError(line, f"voter {voter_id!r} votes for unknown project {project_id!r}")


def write_pabulib(election: Election) -> str:
    """Render an Election as pabulib text (LF line ends); `parse_pabulib` gives back an equal Election."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quotechar='"', lineterminator="\n")
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    for key, value in election.meta.items():
        writer.writerow([key, value])
    project_columns = election.project_columns or _columns(
        ["project_id", "cost"], (p.fields for p in election.projects)
    )
    writer.writerow(["PROJECTS"])
    writer.writerow(project_columns)
    for project in election.projects:
        _check_id(project.id, "project")
        values = {"project_id": project.id, "cost": str(project.cost), **project.fields}
        writer.writerow([values.get(column, "") for column in project_columns])
    has_points = any(voter.points is not None for voter in election.voters)
    vote_columns = election.vote_columns or _columns(
        ["voter_id", "vote"] + (["points"] if has_points else []), (v.fields for v in election.voters)
    )
    writer.writerow(["VOTES"])
    writer.writerow(vote_columns)
    for voter in election.voters:
        _check_id(voter.id, "voter")
        values = {"voter_id": voter.id, "vote": ",".join(voter.vote), **voter.fields}
        if voter.points is not None:
            values["points"] = ",".join(str(point) for point in voter.points)
        writer.writerow([values.get(column, "") for column in vote_columns])
    return out.getvalue()


def _columns(first: list[str], rows: Iterable[dict[str, str]]) -> list[str]:
    columns = list(first)
    for fields in rows:
        for key in fields:
            if key not in columns:
                columns.append(key)
    return columns


def _check_id(value: str, what: str) -> None:
    if not value or value != value.strip() or "," in value:
        raise ValueError(f"{what} id {value!r} cannot be written: empty, padded or containing ','")
