import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from buurtbudget.accounts.models import Role
from buurtbudget.areas.models import Area, PostcodeRange
from buurtbudget.audit.models import AuditEvent
from tests.factories import (
    AreaFactory,
    MunicipalityFactory,
    PostcodeRangeFactory,
    RoleAssignmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CSV = (
    "niveau;naam;ouder;code;postcode_van;postcode_tot;huisnummer_van;huisnummer_tot\n"
    "stadsdeel;Noord;;;;;;\nwijk;Oost;Noord;;1021AA;1021ZZ;;\n"
)


def staff_url(name, municipality, **kwargs):  # type: ignore[no-untyped-def]
    return reverse(f"core:{name}", kwargs={"gemeente": municipality.slug, **kwargs})


def test_list_shows_the_tree_with_postcodes_in_a_fixed_number_of_queries(  # type: ignore[no-untyped-def]
    manager_client, municipality, tree, django_assert_num_queries
):
    url = staff_url("areas_list", municipality)
    # session, language, municipality, user, roles, areas, postcode ranges
    with django_assert_num_queries(7):
        response = manager_client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kop Zeedijk" in html and "1012AA–1012AA (1–49)" in html
    # More areas and ranges must not cost more queries.
    for n in range(5):
        area = AreaFactory(municipality=municipality, parent=tree["burgwallen"], level="buurt")
        PostcodeRangeFactory(area=area, postcode_from=f"10{20 + n}AA", postcode_to=f"10{20 + n}ZZ")
    with django_assert_num_queries(7):
        manager_client.get(url)


def test_manager_creates_an_area_through_the_form(manager_client, municipality, tree):  # type: ignore[no-untyped-def]
    response = manager_client.post(
        staff_url("areas_create", municipality),
        {"name": "Nieuwmarkt", "level": "neighbourhood", "parent": tree["centrum"].pk},
    )
    assert response.status_code == 302
    created = Area.objects.get(name="Nieuwmarkt")
    assert created.parent == tree["centrum"] and created.municipality == municipality


def test_wrong_level_is_shown_on_the_form_and_nothing_created(manager_client, municipality, tree):  # type: ignore[no-untyped-def]
    count = Area.objects.count()
    response = manager_client.post(
        staff_url("areas_create", municipality),
        {"name": "Fout", "level": "buurt", "parent": tree["centrum"].pk},
    )
    assert response.status_code == 200
    assert "ligt in een wijk" in response.content.decode()
    assert Area.objects.count() == count


def test_edit_moves_and_renames(manager_client, municipality, tree):  # type: ignore[no-untyped-def]
    zuid = AreaFactory(municipality=municipality, name="Zuid")
    response = manager_client.post(
        staff_url("areas_edit", municipality, pk=tree["burgwallen"].pk),
        {"name": "Burgwallen", "parent": zuid.pk, "slug": "", "code": "", "description": ""},
    )
    assert response.status_code == 302
    assert Area.objects.get(pk=tree["zeedijk"].pk).path.startswith(zuid.path)


def test_add_and_remove_postcode_range(manager_client, municipality, tree):  # type: ignore[no-untyped-def]
    area = tree["oude_kerk"]
    add = staff_url("areas_range_add", municipality, pk=area.pk)
    response = manager_client.post(add, {"postcode_from": "1013 ab", "postcode_to": ""})
    assert response.status_code == 302
    added = PostcodeRange.objects.get(area=area, postcode_from="1013AB")
    assert added.postcode_to == "1013AB"
    bad = manager_client.post(add, {"postcode_from": "0013AB", "postcode_to": ""})
    assert "4 cijfers" in bad.content.decode()
    remove = staff_url("areas_range_remove", municipality, pk=area.pk, range_pk=added.pk)
    assert manager_client.post(remove).status_code == 302
    assert not PostcodeRange.objects.filter(pk=added.pk).exists()


def test_import_page_lists_every_bad_row_and_imports_nothing(manager_client, municipality):  # type: ignore[no-untyped-def]
    bad = CSV + "buurt;X;Nergens;;;;;\nwijk;Y;Noord;;9999;;;\n"
    upload = SimpleUploadedFile("gebieden.csv", bad.encode(), content_type="text/csv")
    response = manager_client.post(staff_url("areas_import", municipality), {"file": upload})
    html = response.content.decode()
    assert "Regel 4" in html and "Regel 5" in html
    assert not Area.objects.exists()


def test_import_page_imports_a_good_file(manager_client, municipality):  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile("gebieden.csv", CSV.encode(), content_type="text/csv")
    response = manager_client.post(staff_url("areas_import", municipality), {"file": upload}, follow=True)
    assert "2 gebieden" in response.content.decode()
    assert Area.objects.filter(municipality=municipality).count() == 2


def test_example_csv_downloads(manager_client, municipality):  # type: ignore[no-untyped-def]
    response = manager_client.get(staff_url("areas_example_csv", municipality))
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().startswith("niveau;naam;ouder")


@pytest.fixture
def other_tree():  # type: ignore[no-untyped-def]
    other = MunicipalityFactory(name="Utrecht", slug="utrecht")
    district = AreaFactory(municipality=other, name="Binnenstad-Utrecht")
    return other, district, PostcodeRangeFactory(area=district, postcode_from="3511AA", postcode_to="3511ZZ")


def test_manager_of_a_gets_403_on_every_page_of_b_and_posts_change_nothing(manager_client, other_tree):  # type: ignore[no-untyped-def]
    other, district, postcode_range = other_tree
    before = (Area.objects.count(), PostcodeRange.objects.count(), AuditEvent.objects.count())
    gets = [
        staff_url("areas_list", other),
        staff_url("areas_create", other),
        staff_url("areas_import", other),
        staff_url("areas_example_csv", other),
        staff_url("areas_edit", other, pk=district.pk),
    ]
    for url in gets:
        assert manager_client.get(url).status_code == 403, url
    posts = {
        staff_url("areas_create", other): {"name": "Indringer", "level": "district"},
        staff_url("areas_import", other): {"file": SimpleUploadedFile("a.csv", CSV.encode())},
        staff_url("areas_edit", other, pk=district.pk): {
            "name": "Gekaapt",
            "slug": "",
            "code": "",
            "description": "",
        },
        staff_url("areas_range_add", other, pk=district.pk): {"postcode_from": "3512AA"},
        staff_url("areas_range_remove", other, pk=district.pk, range_pk=postcode_range.pk): {},
    }
    for url, data in posts.items():
        assert manager_client.post(url, data).status_code == 403, url
    assert (Area.objects.count(), PostcodeRange.objects.count(), AuditEvent.objects.count()) == before
    district.refresh_from_db()
    assert district.name == "Binnenstad-Utrecht"


def test_manager_cannot_reach_b_area_through_own_municipality_url(manager_client, municipality, other_tree):  # type: ignore[no-untyped-def]
    _, district, postcode_range = other_tree
    assert manager_client.get(staff_url("areas_edit", municipality, pk=district.pk)).status_code == 404
    response = manager_client.post(
        staff_url("areas_range_remove", municipality, pk=district.pk, range_pk=postcode_range.pk)
    )
    assert response.status_code == 404
    assert PostcodeRange.objects.filter(pk=postcode_range.pk).exists()


def test_other_roles_cannot_manage_areas(municipality):  # type: ignore[no-untyped-def]
    user = UserFactory()
    RoleAssignmentFactory(user=user, municipality=municipality, role=Role.RESIDENT)
    client = Client()
    client.force_login(user)
    assert client.get(staff_url("areas_list", municipality)).status_code == 403


def test_public_pages_of_a_never_show_areas_of_b(municipality, tree, other_tree):  # type: ignore[no-untyped-def]
    client = Client()
    home = client.get(municipality.get_absolute_url()).content.decode()
    assert "Kop Zeedijk" in home and "Binnenstad-Utrecht" not in home
    check = client.get(staff_url("postcode_check", municipality), {"postcode": "3511AB", "house_number": 1})
    assert "Binnenstad-Utrecht" not in check.content.decode()
    assert (
        client.get(
            reverse("core:area", kwargs={"gemeente": "amsterdam", "area": other_tree[1].slug})
        ).status_code
        == 404
    )


def test_postcode_check_tells_a_resident_their_buurt(municipality, tree):  # type: ignore[no-untyped-def]
    response = Client().get(
        staff_url("postcode_check", municipality), {"postcode": "1012 aa", "house_number": "60"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Oude Kerk" in html and "Burgwallen" in html and "Centrum" in html and "Kop Zeedijk" not in html
