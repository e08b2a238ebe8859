"""Resident pages of initiatives. Included in the root URLconf before the municipality catch-all."""

from django.urls import path

from . import views

app_name = "initiatives"

urlpatterns = [
    path("mijn/initiatieven/", views.my_initiatives, name="mine"),
    path("mijn/initiatieven/<int:pk>/", views.detail, name="detail"),
    path("mijn/initiatieven/<int:pk>/plan/", views.plan, name="plan"),
    path("mijn/initiatieven/<int:pk>/begroting/", views.budget, name="budget"),
    path("mijn/initiatieven/<int:pk>/controleren/", views.check, name="check"),
    path("mijn/initiatieven/<int:pk>/intrekken/", views.withdraw, name="withdraw"),
    path(
        "mijn/initiatieven/<int:pk>/mede-initiatiefnemer/<int:co_pk>/verwijderen/",
        views.remove_co_initiator,
        name="remove_co_initiator",
    ),
    path(
        "mijn/initiatieven/<int:pk>/bijlage/<int:attachment_pk>/verwijderen/",
        views.remove_attachment,
        name="remove_attachment",
    ),
    path("mijn/uitnodiging/<str:token>/", views.confirm_co_initiator, name="confirm_co_initiator"),
    path("<slug:gemeente>/regelingen/<slug:scheme>/", views.scheme_page, name="scheme"),
    path("<slug:gemeente>/regelingen/<slug:scheme>/indienen/", views.start, name="start"),
]
