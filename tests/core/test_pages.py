"""The public pages: platform home, municipality home and area page, each kept to its own tenant."""

from typing import Any

import pytest
from django.test import Client

from buurtbudget.areas.models import AreaLevel
from tests.factories import AreaFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_the_platform_home_lists_active_municipalities_only(client: Client) -> None:
    MunicipalityFactory(name="Amsterdam", slug="amsterdam")
    MunicipalityFactory(name="Utrecht", slug="utrecht")
    MunicipalityFactory(name="Slapende Gemeente", slug="slapend", is_active=False)

    html = client.get("/").content.decode()

    assert 'href="/amsterdam/"' in html and 'href="/utrecht/"' in html
    assert "Slapende Gemeente" not in html


def test_a_municipality_home_shows_its_own_areas_and_never_another_municipalitys(client: Client) -> None:
    amsterdam = MunicipalityFactory(name="Amsterdam", slug="amsterdam")
    utrecht = MunicipalityFactory(name="Utrecht", slug="utrecht")
    west = AreaFactory(municipality=amsterdam, name="West", slug="west")
    AreaFactory(municipality=amsterdam, parent=west, level=AreaLevel.NEIGHBOURHOOD, name="De Baarsjes")
    AreaFactory(municipality=utrecht, name="Overvecht", slug="overvecht")

    response = client.get("/amsterdam/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "West" in html and "De Baarsjes" in html
    assert "Overvecht" not in html
    # Footer and theme belong to this municipality.
    assert amsterdam.contact_email in html
    assert 'href="/amsterdam/theme.css"' in html


def test_an_area_of_another_municipality_is_not_found_under_this_one(client: Client) -> None:
    MunicipalityFactory(slug="amsterdam")
    utrecht = MunicipalityFactory(slug="utrecht")
    AreaFactory(municipality=utrecht, name="Overvecht", slug="overvecht")

    assert client.get("/amsterdam/gebied/overvecht/").status_code == 404
    assert client.get("/utrecht/gebied/overvecht/").status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/bestaat-niet/", "/bestaat-niet/gebied/west/", "/bestaat-niet/theme.css", "/amsterdam/gebied/nergens/"],
)
def test_unknown_municipality_or_area_is_404(client: Client, path: str) -> None:
    MunicipalityFactory(slug="amsterdam")
    assert client.get(path).status_code == 404


def test_an_inactive_municipality_has_no_pages(client: Client) -> None:
    MunicipalityFactory(slug="slapend", is_active=False)
    assert client.get("/slapend/").status_code == 404


def test_the_area_page_shows_breadcrumbs_and_children(client: Client) -> None:
    amsterdam = MunicipalityFactory(name="Amsterdam", slug="amsterdam")
    west = AreaFactory(municipality=amsterdam, name="West", slug="west")
    baarsjes = AreaFactory(
        municipality=amsterdam,
        parent=west,
        level=AreaLevel.NEIGHBOURHOOD,
        name="De Baarsjes",
        slug="de-baarsjes",
    )
    AreaFactory(
        municipality=amsterdam, parent=baarsjes, level=AreaLevel.BUURT, name="Hoofdweg", slug="hoofdweg"
    )
    AreaFactory(
        municipality=amsterdam, parent=baarsjes, level=AreaLevel.BUURT, name="Chassébuurt", slug="chasse"
    )

    html = client.get("/amsterdam/gebied/de-baarsjes/").content.decode()

    start = html.index('<nav class="utrecht-breadcrumb-nav"')
    crumbs = html[start : html.index("</nav>", start)]
    assert crumbs.index("Amsterdam") < crumbs.index("West") < crumbs.index("De Baarsjes")
    assert 'aria-current="page"' in crumbs
    assert 'href="/amsterdam/gebied/hoofdweg/"' in html and 'href="/amsterdam/gebied/chasse/"' in html


def _tree(municipality: Any, districts: int) -> None:
    for d in range(districts):
        district = AreaFactory(municipality=municipality, name=f"Stadsdeel {d}")
        for w in range(3):
            AreaFactory(
                municipality=municipality,
                parent=district,
                level=AreaLevel.NEIGHBOURHOOD,
                name=f"Wijk {d}.{w}",
            )


@pytest.mark.parametrize("size", [1, 8])
def test_home_takes_a_fixed_number_of_queries(
    client: Client, django_assert_num_queries: Any, size: int
) -> None:
    for _ in range(size):
        MunicipalityFactory()
    with django_assert_num_queries(1):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("districts", [1, 6])
def test_municipality_home_takes_a_fixed_number_of_queries(
    client: Client, django_assert_num_queries: Any, districts: int
) -> None:
    amsterdam = MunicipalityFactory(slug="amsterdam")
    _tree(amsterdam, districts)
    # municipality, the whole area tree, open schemes (their open rounds only when there are schemes)
    with django_assert_num_queries(3):
        assert client.get("/amsterdam/").status_code == 200


@pytest.mark.parametrize("children", [1, 6])
def test_area_page_takes_a_fixed_number_of_queries(
    client: Client, django_assert_num_queries: Any, children: int
) -> None:
    amsterdam = MunicipalityFactory(slug="amsterdam")
    west = AreaFactory(municipality=amsterdam, name="West", slug="west")
    wijk = AreaFactory(municipality=amsterdam, parent=west, level=AreaLevel.NEIGHBOURHOOD, slug="wijk")
    for _ in range(children):
        AreaFactory(municipality=amsterdam, parent=wijk, level=AreaLevel.BUURT)
    # municipality, area, ancestors, children, open schemes, published regiegroep decisions
    with django_assert_num_queries(6):
        assert client.get("/amsterdam/gebied/wijk/").status_code == 200
