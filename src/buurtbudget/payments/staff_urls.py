"""Payment pages of one municipality, included under /<gemeente>/beheer/ (names in the `core` namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("betaalorganisaties/", views.paying_organisations, name="payments_organisations"),
    path(
        "betaalorganisaties/<int:pk>/wijzigen/",
        views.paying_organisation_edit,
        name="payments_organisation_edit",
    ),
    path("betalingen/", views.payer_queue, name="payments_queue"),
    path("betalingen/<int:pk>/goedkeuren/", views.approve, name="payments_approve"),
    path("betalingen/<int:pk>/afwijzen/", views.reject, name="payments_reject"),
    path("betalingen/<int:pk>/terugontvangen/", views.cash_returned, name="payments_cash_returned"),
    path("betalingen/<int:pk>/document/", views.document, name="payments_document"),
    path("betalingen/batches/", views.batches, name="payments_batches"),
    path("betalingen/batches/<int:pk>/bestand/", views.batch_download, name="payments_batch_download"),
    path("betalingen/afschriften/", views.statements, name="payments_statements"),
    path("betalingen/afschriften/regels/<int:pk>/", views.handle_line, name="payments_handle_line"),
]
