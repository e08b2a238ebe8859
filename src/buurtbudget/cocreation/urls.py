"""/<gemeente>/cocreatie/<scheme>/: the published co-creation of a scheme; participants act on the same page."""

from django.urls import path

from . import views

urlpatterns = [
    path("<slug:scheme>/", views.public_page, name="cocreation_public"),
    path("<slug:scheme>/voorstel/", views.propose, name="cocreation_propose"),
    path("<slug:scheme>/voorstel/<int:pk>/reactie/", views.respond, name="cocreation_respond"),
]
