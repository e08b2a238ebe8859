"""One permission mechanism: roles grant, scopes limit; views, the API and templates give the same answers."""

import pytest
from django.template import engines
from django.test import RequestFactory
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from buurtbudget.accounts.api_permissions import HasScopedPermission
from buurtbudget.accounts.models import Role
from tests.factories import AreaFactory, MunicipalityFactory, RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


class AreaAdminView(APIView):
    permission_classes = [HasScopedPermission]
    required_permission = "areas.manage"

    def get(self, request, area):
        self.check_object_permissions(request, area)
        return Response({"ok": True})


def api_allows(user, area) -> bool:
    request = APIRequestFactory().get("/api/x/")
    force_authenticate(request, user=user)
    return AreaAdminView.as_view()(request, area=area).status_code == 200


def tag_allows(user, obj) -> bool:
    request = RequestFactory().get("/")
    request.user = user
    template = engines["django"].from_string('{% can "areas.manage" obj as ok %}{{ ok }}')
    return template.render({"obj": obj}, request) == "True"


@pytest.fixture
def tree():
    gemeente = MunicipalityFactory()
    noord = AreaFactory(municipality=gemeente)
    zuid = AreaFactory(municipality=gemeente)
    buurt_in_noord = AreaFactory(municipality=gemeente, parent=noord, level="buurt")
    return gemeente, noord, zuid, buurt_in_noord


def test_a_municipality_role_grants_within_that_municipality_only(tree):
    gemeente, noord, _zuid, _buurt = tree
    other_area = AreaFactory()
    manager = RoleAssignmentFactory(role=Role.BUDGET_MANAGER, municipality=gemeente).user

    assert manager.has_perm("areas.manage", gemeente)
    assert manager.has_perm("areas.manage", noord)
    assert not manager.has_perm("areas.manage", other_area.municipality)
    assert not manager.has_perm("areas.manage", other_area)
    assert not manager.has_perm("payments.approve", gemeente)


def test_a_district_role_grants_on_its_buurten_but_not_on_a_sibling_district_or_the_municipality(tree):
    gemeente, noord, zuid, buurt_in_noord = tree
    user = RoleAssignmentFactory(role=Role.BUDGET_MANAGER, municipality=gemeente, area=noord).user

    assert user.has_perm("areas.manage", noord)
    assert user.has_perm("areas.manage", buurt_in_noord)
    assert not user.has_perm("areas.manage", zuid)
    assert not user.has_perm("areas.manage", gemeente)


def test_an_object_role_grants_on_that_object_only(tree):
    gemeente, noord, zuid, _buurt = tree
    user = RoleAssignmentFactory(
        role=Role.BUDGET_MANAGER, municipality=gemeente, object_key=f"areas.area:{zuid.pk}"
    ).user

    assert user.has_perm("areas.manage", zuid)
    assert not user.has_perm("areas.manage", noord)


def test_an_inactive_user_gets_nothing(tree):
    gemeente, noord, _zuid, _buurt = tree
    user = RoleAssignmentFactory(role=Role.BUDGET_MANAGER, municipality=gemeente).user
    user.is_active = False
    user.save()

    assert not user.has_perm("areas.manage", gemeente)
    assert not user.has_perm("areas.manage", noord)
    assert not api_allows(user, noord)
    assert not tag_allows(user, noord)


def test_api_and_template_tag_answer_exactly_like_has_perm(tree):
    gemeente, noord, zuid, buurt_in_noord = tree
    district_manager = RoleAssignmentFactory(role=Role.BUDGET_MANAGER, municipality=gemeente, area=noord).user
    auditor = RoleAssignmentFactory(role=Role.AUDITOR, municipality=gemeente).user
    resident = UserFactory()

    for user in (district_manager, auditor, resident):
        for area in (noord, zuid, buurt_in_noord):
            expected = user.has_perm("areas.manage", area)
            assert api_allows(user, area) is expected, (user, area)
            assert tag_allows(user, area) is expected, (user, area)
    assert api_allows(district_manager, buurt_in_noord)
    assert not api_allows(auditor, noord)
