"""/<gemeente>/beheer/gebieden/: the area tree for budget managers."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.area_list, name="areas_list"),
    path("nieuw/", views.area_create, name="areas_create"),
    path("importeren/", views.area_import, name="areas_import"),
    path("voorbeeld.csv", views.example_csv, name="areas_example_csv"),
    path("<int:pk>/", views.area_edit, name="areas_edit"),
    path("<int:pk>/postcodes/", views.range_add, name="areas_range_add"),
    path("<int:pk>/postcodes/<int:range_pk>/verwijderen/", views.range_remove, name="areas_range_remove"),
]
