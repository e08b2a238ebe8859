"""Staff pages of one municipality, under /<gemeente>/beheer/."""

from django.urls import include, path

from buurtbudget.accounts import role_views
from buurtbudget.audit import views as audit_views

urlpatterns = [
    path("audit/", audit_views.audit_trail, name="audit_trail"),
    path("buurtbudget/", include("buurtbudget.rounds.staff_urls")),
    path("cocreatie/", include("buurtbudget.cocreation.staff_urls")),
    path("community/", include("buurtbudget.community.staff_urls")),
    path("gebieden/", include("buurtbudget.areas.staff_urls")),
    path("geld/", include("buurtbudget.ledger.staff_urls")),
    path("gemeente/", include("buurtbudget.tenancy.staff_urls")),
    path("initiatieven/", include("buurtbudget.accountability.staff_urls")),
    path("ondersteuning/", include("buurtbudget.support.staff_urls")),
    path("", include("buurtbudget.payments.staff_urls")),
    path("regelingen/", include("buurtbudget.schemes.staff_urls")),
    path("regiegroep/", include("buurtbudget.regiegroep.staff_urls")),
    path("rollen/", role_views.manage_roles, name="manage_roles"),
]
