"""Reading a register extract (CSV) into a plan: every row checked, nothing written.

Columns (header row required, `;` or `,` between columns, Dutch or English names):

    naam;adres;postcode;huisnummer;woonplaats;geboortedatum;geheim
    J. de Vries;Zeedijk 12;1011AB;12;Amsterdam;2001-04-30;nee

`woonplaats` and `geheim` (confidential: ja/nee, yes/no, 1/0) may be left out. Birth dates as 2001-04-30 or
30-04-2001. Every address must lie in the round's area; the deepest area it lies in is stored with it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _

from buurtbudget.areas.models import Area, PostcodeRange
from buurtbudget.areas.postcodes import is_valid_postcode, normalise_postcode

COLUMNS = ["naam", "adres", "postcode", "huisnummer", "woonplaats", "geboortedatum", "geheim"]
REQUIRED = ["naam", "adres", "postcode", "huisnummer", "geboortedatum"]
ENGLISH = {
    "name": "naam",
    "address": "adres",
    "house_number": "huisnummer",
    "place": "woonplaats",
    "birth_date": "geboortedatum",
    "confidential": "geheim",
}
YES = {"ja", "j", "yes", "y", "1", "true", "waar", "x"}
NO = {"", "nee", "n", "no", "0", "false", "onwaar"}
MAX_ROWS = 200_000
EXAMPLE_CSV = (
    "naam;adres;postcode;huisnummer;woonplaats;geboortedatum;geheim\n"
    "J. de Vries;Zeedijk 12;1011AB;12;Amsterdam;2001-04-30;nee\n"
    "A. Yilmaz;Zeedijk 14;1011AB;14;Amsterdam;30-04-2010;nee\n"
)


@dataclass(frozen=True)
class RowError:
    line: int
    message: str


@dataclass(frozen=True)
class PlannedEntry:
    name: str
    address: str
    postcode: str
    house_number: int
    place: str
    birth_date: dt.date
    confidential: bool
    area_id: int


@dataclass
class RegisterPlan:
    entries: list[PlannedEntry] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(file: IO[str] | IO[bytes]) -> str:
    raw: Any = file.read()
    if isinstance(raw, bytes):
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return raw.decode("cp1252", errors="replace")
    return str(raw).lstrip("\ufeff")


def _date(value: str) -> dt.date:
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


class _AreaFinder:
    """The postcode ranges of the round's area and everything below it, in memory: one query."""

    def __init__(self, area: Area) -> None:
        self.ranges = list(
            PostcodeRange.objects.filter(area__path__startswith=area.path).values_list(
                "postcode_from",
                "postcode_to",
                "house_number_from",
                "house_number_to",
                "area_id",
                "area__path",
            )
        )

    def find(self, postcode: str, house_number: int) -> int | None:
        best: tuple[int, int] | None = None
        for pc_from, pc_to, hn_from, hn_to, area_id, path in self.ranges:
            if not pc_from <= postcode <= pc_to:
                continue
            if hn_from is not None and house_number < hn_from:
                continue
            if hn_to is not None and house_number > hn_to:
                continue
            depth = path.count("/")
            if best is None or depth > best[0]:
                best = (depth, area_id)
        return best[1] if best else None


def plan_register(*, area: Area, file: IO[str] | IO[bytes], today: dt.date) -> RegisterPlan:
    plan = RegisterPlan()
    text = _text(file)
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text), delimiter=";" if first.count(";") >= first.count(",") else ",")
    header = [ENGLISH.get(h.strip().casefold(), h.strip().casefold()) for h in next(reader, [])]
    if any(name not in header for name in REQUIRED) or any(h and h not in COLUMNS for h in header):
        plan.errors.append(
            RowError(
                1, _("The header row must hold the columns %(columns)s.") % {"columns": ";".join(COLUMNS)}
            )
        )
        return plan
    finder = _AreaFinder(area)
    seen: set[tuple[str, str, int, dt.date]] = set()
    rows = 0
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        rows += 1
        if rows > MAX_ROWS:
            plan.errors.append(RowError(line, _("Too many rows (at most %(max)d).") % {"max": MAX_ROWS}))
            break
        if len(cells) > len(header):
            plan.errors.append(RowError(line, _("This row has more columns than the header row.")))
            continue
        values = {name: cell.strip() for name, cell in zip(header, cells, strict=False)}
        problems: list[str] = []
        name, address = values.get("naam", ""), values.get("adres", "")
        if not name:
            problems.append(_("The name is missing."))
        if not address:
            problems.append(_("The address is missing."))
        if len(name) > 200 or len(address) > 200 or len(values.get("woonplaats", "")) > 100:
            problems.append(_("A value is too long."))
        postcode = normalise_postcode(values.get("postcode", ""))
        if not is_valid_postcode(postcode):
            problems.append(
                _("The postcode '%(value)s' is not valid; use 4 digits and 2 letters.")
                % {"value": values.get("postcode", "")}
            )
        number_text = values.get("huisnummer", "")
        house_number = int(number_text) if number_text.isdigit() and int(number_text) > 0 else None
        if house_number is None:
            problems.append(
                _("The house number '%(value)s' is not a number of 1 or more.") % {"value": number_text}
            )
        birth: dt.date | None = None
        try:
            birth = _date(values.get("geboortedatum", ""))
        except ValueError:
            problems.append(
                _("The birth date '%(value)s' is not a date like 2001-04-30.")
                % {"value": values.get("geboortedatum", "")}
            )
        if birth is not None and not dt.date(1900, 1, 1) <= birth <= today:
            problems.append(_("The birth date lies in the future or before 1900."))
        secret = values.get("geheim", "").casefold()
        if secret not in YES | NO:
            problems.append(_("Confidential must be 'ja' or 'nee'."))
        area_id = None
        if house_number is not None and is_valid_postcode(postcode):
            area_id = finder.find(postcode, house_number)
            if area_id is None:
                problems.append(
                    _("The address %(postcode)s %(number)d is not in %(area)s.")
                    % {"postcode": postcode, "number": house_number, "area": area.name}
                )
        if problems:
            plan.errors.append(RowError(line, " ".join(problems)))
            continue
        assert house_number is not None and birth is not None and area_id is not None
        key = (name.casefold(), postcode, house_number, birth)
        if key in seen:
            continue  # the same resident twice in one file counts once
        seen.add(key)
        plan.entries.append(
            PlannedEntry(
                name=name,
                address=address,
                postcode=postcode,
                house_number=house_number,
                place=values.get("woonplaats", ""),
                birth_date=birth,
                confidential=secret in YES,
                area_id=area_id,
            )
        )
    if rows == 0 and not plan.errors:
        plan.errors.append(RowError(1, _("The file holds no residents.")))
    return plan
