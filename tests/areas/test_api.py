import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import AreaFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_api_lists_areas_with_level_parent_and_ranges(municipality, tree):  # type: ignore[no-untyped-def]
    AreaFactory(municipality=MunicipalityFactory(), name="Elders")
    response = Client().get(reverse("api-municipality-areas", kwargs={"gemeente": municipality.slug}))
    assert response.status_code == 200
    results = {row["name"]: row for row in response.json()["results"]}
    assert set(results) == {"Centrum", "Burgwallen", "Kop Zeedijk", "Oude Kerk"}
    assert results["Oude Kerk"]["level"] == "buurt"
    assert results["Oude Kerk"]["parent"] == "burgwallen"
    assert results["Centrum"]["parent"] is None
    assert results["Oude Kerk"]["postcode_ranges"] == [
        {"postcode_from": "1012AA", "postcode_to": "1012AA", "house_number_from": 51, "house_number_to": None}
    ]


def test_api_of_unknown_municipality_is_404():  # type: ignore[no-untyped-def]
    assert Client().get("/api/gemeenten/bestaat-niet/gebieden/").status_code == 404


def test_area_list_is_in_the_openapi_schema():  # type: ignore[no-untyped-def]
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/gemeenten/{gemeente}/gebieden/" in schema
