"""/<gemeente>/stemmen/<round>/: voting with a stemcode, and the result."""

from django.urls import path

from . import views

urlpatterns = [
    path("<slug:slug>/", views.start, name="voting_start"),
    path("<slug:slug>/stembiljet/", views.ballot, name="voting_ballot"),
    path("<slug:slug>/controleren/", views.review, name="voting_review"),
    path("<slug:slug>/ontvangstbewijs/", views.receipt, name="voting_receipt"),
    path("<slug:slug>/uitslag/", views.result, name="voting_result"),
    path("<slug:slug>/uitslag.csv", views.result_csv, name="voting_result_csv"),
]
