"""/<gemeente>/bewonersgroep/<id>/: the public page of a residents' group with a community budget."""

from django.urls import path

from . import views

urlpatterns = [
    path("<int:pk>/", views.public_group, name="community_group"),
    path("<int:pk>/beheer/", views.manage_group, name="community_manage"),
    path("<int:pk>/beheer/activiteit/", views.allocate, name="community_allocate"),
    path("<int:pk>/beheer/jaarverslag/", views.submit_report, name="community_report"),
]
