import pytest
from django.test import Client

from buurtbudget.accounts.models import Role
from buurtbudget.areas import services
from buurtbudget.areas.models import Area, AreaLevel
from buurtbudget.tenancy.models import Municipality
from tests.factories import MunicipalityFactory, RoleAssignmentFactory, UserFactory


@pytest.fixture(autouse=True)
def _no_two_factor_prompt(settings):  # type: ignore[no-untyped-def]
    # Two-factor set-up for staff is tested with the accounts app; here it would only redirect.
    settings.BUURTBUDGET_REQUIRE_STAFF_2FA = False


@pytest.fixture
def municipality() -> Municipality:
    return MunicipalityFactory(name="Amsterdam", slug="amsterdam")


@pytest.fixture
def manager(municipality):  # type: ignore[no-untyped-def]
    user = UserFactory()
    RoleAssignmentFactory(user=user, municipality=municipality, role=Role.BUDGET_MANAGER)
    return user


@pytest.fixture
def manager_client(manager) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(manager)
    return client


@pytest.fixture
def tree(municipality, manager) -> dict[str, Area]:  # type: ignore[no-untyped-def]
    """Centrum → Burgwallen → {Kop Zeedijk, Oude Kerk}, with postcode 1012AA split by house number."""
    centrum = services.create_area(
        actor=manager, municipality=municipality, name="Centrum", level=AreaLevel.DISTRICT
    )
    burgwallen = services.create_area(
        actor=manager,
        municipality=municipality,
        name="Burgwallen",
        level=AreaLevel.NEIGHBOURHOOD,
        parent=centrum,
    )
    zeedijk = services.create_area(
        actor=manager, municipality=municipality, name="Kop Zeedijk", level=AreaLevel.BUURT, parent=burgwallen
    )
    oude_kerk = services.create_area(
        actor=manager, municipality=municipality, name="Oude Kerk", level=AreaLevel.BUURT, parent=burgwallen
    )
    services.add_postcode_range(actor=manager, area=zeedijk, postcode_from="1011AB", postcode_to="1011AZ")
    services.add_postcode_range(
        actor=manager,
        area=zeedijk,
        postcode_from="1012AA",
        postcode_to="1012AA",
        house_number_from=1,
        house_number_to=49,
    )
    services.add_postcode_range(
        actor=manager, area=oude_kerk, postcode_from="1012aa", postcode_to="1012 AA", house_number_from=51
    )
    return {"centrum": centrum, "burgwallen": burgwallen, "zeedijk": zeedijk, "oude_kerk": oude_kerk}
