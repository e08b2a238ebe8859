"""Staff pages of one municipality, under /<gemeente>/beheer/."""

from django.urls import path

from buurtbudget.audit import views as audit_views

urlpatterns = [
    path("audit/", audit_views.audit_trail, name="audit_trail"),
]
