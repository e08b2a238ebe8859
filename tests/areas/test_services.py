import pytest
from django.core.exceptions import ValidationError

from buurtbudget.areas import services
from buurtbudget.areas.models import Area, AreaLevel, PostcodeRange
from buurtbudget.audit.models import AuditEvent
from tests.factories import AreaFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_create_area_sets_path_slug_and_writes_audit(municipality, manager):  # type: ignore[no-untyped-def]
    district = services.create_area(
        actor=manager, municipality=municipality, name="Nieuw-West", level="district"
    )
    wijk = services.create_area(
        actor=manager, municipality=municipality, name="Slotervaart", level="neighbourhood", parent=district
    )
    assert district.path == f"/{district.pk}/"
    assert wijk.path == f"/{district.pk}/{wijk.pk}/"
    assert wijk.slug == "slotervaart"
    event = AuditEvent.objects.get(action="areas.area_created", object_id=str(wijk.pk))
    assert event.actor == manager and event.municipality == municipality
    assert event.after["name"] == "Slotervaart"


def test_slug_is_made_unique_within_the_municipality(municipality, manager):  # type: ignore[no-untyped-def]
    first = services.create_area(actor=manager, municipality=municipality, name="Oost", level="district")
    second = services.create_area(actor=manager, municipality=municipality, name="Oost", level="district")
    assert (first.slug, second.slug) == ("oost", "oost-2")


@pytest.mark.parametrize(
    ("level", "parent_key"),
    [("buurt", "centrum"), ("neighbourhood", None), ("district", "centrum"), ("neighbourhood", "zeedijk")],
)
def test_level_must_sit_one_below_the_parent(tree, municipality, manager, level, parent_key):  # type: ignore[no-untyped-def]
    before = Area.objects.count()
    parent = tree[parent_key] if parent_key else None
    with pytest.raises(ValidationError) as exc:
        services.create_area(
            actor=manager, municipality=municipality, name="Fout", level=level, parent=parent
        )
    assert "parent" in exc.value.message_dict
    assert Area.objects.count() == before


def test_parent_from_another_municipality_is_refused(municipality, manager):  # type: ignore[no-untyped-def]
    foreign = AreaFactory(municipality=MunicipalityFactory(), level=AreaLevel.DISTRICT)
    with pytest.raises(ValidationError, match="andere gemeente"):
        services.create_area(
            actor=manager, municipality=municipality, name="W", level="neighbourhood", parent=foreign
        )
    assert not Area.objects.filter(municipality=municipality).exists()


def test_moving_a_wijk_updates_the_paths_of_its_whole_subtree(tree, municipality, manager):  # type: ignore[no-untyped-def]
    zuid = services.create_area(actor=manager, municipality=municipality, name="Zuid", level="district")
    moved = services.update_area(actor=manager, area=tree["burgwallen"], parent=zuid, name="Burgwallen-Oost")
    assert moved.path == f"/{zuid.pk}/{moved.pk}/"
    zeedijk = Area.objects.get(pk=tree["zeedijk"].pk)
    assert zeedijk.path == f"/{zuid.pk}/{moved.pk}/{zeedijk.pk}/"
    assert Area.objects.get(pk=tree["oude_kerk"].pk).path.startswith(moved.path)
    event = AuditEvent.objects.get(action="areas.area_updated")
    assert event.before["parent"] == tree["centrum"].pk and event.after["parent"] == zuid.pk
    assert event.after["name"] == "Burgwallen-Oost"


def test_update_refuses_a_taken_slug_and_changes_nothing(tree, manager):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="al in gebruik"):
        services.update_area(actor=manager, area=tree["zeedijk"], slug="centrum", name="Andere naam")
    assert Area.objects.get(pk=tree["zeedijk"].pk).name == "Kop Zeedijk"
    assert not AuditEvent.objects.filter(action="areas.area_updated").exists()


def test_postcode_range_is_normalised_and_audited(tree, manager):  # type: ignore[no-untyped-def]
    added = services.add_postcode_range(
        actor=manager, area=tree["oude_kerk"], postcode_from=" 1013 ab", postcode_to="1013ac "
    )
    assert (added.postcode_from, added.postcode_to) == ("1013AB", "1013AC")
    assert AuditEvent.objects.filter(action="areas.postcode_range_added", object_id=str(added.pk)).exists()


@pytest.mark.parametrize(
    ("kwargs", "field", "says"),
    [
        ({"postcode_from": "0123AB", "postcode_to": "0123AB"}, "postcode_from", "Een postcode is 4 cijfers"),
        ({"postcode_from": "1234A", "postcode_to": "1234AB"}, "postcode_from", "Een postcode is 4 cijfers"),
        ({"postcode_from": "1234AB", "postcode_to": "12345B"}, "postcode_to", "Een postcode is 4 cijfers"),
        (
            {"postcode_from": "1234AC", "postcode_to": "1234AB"},
            "postcode_to",
            "De laatste postcode ligt vóór de eerste.",
        ),
        (
            {"postcode_from": "1234AB", "postcode_to": "1234AB", "house_number_from": 0},
            "house_number_from",
            "Een huisnummer is 1 of hoger.",
        ),
        (
            {
                "postcode_from": "1234AB",
                "postcode_to": "1234AB",
                "house_number_from": 9,
                "house_number_to": 3,
            },
            "house_number_to",
            "Het laatste huisnummer ligt vóór het eerste.",
        ),
    ],
)
def test_bad_postcode_range_gives_clear_message_and_writes_nothing(tree, manager, kwargs, field, says):  # type: ignore[no-untyped-def]
    before = PostcodeRange.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.add_postcode_range(actor=manager, area=tree["oude_kerk"], **kwargs)
    message = " ".join(exc.value.message_dict[field])
    assert says in message and " / " not in message  # plain Dutch, the default language
    assert PostcodeRange.objects.count() == before


def test_removing_a_range_is_audited_with_what_was_removed(tree, manager):  # type: ignore[no-untyped-def]
    postcode_range = tree["zeedijk"].postcode_ranges.first()
    services.remove_postcode_range(actor=manager, postcode_range=postcode_range)
    assert not PostcodeRange.objects.filter(pk=postcode_range.pk).exists()
    event = AuditEvent.objects.get(action="areas.postcode_range_removed")
    assert event.before["postcode_from"] == "1011AB"
