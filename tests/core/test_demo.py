"""`buurtbudget demo` gives a fresh machine something to try, and running it twice is harmless."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.test import Client

from buurtbudget.accounts.models import Role, RoleAssignment, User
from buurtbudget.areas.models import Area, PostcodeRange
from buurtbudget.audit.models import AuditEvent
from buurtbudget.core.demo import data
from buurtbudget.tenancy.models import Municipality

pytestmark = pytest.mark.django_db

AMSTERDAM_AREAS = {
    "Nieuw-West": None,
    "Noord": None,
    "West": None,
    "Zuid": None,
    "Zuidoost": None,
    "Geuzenveld": "Nieuw-West",
    "Bloemenbuurt": "Geuzenveld",
    "Bos en Lommer": "West",
    "De Baarsjes": "West",
    "Buitenveldert": "Zuid",
    "K-buurt": "Zuidoost",
    "Holendrecht": "Zuidoost",
}


def _run() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo_output() -> str:
    _run()
    return _run()


def _counts() -> tuple[int, ...]:
    return (
        Municipality.objects.count(),
        Area.objects.count(),
        PostcodeRange.objects.count(),
        User.objects.count(),
        RoleAssignment.objects.count(),
        EmailAddress.objects.count(),
        AuditEvent.objects.count(),
    )


def test_a_second_run_creates_nothing_new() -> None:
    _run()
    first = _counts()
    _run()
    assert _counts() == first


def test_amsterdam_and_utrecht_exist_once_with_readable_colours(demo_output: str) -> None:
    amsterdam = Municipality.objects.get(slug="amsterdam")
    utrecht = Municipality.objects.get(slug="utrecht")
    assert amsterdam.name == "Amsterdam" and utrecht.name == "Utrecht"
    assert amsterdam.primary_colour == "#ec0000"
    assert Municipality.objects.count() == 2


def test_amsterdam_has_its_districts_and_neighbourhoods_in_a_tree(demo_output: str) -> None:
    areas = {a.name: a for a in Area.objects.filter(municipality__slug="amsterdam")}
    for name, parent in AMSTERDAM_AREAS.items():
        assert name in areas, name
        assert (areas[name].parent.name if areas[name].parent else None) == parent
        assert areas[name].path.endswith(f"/{areas[name].pk}/")
    assert Area.objects.filter(municipality__slug="amsterdam", name="Geuzenveld").count() == 1
    assert {a.name for a in Area.objects.filter(municipality__slug="utrecht")} >= {
        "Overvecht",
        "Kanaleneiland",
        "Zuilen",
    }


def test_postcodes_include_one_split_by_house_number(demo_output: str) -> None:
    split = PostcodeRange.objects.filter(postcode_from="1067HK", postcode_to="1067HK").order_by(
        "house_number_from"
    )
    assert [(r.house_number_from, r.house_number_to) for r in split] == [(1, 49), (50, None)]
    assert split[0].area != split[1].area
    assert PostcodeRange.objects.filter(area__name="Bos en Lommer", postcode_from__startswith="1055").exists()
    assert PostcodeRange.objects.filter(area__name="Holendrecht", postcode_from__startswith="1106").exists()


def test_every_role_has_one_demo_log_in_listed_in_the_table(demo_output: str) -> None:
    for role in Role:
        # One standing log-in per role; initiators of the demo's own initiatives hold extra, object-scoped roles.
        standing = RoleAssignment.objects.filter(role=role, municipality__slug="amsterdam", object_key="")
        assert standing.count() == 1, role
        assert str(role.label) in demo_output
    for person in data.PEOPLE:
        assert User.objects.filter(email=person.email).count() == 1
        line = next(line for line in demo_output.splitlines() if line.startswith(person.email + " "))
        assert data.DEMO_PASSWORD in line
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == len(data.PEOPLE)


def test_the_demo_resident_can_log_in_with_the_printed_password(demo_output: str) -> None:
    line = next(line for line in demo_output.splitlines() if line.startswith("bewoner@amsterdam.example"))
    password = line.split()[-1]
    client = Client()
    response = client.post("/accounts/login/", {"login": "bewoner@amsterdam.example", "password": password})
    assert response.status_code == 302
    assert client.get("/mijn/").status_code == 200
    assert client.login(email="bewoner@amsterdam.example", password=password)


def test_the_demo_pages_render(demo_output: str, client: Client) -> None:
    assert "Amsterdam" in client.get("/").content.decode()
    html = client.get("/amsterdam/").content.decode()
    assert "Geuzenveld" in html and "Overvecht" not in html
    assert client.get("/amsterdam/gebied/bloemenbuurt/").status_code == 200
