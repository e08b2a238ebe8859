"""Staff roles must set up two-factor log-in before they can use the site; residents need not."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.urls import reverse

from buurtbudget.accounts.models import Role
from tests.factories import MunicipalityFactory, RoleAssignmentFactory, UserFactory
from tests.factories.core import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def require_2fa(settings):
    settings.BUURTBUDGET_REQUIRE_STAFF_2FA = True


@pytest.mark.usefixtures("require_2fa")
def test_a_budget_manager_without_totp_is_sent_to_set_it_up_on_every_page(client):
    municipality = MunicipalityFactory()
    manager = RoleAssignmentFactory(role=Role.BUDGET_MANAGER, municipality=municipality).user
    EmailAddress.objects.create(user=manager, email=manager.email, verified=True, primary=True)
    client.post(reverse("account_login"), {"login": manager.email, "password": DEFAULT_PASSWORD})

    for url in ["/", municipality.get_absolute_url(), reverse("accounts:dashboard")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("mfa_activate_totp")
    # allauth asks for the password once more before showing the set-up page; that page is reachable.
    ask_password = client.get(reverse("mfa_activate_totp"))
    assert ask_password["Location"].startswith(reverse("account_reauthenticate"))
    assert client.get(ask_password["Location"]).status_code == 200
    client.post(ask_password["Location"], {"password": DEFAULT_PASSWORD})
    setup = client.get(reverse("mfa_activate_totp"))
    assert setup.status_code == 200
    assert 'autocomplete="one-time-code"' in setup.content.decode()


@pytest.mark.usefixtures("require_2fa")
def test_a_budget_manager_with_totp_uses_the_site_normally(client):
    manager = RoleAssignmentFactory(role=Role.BUDGET_MANAGER).user
    Authenticator.objects.create(user=manager, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(manager)

    assert client.get(reverse("accounts:dashboard")).status_code == 200


@pytest.mark.usefixtures("require_2fa")
def test_a_plain_resident_is_never_asked_for_two_factor_log_in(client):
    client.force_login(UserFactory())

    assert client.get(reverse("accounts:dashboard")).status_code == 200
    assert client.get("/").status_code == 200


def test_when_the_setting_is_off_staff_are_not_redirected(client, settings):
    settings.BUURTBUDGET_REQUIRE_STAFF_2FA = False
    client.force_login(RoleAssignmentFactory(role=Role.BUDGET_MANAGER).user)

    assert client.get(reverse("accounts:dashboard")).status_code == 200
