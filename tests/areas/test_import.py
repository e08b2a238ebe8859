import io

import pytest

from buurtbudget.areas import services
from buurtbudget.areas.importing import EXAMPLE_CSV
from buurtbudget.areas.models import Area, PostcodeRange
from buurtbudget.areas.selectors import areas_for_address
from buurtbudget.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

GOOD = """niveau;naam;ouder;code;postcode_van;postcode_tot;huisnummer_van;huisnummer_tot
stadsdeel;Noord;;N;;;;
wijk;Oost;Noord;N1;;;;
buurt;Vogeldorp;Oost;N1a;1021 ab;1021AZ;;
buurt;Vogeldorp;Oost;N1a;1022AA;1022AA;1;20
buurt;Tuindorp;Oost;N1b;1022AA;;21;
"""


def run(municipality, manager, text):  # type: ignore[no-untyped-def]
    return services.import_areas_csv(actor=manager, municipality=municipality, file=io.StringIO(text))


def test_import_builds_the_tree_with_ranges_and_one_audit_event(municipality, manager):  # type: ignore[no-untyped-def]
    result = run(municipality, manager, GOOD)
    assert result.ok, result.errors
    assert (result.areas_created, result.ranges_created) == (4, 3)
    assert [
        a.name for a in areas_for_address(postcode="1022AA", house_number=30, municipality=municipality)
    ] == [
        "Noord",
        "Oost",
        "Tuindorp",
    ]
    assert Area.objects.get(name="Vogeldorp").code == "N1a"
    event = AuditEvent.objects.get(action="areas.imported")
    assert event.details["areas_created"] == 4 and event.details["ranges_created"] == 3


def test_reimporting_the_same_file_creates_nothing_new(municipality, manager):  # type: ignore[no-untyped-def]
    run(municipality, manager, GOOD)
    areas, ranges = Area.objects.count(), PostcodeRange.objects.count()
    again = run(municipality, manager, GOOD)
    assert again.ok
    assert (again.areas_created, again.ranges_created) == (0, 0)
    assert (again.areas_existing, again.ranges_existing) == (4, 3)
    assert (Area.objects.count(), PostcodeRange.objects.count()) == (areas, ranges)


def test_file_with_two_bad_rows_reports_both_lines_and_writes_nothing(municipality, manager):  # type: ignore[no-untyped-def]
    bad = GOOD + "buurt;Zonder ouder;Bestaat niet;;1023AA;;;\nwijk;West;Noord;;1024AA;1023AA;;\n"
    counts = (Area.objects.count(), PostcodeRange.objects.count(), AuditEvent.objects.count())
    result = run(municipality, manager, bad)
    assert not result.ok
    assert [e.line for e in result.errors] == [7, 8]
    assert "Bestaat niet" in result.errors[0].message
    assert result.errors[1].message == "De laatste postcode ligt vóór de eerste."
    assert (Area.objects.count(), PostcodeRange.objects.count(), AuditEvent.objects.count()) == counts


def test_comma_delimiter_english_names_and_existing_parents(municipality, manager, tree):  # type: ignore[no-untyped-def]
    text = "level,name,parent,code,postcode_from,postcode_to,house_number_from,house_number_to\n"
    text += "neighborhood,Nieuwmarkt,Centrum,,,,,\nbuurt,Lastage,Nieuwmarkt,,1011 TA,1011TZ,,\n"
    result = services.import_areas_csv(
        actor=manager, municipality=municipality, file=io.BytesIO(text.encode())
    )
    assert result.ok, result.errors
    lastage = Area.objects.get(name="Lastage")
    assert lastage.parent.parent == tree["centrum"]
    assert lastage.path.startswith(tree["centrum"].path)


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ("dorp;X;;;;;;", "Onbekend niveau"),
        ("stadsdeel;;;;;;;", "naam ontbreekt"),
        ("stadsdeel;X;Y;;;;;", "geen ouder"),
        ("wijk;X;;;;;;", "ouder"),
        ("stadsdeel;X;;;1234AB;;een;", "geen getal"),
        ("stadsdeel;X;;;;1234AB;;", "eerste postcode ontbreekt"),
    ],
)
def test_each_bad_row_is_explained(municipality, manager, row, fragment):  # type: ignore[no-untyped-def]
    result = run(
        municipality,
        manager,
        "niveau;naam;ouder;code;postcode_van;postcode_tot;huisnummer_van;huisnummer_tot\n" + row,
    )
    assert [e.line for e in result.errors] == [2]
    assert fragment in result.errors[0].message
    assert not Area.objects.exists()


def test_wrong_header_is_reported_on_line_one(municipality, manager):  # type: ignore[no-untyped-def]
    result = run(municipality, manager, "soort;titel\nstadsdeel;X\n")
    assert [e.line for e in result.errors] == [1]


def test_example_file_imports_cleanly(municipality, manager):  # type: ignore[no-untyped-def]
    result = run(municipality, manager, EXAMPLE_CSV)
    assert result.ok, result.errors
    assert [a.name for a in areas_for_address(postcode="1012AA", house_number=60, municipality=municipality)][
        -1
    ] == "Oude Kerk"
