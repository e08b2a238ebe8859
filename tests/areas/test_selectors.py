import pytest

from buurtbudget.areas.selectors import area_tree_with_ranges, areas_for_address
from tests.factories import AreaFactory, MunicipalityFactory, PostcodeRangeFactory

pytestmark = pytest.mark.django_db


def names(areas):  # type: ignore[no-untyped-def]
    return [a.name for a in areas]


def test_address_gives_its_buurt_with_wijk_and_district_in_order(tree, municipality):  # type: ignore[no-untyped-def]
    assert names(areas_for_address(postcode="1011 ac", house_number=3, municipality=municipality)) == [
        "Centrum",
        "Burgwallen",
        "Kop Zeedijk",
    ]


def test_split_postcode_is_decided_by_house_number(tree):  # type: ignore[no-untyped-def]
    assert names(areas_for_address(postcode="1012AA", house_number=49))[-1] == "Kop Zeedijk"
    assert names(areas_for_address(postcode="1012AA", house_number=51))[-1] == "Oude Kerk"
    assert names(areas_for_address(postcode="1012AA", house_number=5000))[-1] == "Oude Kerk"
    # Number 50 falls between the two parts of the split postcode.
    assert areas_for_address(postcode="1012AA", house_number=50) == []


def test_without_house_number_a_split_postcode_matches_nothing(tree):  # type: ignore[no-untyped-def]
    assert areas_for_address(postcode="1012AA", house_number=None) == []
    assert names(areas_for_address(postcode="1011AB", house_number=None))[-1] == "Kop Zeedijk"


def test_unknown_or_malformed_postcode_matches_nothing(tree):  # type: ignore[no-untyped-def]
    assert areas_for_address(postcode="9999ZZ", house_number=1) == []
    assert areas_for_address(postcode="hallo", house_number=1) == []
    assert areas_for_address(postcode="0123AB", house_number=1) == []


def test_lookup_stays_within_the_given_municipality(tree, municipality):  # type: ignore[no-untyped-def]
    other = MunicipalityFactory()
    PostcodeRangeFactory(
        area=AreaFactory(municipality=other, name="Elders"), postcode_from="1011AA", postcode_to="1011ZZ"
    )
    assert "Elders" not in names(
        areas_for_address(postcode="1011AC", house_number=1, municipality=municipality)
    )
    assert "Elders" in names(areas_for_address(postcode="1011AC", house_number=1, municipality=other))


def test_lookup_takes_two_queries(tree, django_assert_num_queries):  # type: ignore[no-untyped-def]
    with django_assert_num_queries(2):
        areas_for_address(postcode="1012AA", house_number=7)


def test_staff_tree_has_ranges_in_two_queries(tree, municipality, django_assert_num_queries):  # type: ignore[no-untyped-def]
    with django_assert_num_queries(2):
        roots = area_tree_with_ranges(municipality=municipality)
        zeedijk = roots[0].children[0].children[0].area
        ranges = [str(r) for r in zeedijk.postcode_ranges.all()]
    assert zeedijk.name == "Kop Zeedijk"
    assert ranges == ["1011AB–1011AZ", "1012AA–1012AA (1–49)"]
