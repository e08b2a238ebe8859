"""`buurtbudget import_pabulib FILE --gemeente SLUG --gebied SLUG`: store a pabulib file as a closed round."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from buurtbudget.areas.models import Area
from buurtbudget.rounds.pabulib_io import PabulibImportError, import_pabulib
from buurtbudget.tenancy.models import Municipality


class Command(BaseCommand):
    help = (
        "Import a pabulib file as a closed round (execution phase) of an area: its projects become plans, "
        "its votes ballots, and the result is counted with greedy."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the .pb file")
        parser.add_argument("--gemeente", required=True, help="the municipality's slug")
        parser.add_argument("--gebied", required=True, help="the slug of the area the round belongs to")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = Municipality.objects.filter(slug=options["gemeente"]).first()
        if municipality is None:
            raise CommandError(f"No municipality with slug {options['gemeente']!r}.")
        area = Area.objects.filter(municipality=municipality, slug=options["gebied"]).first()
        if area is None:
            raise CommandError(f"No area with slug {options['gebied']!r} in {municipality.name}.")
        try:
            with open(options["file"], encoding="utf-8-sig", newline="") as handle:
                text = handle.read()
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error.strerror}") from error
        try:
            round = import_pabulib(actor=None, municipality=municipality, area=area, text=text)
        except PabulibImportError as error:
            raise CommandError(str(error)) from error
        result = round.result or {}
        self.stdout.write(
            f"Imported {round.name!r} as round {round.pk} ({round.slug}): {round.plans.count()} plans, "
            f"{result.get('ballots', 0)} ballots, {len(result.get('selected', []))} selected by greedy."
        )
