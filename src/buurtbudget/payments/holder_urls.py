"""The holder's payment pages, included under /mijn/ (names in the `accounts` namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("vouchers/<str:code>/betaalverzoek/", views.payment_request_create, name="payment_request"),
    path("vouchers/<str:code>/contant/", views.cash_withdrawal_create, name="cash_withdrawal"),
    path("betaalverzoeken/<int:pk>/verantwoorden/", views.cash_settlement, name="cash_settlement"),
]
