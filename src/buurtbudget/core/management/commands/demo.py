"""`buurtbudget demo`: load the demo municipalities, areas and log-ins; running it again adds nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from buurtbudget.accounts import services as accounts_services
from buurtbudget.accounts.models import Role
from buurtbudget.areas import services as area_services
from buurtbudget.areas.models import Area, PostcodeRange
from buurtbudget.core.demo import data
from buurtbudget.core.demo.models_b_c import ensure_demo_models_b_and_c
from buurtbudget.core.demo.people import ensure_demo_user
from buurtbudget.core.demo.rounds import ensure_demo_rounds
from buurtbudget.core.demo.vouchers import ensure_demo_vouchers
from buurtbudget.tenancy import services as tenancy_services
from buurtbudget.tenancy.models import Municipality


class Command(BaseCommand):
    help = "Loads the demo: Amsterdam and Utrecht with their areas and a verified log-in per role."

    def handle(self, *args: Any, **options: Any) -> None:
        municipalities = {m.slug: self._municipality(m) for m in data.MUNICIPALITIES}
        areas: dict[tuple[str, str], Area] = {}
        for demo in data.MUNICIPALITIES:
            for demo_area in demo.areas:
                areas[(demo.slug, demo_area.slug)] = self._area(municipalities[demo.slug], demo_area, areas)
        rows = []
        for person in data.PEOPLE:
            municipality = municipalities[person.municipality]
            area = areas[(person.municipality, person.area)] if person.area else None
            user = ensure_demo_user(
                email=person.email,
                name=person.name,
                password=data.DEMO_PASSWORD,
                postcode=person.postcode,
                house_number=person.house_number,
            )
            if person.role:
                accounts_services.assign_role(
                    actor=None, user=user, role=person.role, municipality=municipality, area=area
                )
            scope = f"{municipality.name} / {area.name}" if area else municipality.name
            role_label = str(Role(person.role).label) if person.role else person.note
            rows.append((person.email, role_label, scope, data.DEMO_PASSWORD))
        rows += ensure_demo_rounds(municipalities["amsterdam"], self.stdout.write)  # issue 6 part 8
        ensure_demo_models_b_and_c(municipalities["amsterdam"], self.stdout.write)  # issue 6 parts 6-8
        ensure_demo_vouchers(municipalities["utrecht"], self.stdout.write)  # issue 5
        self._print_table(rows)

    def _municipality(self, demo: data.DemoMunicipality) -> Municipality:
        existing = Municipality.objects.filter(slug=demo.slug).first()
        if existing is not None:
            return existing
        return tenancy_services.create_municipality(
            actor=None,
            name=demo.name,
            slug=demo.slug,
            primary_colour=demo.primary_colour,
            accent_colour=demo.accent_colour,
            contact_email=demo.contact_email,
            contact_phone=demo.contact_phone,
            website=demo.website,
            address=demo.address,
        )

    def _area(
        self, municipality: Municipality, demo: data.DemoArea, known: dict[tuple[str, str], Area]
    ) -> Area:
        area = Area.objects.filter(municipality=municipality, slug=demo.slug).first()
        if area is None:
            area = area_services.create_area(
                actor=None,
                municipality=municipality,
                name=demo.name,
                level=demo.level,
                parent=known[(municipality.slug, demo.parent)] if demo.parent else None,
                slug=demo.slug,
            )
        for pc in demo.postcodes:
            already = PostcodeRange.objects.filter(
                area=area,
                postcode_from=pc.postcode_from,
                postcode_to=pc.postcode_to,
                house_number_from=pc.house_number_from,
                house_number_to=pc.house_number_to,
            ).exists()
            if not already:
                area_services.add_postcode_range(
                    actor=None,
                    area=area,
                    postcode_from=pc.postcode_from,
                    postcode_to=pc.postcode_to,
                    house_number_from=pc.house_number_from,
                    house_number_to=pc.house_number_to,
                )
        return area

    def _print_table(self, rows: list[tuple[str, str, str, str]]) -> None:
        header = ("e-mail", "rol / role", "gemeente / gebied", "wachtwoord / password")
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]

        def line(cells: tuple[str, str, str, str]) -> str:
            return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo klaar / demo ready: http://127.0.0.1:8000/"))
        self.stdout.write(line(header))
        self.stdout.write("  ".join("-" * w for w in widths))
        for row in rows:
            self.stdout.write(line(row))
