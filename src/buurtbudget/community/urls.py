"""/<gemeente>/bewonersgroep/<id>/: the public page of a residents' group with a community budget."""

from django.urls import path

from . import views

urlpatterns = [
    path("<int:pk>/", views.public_group, name="community_group"),
]
