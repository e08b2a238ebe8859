"""/<gemeente>/raadpleging/<id>/: the public page of a consultation, with the response form for residents."""

from django.urls import path

from . import views

urlpatterns = [
    path("<int:pk>/", views.consultation_page, name="consultation"),
]
