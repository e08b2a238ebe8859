"""Reading an area CSV file into a plan: every row checked, nothing written.

Format (header row required, `;` or `,` between columns, Dutch or English column and level names):

    niveau;naam;ouder;code;postcode_van;postcode_tot;huisnummer_van;huisnummer_tot
    stadsdeel;Centrum;;;;;;
    wijk;Burgwallen;Centrum;A00;;;;
    buurt;Kop Zeedijk;Burgwallen;A00a;1011AB;1011AZ;;
    buurt;Kop Zeedijk;Burgwallen;A00a;1012AA;1012AA;1;49

One row per postcode range; several rows may name the same area. An area is known by its level and name;
`ouder` names the parent (one level up), defined earlier in the file or already existing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from buurtbudget.tenancy.models import Municipality

from .models import PARENT_LEVEL, Area, AreaLevel, PostcodeRange
from .postcodes import clean_postcode_range

COLUMNS = [
    "niveau",
    "naam",
    "ouder",
    "code",
    "postcode_van",
    "postcode_tot",
    "huisnummer_van",
    "huisnummer_tot",
]
ENGLISH_COLUMNS = {
    "level": "niveau",
    "name": "naam",
    "parent": "ouder",
    "postcode_from": "postcode_van",
    "postcode_to": "postcode_tot",
    "house_number_from": "huisnummer_van",
    "house_number_to": "huisnummer_tot",
}
LEVEL_NAMES = {
    "stadsdeel": AreaLevel.DISTRICT,
    "district": AreaLevel.DISTRICT,
    "wijk": AreaLevel.NEIGHBOURHOOD,
    "neighbourhood": AreaLevel.NEIGHBOURHOOD,
    "neighborhood": AreaLevel.NEIGHBOURHOOD,
    "buurt": AreaLevel.BUURT,
}
MAX_ROWS = 20_000

EXAMPLE_CSV = (
    ";".join(COLUMNS)
    + "\nstadsdeel;Centrum;;;;;;\nwijk;Burgwallen;Centrum;A00;;;;\n"
    + "buurt;Kop Zeedijk;Burgwallen;A00a;1011AB;1011AZ;;\n"
    + "buurt;Kop Zeedijk;Burgwallen;A00a;1012AA;1012AA;1;49\n"
    + "buurt;Oude Kerk;Burgwallen;A00b;1012AA;1012AA;51;199\n"
)

AreaKey = tuple[str, str]  # (level, casefolded name): how the file names an area


@dataclass(frozen=True)
class RowError:
    line: int
    message: str


@dataclass
class AreaImportResult:
    errors: list[RowError] = field(default_factory=list)
    areas_created: int = 0
    areas_existing: int = 0
    ranges_created: int = 0
    ranges_existing: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        return {
            "areas_created": self.areas_created,
            "areas_existing": self.areas_existing,
            "ranges_created": self.ranges_created,
            "ranges_existing": self.ranges_existing,
        }


@dataclass
class PlannedArea:
    key: AreaKey
    level: str
    name: str
    code: str
    parent_key: AreaKey | None
    existing_parent: Area | None


@dataclass
class PlannedRange:
    area_key: AreaKey
    existing_area: Area | None
    postcode_from: str
    postcode_to: str
    house_number_from: int | None
    house_number_to: int | None


@dataclass
class ImportPlan:
    result: AreaImportResult
    new_areas: list[PlannedArea] = field(default_factory=list)
    new_ranges: list[PlannedRange] = field(default_factory=list)


def _text(file: IO[str] | IO[bytes]) -> str:
    raw: Any = file.read()
    if isinstance(raw, bytes):
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Spreadsheets on Dutch Windows machines still save CSV as Windows-1252.
            return raw.decode("cp1252", errors="replace")
    return str(raw).lstrip("\ufeff")


def _number(value: str, label: str) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise ValidationError(
            _("%(label)s '%(value)s' is not a number.") % {"label": label, "value": value}
        ) from None


class _Planner:
    def __init__(self, municipality: Municipality) -> None:
        self.plan = ImportPlan(result=AreaImportResult())
        self.existing: dict[AreaKey, list[Area]] = {}
        self.by_id: dict[int, Area] = {}
        for area in Area.objects.filter(municipality=municipality):
            self.by_id[area.pk] = area
            self.existing.setdefault((area.level, area.name.casefold()), []).append(area)
        self.existing_ranges = set(
            PostcodeRange.objects.filter(area__municipality=municipality).values_list(
                "area_id", "postcode_from", "postcode_to", "house_number_from", "house_number_to"
            )
        )
        self.planned: dict[AreaKey, PlannedArea] = {}
        self.seen_ranges: set[tuple[AreaKey, str, str, int | None, int | None]] = set()
        self.seen_existing: set[AreaKey] = set()

    def _existing_area(self, key: AreaKey) -> Area | None:
        matches = self.existing.get(key, [])
        if len(matches) > 1:
            raise ValidationError(_("Several areas are named '%(name)s'.") % {"name": matches[0].name})
        return matches[0] if matches else None

    def _parent_key(self, level: str, parent_name: str) -> tuple[AreaKey | None, Area | None]:
        expected = PARENT_LEVEL[AreaLevel(level)]
        if expected is None:
            if parent_name:
                raise ValidationError(_("A district has no parent; leave 'ouder' (parent) empty."))
            return None, None
        if not parent_name:
            raise ValidationError(
                _("Fill in as 'ouder' (parent) the %(parent)s this area lies in.")
                % {"parent": AreaLevel(expected).label}
            )
        key: AreaKey = (expected.value, parent_name.casefold())
        if key in self.planned:
            return key, None
        existing = self._existing_area(key)
        if existing is None:
            raise ValidationError(
                _("%(parent)s '%(name)s' does not exist and is not defined earlier in the file.")
                % {"parent": AreaLevel(expected).label, "name": parent_name}
            )
        return key, existing

    def row(self, values: dict[str, str]) -> None:
        level_name = values.get("niveau", "").casefold()
        if level_name not in LEVEL_NAMES:
            raise ValidationError(
                _("Unknown level '%(level)s'; use district, neighbourhood or buurt.")
                % {"level": values.get("niveau", "")}
            )
        level = LEVEL_NAMES[level_name].value
        name = values.get("naam", "")
        if not name:
            raise ValidationError(_("The area name is missing."))
        if len(name) > 120:
            raise ValidationError(_("The name is longer than 120 characters."))
        code = values.get("code", "")
        if len(code) > 20:
            raise ValidationError(_("The code is longer than 20 characters."))
        parent_key, existing_parent = self._parent_key(level, values.get("ouder", ""))
        key: AreaKey = (level, name.casefold())
        existing = self.planned.get(key)
        existing_area = None if existing else self._existing_area(key)
        if existing is not None:
            if existing.parent_key != parent_key:
                raise ValidationError(
                    _("'%(name)s' appears earlier in the file with another parent.") % {"name": name}
                )
        elif existing_area is not None:
            actual_parent = self.by_id.get(existing_area.parent_id) if existing_area.parent_id else None
            actual_key = (actual_parent.level, actual_parent.name.casefold()) if actual_parent else None
            if actual_key != parent_key:
                raise ValidationError(_("'%(name)s' already exists, but in another area.") % {"name": name})
            if key not in self.seen_existing:
                self.seen_existing.add(key)
                self.plan.result.areas_existing += 1
        else:
            self.planned[key] = PlannedArea(key, level, name, code, parent_key, existing_parent)
            self.plan.new_areas.append(self.planned[key])
            self.plan.result.areas_created += 1
        self._range(key, existing_area, values)

    def _range(self, key: AreaKey, existing_area: Area | None, values: dict[str, str]) -> None:
        fields = ("postcode_van", "postcode_tot", "huisnummer_van", "huisnummer_tot")
        if not any(values.get(name) for name in fields):
            return  # a row that only defines an area
        if not values.get("postcode_van"):
            raise ValidationError(_("The first postcode is missing."))
        hn_from = _number(values.get("huisnummer_van", ""), "huisnummer_van")
        hn_to = _number(values.get("huisnummer_tot", ""), "huisnummer_tot")
        try:
            pc_from, pc_to = clean_postcode_range(
                postcode_from=values["postcode_van"],
                postcode_to=values.get("postcode_tot", ""),
                house_number_from=hn_from,
                house_number_to=hn_to,
            )
        except ValidationError as exc:
            raise ValidationError(" ".join(exc.messages)) from None
        signature = (key, pc_from, pc_to, hn_from, hn_to)
        if signature in self.seen_ranges:
            return  # the same range twice in one file counts once
        self.seen_ranges.add(signature)
        if (
            existing_area is not None
            and (existing_area.pk, pc_from, pc_to, hn_from, hn_to) in self.existing_ranges
        ):
            self.plan.result.ranges_existing += 1
            return
        self.plan.new_ranges.append(PlannedRange(key, existing_area, pc_from, pc_to, hn_from, hn_to))
        self.plan.result.ranges_created += 1


def plan_import(*, municipality: Municipality, file: IO[str] | IO[bytes]) -> ImportPlan:
    planner = _Planner(municipality)
    errors = planner.plan.result.errors
    text = _text(file)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [ENGLISH_COLUMNS.get(h.strip().casefold(), h.strip().casefold()) for h in next(reader, [])]
    missing = [name for name in ("niveau", "naam") if name not in header]
    unknown = [name for name in header if name and name not in COLUMNS]
    if missing or unknown:
        errors.append(
            RowError(
                1,
                _("The header row must hold the columns %(columns)s.") % {"columns": ";".join(COLUMNS)},
            )
        )
        return planner.plan
    rows = 0
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        rows += 1
        if rows > MAX_ROWS:
            errors.append(RowError(line, _("Too many rows (at most %(max)d).") % {"max": MAX_ROWS}))
            break
        if len(cells) > len(header):
            errors.append(RowError(line, _("More columns than the header row.")))
            continue
        values = {name: cell.strip() for name, cell in zip(header, cells, strict=False)}
        try:
            planner.row(values)
        except ValidationError as exc:
            errors.append(RowError(line, " ".join(exc.messages)))
    if rows == 0 and not errors:
        errors.append(RowError(1, _("The file holds no areas.")))
    return planner.plan
